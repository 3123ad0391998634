package proxy

import (
	"context"
	"fmt"
	"slices"
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
// value, in one vault call: the values the subject already has are one store read together, not
// one round trip each. A message without a subject gets none: nobody could have the value back.
func (p *Pipeline) tokenizeAll(ctx context.Context, m *message) (map[tokenKey]string, error) {
	if m.ex.Subject == "" {
		return nil, nil
	}
	var keys []tokenKey
	var items []vault.Item
	for i := range m.fields {
		f := &m.fields[i]
		for _, fd := range f.findings {
			if m.decision.ActionFor(fd.Type.String()) != policy.ActionTokenize {
				continue
			}
			k := tokenKey{fd.Type, f.value[fd.Start:fd.End]}
			if slices.Contains(keys, k) {
				continue
			}
			format := vault.Placeholder
			if m.decision.TokenFormatFor(k.typ.String()) == policy.TokenSurrogate {
				format = vault.Surrogate
			}
			keys = append(keys, k)
			items = append(items, vault.Item{Type: k.typ, Value: k.value, Format: format})
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	ttl := time.Duration(m.decision.RetentionDays) * 24 * time.Hour
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	t := p.timeStage(m.direction, stageVault)
	tokens, err := p.Vault.TokenizeAll(ctx, m.ex.Subject, items, ttl)
	t.done()
	if err != nil {
		return nil, fmt.Errorf("tokenizing: %w: %w", ErrPrivacyUnavailable, err)
	}
	out := make(map[tokenKey]string, len(keys))
	for i, k := range keys {
		out[k] = tokens[i]
	}
	return out, nil
}
