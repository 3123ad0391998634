package vault

import (
	"context"
	"errors"
	"fmt"
)

// adBlob separates sealed blobs (transcripts) from tokens and indexes in the associated data.
const adBlob = "veil/vault.blob/v1\x00"

// Seal encrypts data that belongs to a subject (a conversation transcript) under the subject's
// data key, so that erasing the subject makes it unreadable everywhere at once. key names the
// record the ciphertext is stored under; a ciphertext moved to another record or subject does not
// open.
func (v *Vault) Seal(ctx context.Context, subject, key string, plaintext []byte) ([]byte, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	dk, err := v.dataKey(ctx, subject, true)
	if err != nil {
		return nil, err
	}
	return seal(make([]byte, 0, sealedOverhead+len(plaintext)), dk.aead, dk.id, plaintext, recordAD(nil, adBlob, subject, key)), nil
}

// Open decrypts what Seal sealed. Once the subject has been erased it returns ErrNotFound.
func (v *Vault) Open(ctx context.Context, subject, key string, sealed []byte) ([]byte, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 2; attempt++ {
		dk, err := v.dataKey(ctx, subject, false)
		if attempt > 0 {
			dk, err = v.loadDataKey(ctx, subject, false)
		}
		if errors.Is(err, errNoKey) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		pt, err := dk.openRecord(adBlob, subject, key, sealed)
		if errors.Is(err, errStale) {
			continue // the cached key is of an older generation: read it again once
		}
		if err != nil {
			return nil, fmt.Errorf("opening sealed record: %w", err)
		}
		return pt, nil
	}
	return nil, ErrNotFound
}
