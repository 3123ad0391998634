package proxy

import (
	"cmp"
	"context"
	"slices"

	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// readsAhead is a consent source or interceptor that names the records it reads for a subject's
// chat message (consent.Manager, rights.Service).
type readsAhead interface {
	ReadsAhead(subject string) []store.KindKey
}

// vaultReadsAhead is a vault that names the records TokenizeAll reads for values, and those
// Restorer reads (vault.Vault).
type vaultReadsAhead interface {
	ReadsAhead(subject string, items []vault.Item) []store.KindKey
	RestorerReadsAhead(subject string) []store.KindKey
}

// readAhead reads, in one round trip, the records the steps of m will read from a store over a
// network: the pending data-subject request, the consent state, the subject's data key and token
// index entries of the values found, and the subject's tokens the reply's restorer loads while
// the bot works (prefetchRestorer). It returns the context that carries them (ctx when there is
// no such store or the read failed: each step then reads for itself, and fails closed as it would
// have).
func (p *Pipeline) readAhead(ctx context.Context, m *message) context.Context {
	if p.ReadAhead == nil || m.ex.Subject == "" || len(m.fields) == 0 {
		return ctx
	}
	var ids []store.KindKey
	if r, ok := p.Interceptor.(readsAhead); ok {
		ids = append(ids, r.ReadsAhead(m.ex.Subject)...)
	}
	if r, ok := p.Consent.(readsAhead); ok {
		ids = append(ids, r.ReadsAhead(m.ex.Subject)...)
	}
	if r, ok := p.Vault.(vaultReadsAhead); ok {
		if len(m.findings) > 0 {
			var items []vault.Item
			for i := range m.fields {
				f := &m.fields[i]
				for _, fd := range f.findings {
					items = append(items, vault.Item{Type: fd.Type, Value: f.value[fd.Start:fd.End]})
				}
			}
			ids = append(ids, r.ReadsAhead(m.ex.Subject, items)...)
		}
		ids = append(ids, r.RestorerReadsAhead(m.ex.Subject)...)
	}
	if len(ids) == 0 {
		return ctx
	}
	slices.SortFunc(ids, func(a, b store.KindKey) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key)) })
	ids = slices.Compact(ids) // the vault names its data key for both
	actx, err := p.ReadAhead.ReadAhead(ctx, m.ex.Subject, ids)
	if err != nil {
		return ctx
	}
	return actx
}
