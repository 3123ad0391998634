package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/veil-privacy/veil/store"
)

// RotateMaster makes newKey the master key and re-wraps every data key under it, online: from the
// first moment new data keys are wrapped under newKey, and this vault unwraps under both the new
// and every previous key, so readers keep working throughout. It returns how many data keys it
// re-wrapped; data keys already under newKey are skipped, so running it again after a partial
// failure finishes the job. Other replicas must be able to unwrap under newKey before it runs
// (list it in keys.previous_master_key_files there first); see docs/VAULT.md.
func (v *Vault) RotateMaster(ctx context.Context, newKey []byte) (int, error) {
	next, err := newMasterKey(newKey)
	if err != nil {
		return 0, err
	}
	for {
		old := v.keys.Load()
		if v.keys.CompareAndSwap(old, old.rotated(next)) {
			break
		}
	}
	// Collect first, then write: a backend may hold a read transaction open during Walk.
	var recs []store.Record
	err = v.st.Walk(ctx, KindKey, func(r store.Record) error {
		if id, ok := sealedID(r.Value); ok && id == next.id {
			return nil
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("listing data keys: %w", err)
	}
	n := 0
	var errs []error
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, err := v.rewrap(ctx, next, r)
		if err != nil {
			errs = append(errs, err)
			if len(errs) >= 10 {
				break
			}
			continue
		}
		if done {
			n++
		}
	}
	if len(errs) > 0 {
		return n, fmt.Errorf("re-wrapping data keys (%d done; run the rotation again to finish): %w", n, errors.Join(errs...))
	}
	return n, nil
}

// rewrap re-wraps one data key under next, unless it changed since it was read (erased, or
// recreated, or rotated elsewhere), and undoes the write if an erasure raced it.
func (v *Vault) rewrap(ctx context.Context, next masterKey, r store.Record) (bool, error) {
	id, ok := sealedID(r.Value)
	if !ok {
		return false, ErrCorrupt
	}
	mk, ok := v.keys.Load().find(id)
	if !ok {
		return false, ErrUnknownMasterKey
	}
	raw, err := open(mk.aead, r.Value, keyAD(r.Subject))
	if err != nil {
		return false, err
	}
	cur, err := v.st.Get(ctx, r.Subject, KindKey, dataKeyRecord)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading data key: %w", err)
	}
	if !bytes.Equal(cur.Value, r.Value) {
		return false, nil
	}
	rec := store.Record{Subject: r.Subject, Kind: KindKey, Key: dataKeyRecord, Value: next.wrap(r.Subject, raw), ExpiresAt: cur.ExpiresAt}
	clear(raw)
	if err := v.st.Put(ctx, rec); err != nil {
		return false, fmt.Errorf("writing data key: %w", err)
	}
	// An erasure between the read above and the write would have been undone by the write. It
	// marks the key it destroys before deleting it, so the marker is visible now if that happened:
	// then delete the write again, unless something replaced it meanwhile.
	m, err := v.st.Get(ctx, systemSubject, KindErased, erasedKey(r.Subject))
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return false, fmt.Errorf("checking for an erasure: %w", err)
	case bytes.Equal(m.Value, fingerprint(r.Value)):
		now, err := v.st.Get(ctx, r.Subject, KindKey, dataKeyRecord)
		if err == nil && bytes.Equal(now.Value, rec.Value) {
			err = v.st.Delete(ctx, r.Subject, KindKey, dataKeyRecord)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("re-destroying the data key of an erased subject: %w", err)
		}
		return false, nil
	}
	return true, nil
}
