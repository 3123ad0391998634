package proxy

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
)

// defaultTokenTTL is a token's retention when the decision sets none.
const defaultTokenTTL = 30 * 24 * time.Hour

// tokenKey is one value to tokenize: the same value twice in a message is one token.
type tokenKey struct {
	typ   redact.Type
	value string
}

// tokenizeAll gets the vault tokens of every finding the decision tokenizes, keyed by type and
// value. Each is a store round trip (on Redis), so several run concurrently. A message without a
// subject gets none: nobody could have the value back.
func (p *Pipeline) tokenizeAll(ctx context.Context, m *message) (map[tokenKey]string, error) {
	if m.ex.Subject == "" {
		return nil, nil
	}
	var keys []tokenKey
	for i := range m.fields {
		f := &m.fields[i]
		for _, fd := range f.findings {
			if m.decision.ActionFor(fd.Type.String()) != policy.ActionTokenize {
				continue
			}
			k := tokenKey{fd.Type, f.value[fd.Start:fd.End]}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	ttl := time.Duration(m.decision.RetentionDays) * 24 * time.Hour
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	tokens := make([]string, len(keys))
	errs := make([]error, len(keys))
	one := func(i int) {
		k := keys[i]
		format := vault.Placeholder
		if m.decision.TokenFormatFor(k.typ.String()) == policy.TokenSurrogate {
			format = vault.Surrogate
		}
		tokens[i], errs[i] = p.Vault.Tokenize(ctx, m.ex.Subject, k.typ, k.value, format, ttl)
	}
	var wg sync.WaitGroup
	for i := 1; i < len(keys); i++ {
		wg.Go(func() { one(i) })
	}
	one(0)
	wg.Wait()
	out := make(map[tokenKey]string, len(keys))
	for i, k := range keys {
		if errs[i] != nil {
			return nil, fmt.Errorf("tokenizing: %w: %w", ErrPrivacyUnavailable, errs[i])
		}
		out[k] = tokens[i]
	}
	return out, nil
}
