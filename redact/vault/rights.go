package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

// erasedMarkerTTL is how long an erasure marker keeps a rotation from writing back a destroyed
// data key; far longer than a rotation holds a key between reading and writing it.
const erasedMarkerTTL = 24 * time.Hour

// Reveal returns the value behind one of the subject's tokens. A token of another subject, an
// expired or erased one, or any other string is not found: ok is false and err nil.
func (v *Vault) Reveal(ctx context.Context, subject, token string) (value string, ok bool, err error) {
	if err := checkSubject(subject); err != nil {
		return "", false, err
	}
	if token == "" || len(token) > maxTokenLen {
		return "", false, nil
	}
	dk, err := v.dataKey(ctx, subject, false)
	if errors.Is(err, errNoKey) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	key := dk.tokenKey(token)
	rec, err := v.st.Get(ctx, subject, KindToken, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading token: %w", err)
	}
	e, err := dk.openEntry(subject, key, rec.Value)
	if errors.Is(err, errStale) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if e.token != token || !v.now().Before(e.expires) {
		return "", false, nil
	}
	return e.value, true, nil
}

// Exported is one tokenized value, as a data-subject access request returns it.
type Exported struct {
	Type      redact.Type `json:"type"`
	Format    Format      `json:"format"`
	Token     string      `json:"token"`
	Value     string      `json:"value"`
	CreatedAt time.Time   `json:"created_at"`
	ExpiresAt time.Time   `json:"expires_at"`
}

// ExportSubject returns every live value the vault keeps for the subject, oldest first.
func (v *Vault) ExportSubject(ctx context.Context, subject string) ([]Exported, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	dk, err := v.dataKey(ctx, subject, false)
	if errors.Is(err, errNoKey) {
		return []Exported{}, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := v.st.List(ctx, subject, KindToken)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	now := v.now()
	out := make([]Exported, 0, len(recs))
	for _, rec := range recs {
		e, err := dk.openEntry(subject, rec.Key, rec.Value)
		if errors.Is(err, errStale) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !now.Before(e.expires) {
			continue
		}
		out = append(out, Exported{Type: e.typ, Format: e.format, Token: e.token, Value: e.value, CreatedAt: e.created.UTC(), ExpiresAt: e.expires.UTC()})
	}
	slices.SortFunc(out, func(a, b Exported) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if a.Token < b.Token {
			return -1
		}
		if a.Token > b.Token {
			return 1
		}
		return 0
	})
	return out, nil
}

// Receipt records an erasure.
type Receipt struct {
	Subject string    `json:"subject"`
	At      time.Time `json:"at"`
	// KeyDestroyed is true once the subject's data key is gone: whatever it encrypted, on any
	// replica or backup of the store, can no longer be read.
	KeyDestroyed bool `json:"key_destroyed"`
	// Records is how many records of the subject were deleted after the key, of every kind.
	Records int `json:"records"`
}

// EraseSubject crypto-shreds the subject: it deletes the data key first, so nothing it encrypted
// can be read again even if a later step fails, evicts it from memory, then deletes every record
// of the subject (of every kind, not only the vault's). A later Tokenize for the subject creates a
// new data key, whose tokens are unlinkable to the old ones. On error, call it again: it is
// idempotent.
func (v *Vault) EraseSubject(ctx context.Context, subject string) (Receipt, error) {
	r := Receipt{Subject: subject, At: v.now().UTC()}
	if err := checkSubject(subject); err != nil {
		return r, err
	}
	cur, err := v.st.Get(ctx, subject, KindKey, dataKeyRecord)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return r, fmt.Errorf("reading data key: %w", err)
	default:
		// The marker goes first: a rotation that read this key before the delete below checks
		// for the marker after writing the key back, and deletes its write again.
		if err := v.st.Put(ctx, store.Record{Subject: systemSubject, Kind: KindErased, Key: erasedKey(subject),
			Value: fingerprint(cur.Value), ExpiresAt: v.now().Add(erasedMarkerTTL)}); err != nil {
			return r, fmt.Errorf("marking erasure: %w", err)
		}
		if err := v.st.Delete(ctx, subject, KindKey, dataKeyRecord); err != nil && !errors.Is(err, store.ErrNotFound) {
			v.cache.evict(subject, nil)
			return r, fmt.Errorf("destroying data key: %w", err)
		}
	}
	r.KeyDestroyed = true
	v.cache.evict(subject, nil)
	n, err := v.st.DeleteSubject(ctx, subject)
	if err != nil {
		return r, fmt.Errorf("deleting records (the data key is already destroyed): %w", err)
	}
	r.Records = n
	return r, nil
}

