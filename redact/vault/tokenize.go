package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

// Placeholder tags start at this many hex characters and grow by two on each collision.
const (
	placeholderHex    = 6
	maxCandidates     = 24
	extendAfterFactor = 8 // an entry's expiry is pushed back once 1/8 of its TTL has passed
)

// Tokenize returns the subject's token for value: the same token every time the subject's same
// value (after normalization: case, spacing, separators) is tokenized in the same format, and a
// token unrelated to any other subject's. The entry expires after ttl, counted from the latest
// Tokenize of the value.
func (v *Vault) Tokenize(ctx context.Context, subject string, t redact.Type, value string, format Format, ttl time.Duration) (string, error) {
	if err := checkSubject(subject); err != nil {
		return "", err
	}
	format, norm, err := checkValue(t, value, format, ttl)
	if err != nil {
		return "", err
	}
	dk, err := v.dataKey(ctx, subject, true)
	if err != nil {
		return "", err
	}
	for range 3 {
		sum := dk.sum(macIndex, t.String(), format.String(), norm)
		idx := hex.EncodeToString(sum[:])
		tok, ok, err := v.lookup(ctx, subject, dk, idx, ttl)
		if err != nil || ok {
			return tok, err
		}
		// A new value: make sure the key is still the subject's current one (an erasure through
		// another replica replaces it) before writing anything under it.
		fresh, err := v.loadDataKey(ctx, subject, true)
		if err != nil {
			return "", err
		}
		if fresh.id != dk.id {
			dk = fresh
			continue
		}
		return v.create(ctx, subject, dk, t, format, value, norm, sum, idx, ttl)
	}
	return "", errors.New("vault: data key keeps changing; is the subject being erased?")
}

// checkValue validates one value to tokenize and returns the format it gets and its normalized
// form.
func checkValue(t redact.Type, value string, format Format, ttl time.Duration) (Format, string, error) {
	switch {
	case !t.Valid():
		return 0, "", fmt.Errorf("vault: invalid type %d", uint8(t))
	case format > Surrogate:
		return 0, "", fmt.Errorf("vault: invalid token format %d", uint8(format))
	case ttl <= 0:
		return 0, "", errors.New("vault: a token needs a retention period (ttl > 0)")
	case len(value) > MaxValueLen:
		return 0, "", fmt.Errorf("vault: value longer than %d bytes", MaxValueLen)
	}
	norm := normalizeOrTrim(t, value)
	if norm == "" {
		return 0, "", errors.New("vault: empty value")
	}
	return format.effective(t), norm, nil
}

// Item is one value to tokenize with TokenizeAll.
type Item struct {
	Type   redact.Type
	Value  string
	Format Format
}

