package audit

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// PseudonymKeyEnv holds the pseudonym key (hex or base64, at least 32 bytes) when it is not in a file.
const PseudonymKeyEnv = "VEIL_AUDIT_PSEUDONYM_KEY"

// Key files generated in the data directory when the configuration names none (quickstart).
const (
	DefaultSigningKeyFile   = "keys/audit-signing.key"
	DefaultPublicKeyFile    = "keys/audit-signing.pub"
	DefaultPseudonymKeyFile = "keys/audit-pseudonym.key"
)

const minPseudonymKey = 32

// LoadSigningKey reads an Ed25519 private key (PKCS #8 PEM) from path. With create, a missing file
// is generated (mode 0600) together with its public key next to it (path without extension + ".pub").
func LoadSigningKey(path string, create bool) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		return generateSigningKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading audit signing key: %w", err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("reading audit signing key: not a PEM PRIVATE KEY")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("reading audit signing key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("reading audit signing key: not an Ed25519 key")
	}
	return priv, nil
}

func generateSigningKey(path string) (ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating audit signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("generating audit signing key: %w", err)
	}
	if err := writeNew(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return nil, fmt.Errorf("writing audit signing key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("writing audit public key: %w", err)
	}
	pubPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".pub"
	if err := writeNew(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("writing audit public key: %w", err)
	}
	return priv, nil
}

// LoadPublicKey reads the key checkpoints are verified with: a PEM PUBLIC KEY, or the PEM PRIVATE
// KEY it belongs to.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading audit public key: %w", err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil {
		return nil, errors.New("reading audit public key: not PEM")
	}
	switch blk.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("reading audit public key: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, errors.New("reading audit public key: not an Ed25519 key")
		}
		return pub, nil
	case "PRIVATE KEY":
		priv, err := LoadSigningKey(path, false)
		if err != nil {
			return nil, err
		}
		return priv.Public().(ed25519.PublicKey), nil
	}
	return nil, fmt.Errorf("reading audit public key: unexpected PEM block %q", blk.Type)
}

// LoadPseudonymKey returns the pseudonym key from lookupEnv(PseudonymKeyEnv) when set, else from
// path (hex). With create, a missing file is generated (32 random bytes, mode 0600).
func LoadPseudonymKey(path string, lookupEnv func(string) (string, bool), create bool) ([]byte, error) {
	if lookupEnv != nil {
		if v, ok := lookupEnv(PseudonymKeyEnv); ok && v != "" {
			k, err := decodeKey(v)
			if err != nil {
				return nil, fmt.Errorf("reading $%s: %w", PseudonymKeyEnv, err)
			}
			return k, nil
		}
	}
	if path == "" {
		return nil, errors.New("reading audit pseudonym key: no key file and no $" + PseudonymKeyEnv)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		k := make([]byte, minPseudonymKey)
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("generating audit pseudonym key: %w", err)
		}
		if err := writeNew(path, []byte(hex.EncodeToString(k)+"\n")); err != nil {
			return nil, fmt.Errorf("writing audit pseudonym key: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading audit pseudonym key: %w", err)
	}
	k, err := decodeKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("reading audit pseudonym key: %w", err)
	}
	return k, nil
}

// decodeKey accepts hex or standard base64, at least 32 bytes.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := hex.DecodeString(s)
	if err != nil {
		if k, err = base64.StdEncoding.DecodeString(s); err != nil {
			return nil, errors.New("key is neither hex nor base64")
		}
	}
	if len(k) < minPseudonymKey {
		return nil, fmt.Errorf("key is %d bytes; at least %d are needed", len(k), minPseudonymKey)
	}
	return k, nil
}

// writeNew creates path (and its directory, 0700) with mode 0600; it fails if path exists.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Pseudonymizer turns subject ids into the pseudonyms the trail stores: HMAC-SHA256 under the
// pseudonym key, truncated to 128 bits, in hex. Without the key the trail identifies no one; with
// it, an operator can find a known subject's events (veil audit tail --subject).
type Pseudonymizer struct {
	pool sync.Pool
}

// NewPseudonymizer returns a Pseudonymizer for key (at least 32 bytes).
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < minPseudonymKey {
		return nil, fmt.Errorf("audit pseudonym key is %d bytes; at least %d are needed", len(key), minPseudonymKey)
	}
	k := append([]byte(nil), key...)
	return &Pseudonymizer{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}, nil
}

// Pseudonym returns subject's pseudonym, "" for "".
func (p *Pseudonymizer) Pseudonym(subject string) string {
	if subject == "" {
		return ""
	}
	h := p.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(subject))
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	p.pool.Put(h)
	return hex.EncodeToString(out[:16])
}