// fingerprint identifies one wrapped data key record in an erasure marker.
func fingerprint(wrapped []byte) []byte {
	s := sha256.Sum256(wrapped)
	return s[:]
}

// erasedKey names a subject in an erasure marker without storing its id.
func erasedKey(subject string) string {
	s := sha256.Sum256([]byte("veil vault erased v1\x00" + subject))
	return hex.EncodeToString(s[:])
}

// Rectify replaces the value behind the subject's tokens for oldValue (in every format it was
// tokenized in) with newValue, keeping the tokens, so conversations the chatbot holds stay
// consistent; newValue then maps to those tokens. ErrNotFound if oldValue has no live token.
func (v *Vault) Rectify(ctx context.Context, subject string, t redact.Type, oldValue, newValue string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if !t.Valid() {
		return fmt.Errorf("vault: invalid type %d", uint8(t))
	}
	if len(newValue) > MaxValueLen {
		return fmt.Errorf("vault: value longer than %d bytes", MaxValueLen)
	}
	oldNorm, newNorm := normalizeOrTrim(t, oldValue), normalizeOrTrim(t, newValue)
	if oldNorm == "" || newNorm == "" {
		return errors.New("vault: empty value")
	}
	dk, err := v.dataKey(ctx, subject, false)
	if errors.Is(err, errNoKey) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	found := false
	for _, f := range []Format{Placeholder, Surrogate} {
		if f.effective(t) != f {
			continue
		}
		ok, err := v.rectify(ctx, subject, dk, t, f, oldNorm, newNorm, newValue)
		if err != nil {
			return err
		}
		found = found || ok
	}
	if !found {
		return ErrNotFound
	}
	return nil
}

func (v *Vault) rectify(ctx context.Context, subject string, dk *dataKey, t redact.Type, f Format, oldNorm, newNorm, newValue string) (bool, error) {
	oldSum := dk.sum(macIndex, t.String(), f.String(), oldNorm)
	oldIdx := hex.EncodeToString(oldSum[:])
	rec, err := v.st.Get(ctx, subject, KindIndex, oldIdx)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading token index: %w", err)
	}
	tok, _, err := dk.openIndex(subject, oldIdx, rec.Value)
	if errors.Is(err, errStale) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	key := dk.tokenKey(tok)
	trec, err := v.st.Get(ctx, subject, KindToken, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading token: %w", err)
	}
	e, err := dk.openEntry(subject, key, trec.Value)
	if errors.Is(err, errStale) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !v.now().Before(e.expires) {
		return false, nil
	}
	e.value = newValue
	defer v.cache.tokensChanged(subject) // after every write, so nothing kept meanwhile stays
	if err := v.st.Put(ctx, store.Record{Subject: subject, Kind: KindToken, Key: key, Value: dk.sealEntry(subject, key, &e), ExpiresAt: e.expires}); err != nil {
		return false, fmt.Errorf("rectifying token: %w", err)
	}
	newSum := dk.sum(macIndex, t.String(), f.String(), newNorm)
	newIdx := hex.EncodeToString(newSum[:])
	if err := v.st.Put(ctx, store.Record{Subject: subject, Kind: KindIndex, Key: newIdx, Value: dk.sealIndex(subject, newIdx, tok, e.expires), ExpiresAt: e.expires}); err != nil {
		return false, fmt.Errorf("rectifying token index: %w", err)
	}
	if newIdx != oldIdx {
		if err := v.st.Delete(ctx, subject, KindIndex, oldIdx); err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("rectifying token index: %w", err)
		}
	}
	return true, nil
}
