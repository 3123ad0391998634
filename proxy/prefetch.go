package proxy

import (
	"context"

	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// pendingRestorer is a subject's tokens being loaded while the bot works on the request, so that
// the reply does not wait for a store round trip (and the first streamed event comes sooner).
type pendingRestorer struct {
	done chan struct{}
	rs   *vault.Restorer
	err  error
}

// prefetchRestorer starts loading the subject's tokens for the reply to an HTTP exchange. It is
// called once the request's tokens are stored, so the restorer holds them. A WebSocket exchange
// is a connection, where replies and requests interleave: it loads per message instead. On a
// store in this process there is nothing to overlap: the reply loads its tokens itself.
func (p *Pipeline) prefetchRestorer(ctx context.Context, ex *Exchange) {
	if ex.Subject == "" || store.InProcess(p.Vault) {
		return
	}
	pr := &pendingRestorer{done: make(chan struct{})}
	ex.restorer = pr
	go func() {
		defer close(pr.done)
		pr.rs, pr.err = p.Vault.Restorer(ctx, ex.Subject)
	}()
}

// takeRestorer returns the prefetched restorer of ex, waiting for it, and whether there was one.
func (ex *Exchange) takeRestorer(ctx context.Context) (*vault.Restorer, bool, error) {
	pr := ex.restorer
	if pr == nil {
		return nil, false, nil
	}
	ex.restorer = nil
	select {
	case <-pr.done:
		return pr.rs, true, pr.err
	case <-ctx.Done():
		return nil, true, ctx.Err()
	}
}
