package admin

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// compare is the only function that compares secrets (token hashes, session hashes, password
// hashes, recovery code hashes, TOTP codes): constant time in the length of its inputs.
var compare = subtle.ConstantTimeCompare

// equal reports whether two secrets (or their hashes) are equal, in constant time.
func equal(a, b []byte) bool { return compare(a, b) == 1 }

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// randomSecret returns n random bytes, base64url encoded without padding.
func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// digest is the SHA-256 of a high-entropy secret: tokens, session secrets and recovery codes have
// 80 bits or more, so a fast hash is enough (passwords use argon2id).
func digest(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Token format: "veil_" + 16 hex id + "_" + 43 characters of a 256-bit secret. The id is the
// lookup key; only the SHA-256 of the whole token is stored.
const (
	tokenPrefix    = "veil_"
	tokenIDLen     = 16
	tokenSecretLen = 32 // bytes
)

// newToken returns a fresh token and its id.
func newToken() (id, token string) {
	id = randomHex(tokenIDLen / 2)
	return id, tokenPrefix + id + "_" + randomSecret(tokenSecretLen)
}

// tokenID returns the id part of a well-formed token.
func tokenID(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(rest) != tokenIDLen+1+base64.RawURLEncoding.EncodedLen(tokenSecretLen) || rest[tokenIDLen] != '_' {
		return "", false
	}
	id := rest[:tokenIDLen]
	if !isHex(id) {
		return "", false
	}
	return id, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// argonParams are argon2id's cost parameters; they are stored with each hash, so raising them
// only affects new passwords.
type argonParams struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// defaultArgon follows RFC 9106's second recommended option scaled to a server: 64 MiB, 3 passes,
// 2 lanes, 16-byte salt, 32-byte key.
var defaultArgon = argonParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

// hashPassword returns the PHC string of password under p: $argon2id$v=19$m=..,t=..,p=..$salt$hash.
func hashPassword(p argonParams, password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash is a stored password hash that cannot be parsed.
var errBadHash = errors.New("malformed password hash")

// verifyPassword reports whether password matches the PHC string encoded. The comparison is
// constant time; the cost is argon2id's whatever the outcome.
func verifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false, errBadHash
	}
	var p argonParams
	var threads uint32
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return false, errBadHash
		}
		switch k {
		case "m":
			p.MemoryKiB = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			threads = uint32(n)
		}
	}
	if p.Time == 0 || p.MemoryKiB == 0 || threads == 0 || threads > 255 || p.MemoryKiB > 4<<20 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, uint8(threads), uint32(len(want)))
	return equal(got, want), nil
}

// Password rules: long enough to resist guessing; generated passwords have 130 bits.
const (
	minPasswordLen = 12
	maxPasswordLen = 256
)

func checkPassword(pw string) error {
	if len(pw) < minPasswordLen {
		return fmt.Errorf("password: shorter than %d characters", minPasswordLen)
	}
	if len(pw) > maxPasswordLen {
		return fmt.Errorf("password: longer than %d bytes", maxPasswordLen)
	}
	return nil
}

// generatePassword returns a random password of 26 base32 characters (130 bits).
func generatePassword() string { return rand.Text() }

// Recovery codes: recoveryCodes per identity, each 16 base32 characters (80 bits), shown as
// XXXX-XXXX-XXXX-XXXX, stored as SHA-256 of the normalized form, each usable once.
const recoveryCodes = 10

func newRecoveryCodes() (codes []string, hashes []string) {
	for range recoveryCodes {
		raw := rand.Text()[:16]
		codes = append(codes, raw[0:4]+"-"+raw[4:8]+"-"+raw[8:12]+"-"+raw[12:16])
		hashes = append(hashes, hex.EncodeToString(digest(raw)))
	}
	return codes, hashes
}

// normalizeRecovery upper-cases a typed recovery code and drops separators and spaces.
func normalizeRecovery(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchRecovery returns the index of the stored hash code matches, or -1. It compares against
// every hash, without stopping early.
func matchRecovery(hashes []string, code string) int {
	got := digest(normalizeRecovery(code))
	idx := -1
	for i, h := range hashes {
		want, err := hex.DecodeString(h)
		if err == nil && equal(got, want) {
			idx = i
		}
	}
	return idx
}

// sealer encrypts TOTP secrets at rest with AES-256-GCM; the identity name is the additional data,
// so a sealed secret cannot be moved to another identity.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("admin: secret key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(plain, ad string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), []byte(ad)))
}

func (s *sealer) open(sealed, ad string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("sealed secret: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(ad))
	if err != nil {
		return "", errors.New("sealed secret: cannot decrypt (wrong admin secret key?)")
	}
	return string(plain), nil
}