// TokenizeAll returns the subject's tokens for items, in order: what Tokenize returns for each,
// but the values that already have a token are found with one store read (one round trip on
// Redis) rather than one each. Values new to the subject are created one by one.
func (v *Vault) TokenizeAll(ctx context.Context, subject string, items []Item, ttl time.Duration) ([]string, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	formats, norms := make([]Format, len(items)), make([]string, len(items))
	for i, it := range items {
		var err error
		if formats[i], norms[i], err = checkValue(it.Type, it.Value, it.Format, ttl); err != nil {
			return nil, err
		}
	}
	dk, err := v.dataKey(ctx, subject, true)
	if err != nil {
		return nil, err
	}
	sums := make([][sha256.Size]byte, len(items))
	for i, it := range items {
		sums[i] = dk.sum(macIndex, it.Type.String(), formats[i].String(), norms[i])
	}
	out := make([]string, len(items))
	// On the in-process store, tokens found before are kept with the data key (see Restorer);
	// one due for a longer retention (fromIndex) is read again, and extended, below.
	var gen uint64
	keep := v.InProcess()
	if keep {
		gen = v.cache.knownTokens(subject, sums, out, v.now(), ttl-ttl/extendAfterFactor)
	}
	var idxs []string
	var at []int
	for i := range items {
		if out[i] == "" {
			idxs = append(idxs, hex.EncodeToString(sums[i][:]))
			at = append(at, i)
		}
	}
	if len(idxs) == 0 {
		return out, nil
	}
	recs, err := v.st.GetMany(ctx, subject, KindIndex, idxs)
	if err != nil {
		return nil, fmt.Errorf("reading token index: %w", err)
	}
	for j, rec := range recs {
		i := at[j]
		if rec.Key != "" {
			tok, exp, ok, err := v.fromIndex(ctx, subject, dk, idxs[j], rec.Value, ttl)
			if err != nil {
				return nil, err
			}
			if ok {
				out[i] = tok
				if keep {
					v.cache.keepToken(subject, gen, sums[i], knownToken{token: tok, expires: exp})
				}
				continue
			}
		}
		// New to the subject (or stale): the careful path, which creates it.
		if out[i], err = v.Tokenize(ctx, subject, items[i].Type, items[i].Value, items[i].Format, ttl); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func normalizeOrTrim(t redact.Type, value string) string {
	if n := normalize(t, value); n != "" && n != "+" {
		return n
	}
	return strings.ToLower(strings.TrimSpace(value))
}

// lookup finds an existing token through the index, pushing its expiry back when ttl reaches
// further than it does.
func (v *Vault) lookup(ctx context.Context, subject string, dk *dataKey, idx string, ttl time.Duration) (string, bool, error) {
	rec, err := v.st.Get(ctx, subject, KindIndex, idx)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading token index: %w", err)
	}
	tok, _, ok, err := v.fromIndex(ctx, subject, dk, idx, rec.Value, ttl)
	return tok, ok, err
}

// fromIndex returns the token an index record holds and its expiry, if it is of the current key
// and live, pushing its expiry back when ttl reaches further than it does.
func (v *Vault) fromIndex(ctx context.Context, subject string, dk *dataKey, idx string, sealed []byte, ttl time.Duration) (string, time.Time, bool, error) {
	tok, exp, err := dk.openIndex(subject, idx, sealed)
	if errors.Is(err, errStale) {
		return "", exp, false, nil
	}
	if err != nil {
		return "", exp, false, err
	}
	now := v.now()
	if !now.Before(exp) {
		return "", exp, false, nil
	}
	if want := now.Add(ttl); want.Sub(exp) > ttl/extendAfterFactor {
		if err := v.extend(ctx, subject, dk, idx, tok, want); err != nil {
			return "", exp, false, err
		}
		exp = want
	}
	return tok, exp, true, nil
}

// extend moves a token's expiry (token record first, then its index) to exp.
func (v *Vault) extend(ctx context.Context, subject string, dk *dataKey, idx, tok string, exp time.Time) error {
	key := dk.tokenKey(tok)
	rec, err := v.st.Get(ctx, subject, KindToken, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased or expired meanwhile; the next Tokenize makes a new entry
	}
	if err != nil {
		return fmt.Errorf("reading token: %w", err)
	}
	e, err := dk.openEntry(subject, key, rec.Value)
	if errors.Is(err, errStale) {
		return nil
	}
	if err != nil {
		return err
	}
	e.expires = exp
	defer v.cache.tokensChanged(subject) // after both writes, so nothing kept meanwhile stays
	if err := v.st.Put(ctx, store.Record{Subject: subject, Kind: KindToken, Key: key, Value: dk.sealEntry(subject, key, &e), ExpiresAt: exp}); err != nil {
		return fmt.Errorf("extending token retention: %w", err)
	}
	if err := v.st.Put(ctx, store.Record{Subject: subject, Kind: KindIndex, Key: idx, Value: dk.sealIndex(subject, idx, tok, exp), ExpiresAt: exp}); err != nil {
		return fmt.Errorf("extending token retention: %w", err)
	}
	return nil
}

// create stores a new entry. Candidates are a deterministic sequence, so goroutines and replicas
// racing to tokenize the same value try the same tokens in the same order: PutIfAbsent lets one
// win, and the others find their own value under it and agree. A candidate held by another value
// (a collision) moves everyone to the next one.
func (v *Vault) create(ctx context.Context, subject string, dk *dataKey, t redact.Type, format Format, value, norm string, sum [sha256.Size]byte, idx string, ttl time.Duration) (string, error) {
	defer v.cache.tokensChanged(subject) // after the writes, so nothing kept meanwhile stays
	now := v.now()
	e := entry{typ: t, format: format, created: now, expires: now.Add(ttl), value: value}
	for i := 0; i < maxCandidates; i++ {
		tok := candidate(t, format, value, norm, sum, i)
		if tok == "" {
			continue
		}
		key := dk.tokenKey(tok)
		e.token = tok
		wrote, err := v.st.PutIfAbsent(ctx, store.Record{Subject: subject, Kind: KindToken, Key: key, Value: dk.sealEntry(subject, key, &e), ExpiresAt: e.expires})
		if err != nil {
			return "", fmt.Errorf("storing token: %w", err)
		}
		if !wrote {
			same, err := v.holds(ctx, subject, dk, key, t, format, norm)
			if err != nil {
				return "", err
			}
			if !same {
				continue // a collision
			}
		}
		if err := v.st.Put(ctx, store.Record{Subject: subject, Kind: KindIndex, Key: idx, Value: dk.sealIndex(subject, idx, tok, e.expires), ExpiresAt: e.expires}); err != nil {
			return "", fmt.Errorf("storing token index: %w", err)
		}
		return tok, nil
	}
	return "", errors.New("vault: no free token after many candidates")
}

// holds reports whether the token record at key holds this (type, format, value) and is live.
func (v *Vault) holds(ctx context.Context, subject string, dk *dataKey, key string, t redact.Type, format Format, norm string) (bool, error) {
	rec, err := v.st.Get(ctx, subject, KindToken, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // gone again (expired or erased): move on to the next candidate
	}
	if err != nil {
		return false, fmt.Errorf("reading token: %w", err)
	}
	e, err := dk.openEntry(subject, key, rec.Value)
	if errors.Is(err, errStale) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return e.typ == t && e.format == format && v.now().Before(e.expires) && normalizeOrTrim(t, e.value) == norm, nil
}

// candidate returns the i-th token to try for a value, or "" to skip this i.
func candidate(t redact.Type, format Format, value, norm string, sum [sha256.Size]byte, i int) string {
	if format == Surrogate {
		st := newStream(sum, i)
		if s, ok := surrogate(t, value, &st); ok {
			if normalizeOrTrim(t, s) == norm {
				return "" // never hand out the value itself
			}
			return s
		}
		// A value without the shape its surrogate needs (a 9-digit "card") gets a placeholder.
	}
	n := placeholderHex + 2*i
	if n > 2*len(sum) {
		return ""
	}
	name := t.String()
	var b strings.Builder
	b.Grow(len(name) + n + 3)
	b.WriteByte('[')
	b.WriteString(name)
	b.WriteByte('_')
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	b.Write(h[:n])
	b.WriteByte(']')
	return b.String()
}
