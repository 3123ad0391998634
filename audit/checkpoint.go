package audit

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// signer signs checkpoints with the trail's Ed25519 key.
type signer struct {
	key   ed25519.PrivateKey
	keyID string
}

func newSigner(key ed25519.PrivateKey) *signer {
	return &signer{key: key, keyID: KeyID(key.Public().(ed25519.PublicKey))}
}

// KeyID names a public key in checkpoints: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// signedBytes is what a checkpoint's signature covers: its canonical encoding without hash and sig.
func signedBytes(fields map[string]string) []byte {
	return appendCanonical(make([]byte, 0, 512), fields, fHash, fSig)
}

func (s *signer) sign(fields map[string]string) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, signedBytes(fields)))
}

// checkSignature verifies a checkpoint's signature against pub.
func checkSignature(fields map[string]string, pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(fields[fSig])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("signature is not a base64 Ed25519 signature")
	}
	if fields[fKeyID] != KeyID(pub) {
		return errors.New("signed by another key (key id differs from the public key's)")
	}
	if !ed25519.Verify(pub, signedBytes(fields), sig) {
		return errors.New("signature does not verify")
	}
	return nil
}

// checkpointPolicy decides when the writer writes a checkpoint.
type checkpointPolicy struct {
	every    int
	interval time.Duration
	// since counts events after the last checkpoint; last is when it was written.
	since int
	last  time.Time
}

// due reports whether a checkpoint must precede an event chained at now.
func (p *checkpointPolicy) due(now time.Time) bool {
	return p.since >= p.every || (p.since > 0 && now.Sub(p.last) >= p.interval)
}

// newCheckpoint returns an unsigned checkpoint event; head.link fills and signs it.
func (p *checkpointPolicy) newCheckpoint(final bool) Event {
	return Event{Type: Checkpoint, Checkpoint: &CheckpointInfo{Every: p.every, Interval: p.interval, Final: final}}
}
