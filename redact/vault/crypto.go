package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// KeySize is the size of master and data keys: AES-256.
const KeySize = 32

// formatVersion starts every sealed blob, so the layout can change later.
const formatVersion byte = 1

const (
	idSize    = 8
	nonceSize = 12
	tagSize   = 16
	// sealedOverhead is what seal adds to a plaintext: version, key id, nonce and GCM tag.
	sealedOverhead = 1 + idSize + nonceSize + tagSize
)

// HKDF info strings: one derived key per purpose, so no key is ever used for two things.
const (
	infoMasterWrap = "veil vault master key: wrap data keys v1"
	infoMasterID   = "veil vault master key: id v1"
	infoDataValue  = "veil vault data key: encrypt values v1"
	infoDataIndex  = "veil vault data key: index and token hashes v1"
	infoDataID     = "veil vault data key: id v1"
)

// Associated-data domains: a ciphertext only opens in the place it was written for.
const (
	adKey   = "veil/vault.key/v1\x00"
	adToken = "veil/vault.token/v1\x00"
	adIndex = "veil/vault.index/v1\x00"
)

// ErrCorrupt means a stored record failed authentication or does not parse: it was tampered with,
// truncated, or written for another subject or place. Nothing is returned from such a record.
var ErrCorrupt = errors.New("vault: stored record failed authentication")

// ErrUnknownMasterKey means a data key is wrapped under a master key the vault was not given.
var ErrUnknownMasterKey = errors.New("vault: data key is wrapped under an unknown master key (is a previous master key missing from keys.previous_master_key_files?)")

// keyID identifies a key without revealing it: a value derived from the key by HKDF.
type keyID [idSize]byte

func (id keyID) String() string { return hex.EncodeToString(id[:]) }

func derive(secret []byte, info string, n int) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, info, n)
	if err != nil {
		panic("vault: hkdf: " + err.Error()) // only for impossible lengths
	}
	return k
}

func newGCM(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("vault: aes: " + err.Error()) // only for a wrong key length
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("vault: gcm: " + err.Error())
	}
	return aead
}

// masterKey wraps and unwraps data keys.
type masterKey struct {
	id   keyID
	aead cipher.AEAD
}

func newMasterKey(raw []byte) (masterKey, error) {
	if len(raw) != KeySize {
		return masterKey{}, fmt.Errorf("master key must be %d bytes, got %d", KeySize, len(raw))
	}
	var mk masterKey
	copy(mk.id[:], derive(raw, infoMasterID, idSize))
	mk.aead = newGCM(derive(raw, infoMasterWrap, KeySize))
	return mk, nil
}

// seal encrypts plaintext under aead as version | id | nonce | ciphertext+tag, appended to dst.
func seal(dst []byte, aead cipher.AEAD, id keyID, plaintext, ad []byte) []byte {
	out := append(dst, formatVersion)
	out = append(out, id[:]...)
	start := len(out)
	out = append(out, make([]byte, nonceSize)...)
	if _, err := rand.Read(out[start:]); err != nil {
		panic("vault: crypto/rand: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return aead.Seal(out, out[start:start+nonceSize], plaintext, ad)
}

// sealedID returns the key id a sealed blob names, or false when it is too short or of another version.
func sealedID(b []byte) (keyID, bool) {
	var id keyID
	if len(b) < sealedOverhead || b[0] != formatVersion {
		return id, false
	}
	copy(id[:], b[1:1+idSize])
	return id, true
}

// open decrypts a blob made by seal; the caller has checked its key id.
func open(aead cipher.AEAD, b, ad []byte) ([]byte, error) {
	if len(b) < sealedOverhead || b[0] != formatVersion {
		return nil, ErrCorrupt
	}
	nonce := b[1+idSize : 1+idSize+nonceSize]
	pt, err := aead.Open(nil, nonce, b[1+idSize+nonceSize:], ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	return pt, nil
}

func keyAD(subject string) []byte { return append([]byte(adKey), subject...) }

// recordAD binds a ciphertext to its subject and record key (a keyed hash of the token or value).
func recordAD(buf []byte, domain, subject, key string) []byte {
	buf = append(buf[:0], domain...)
	buf = append(buf, subject...)
	buf = append(buf, 0)
	return append(buf, key...)
}

// wrap encrypts a data key under the master key, bound to the subject.
func (mk masterKey) wrap(subject string, dk []byte) []byte {
	return seal(make([]byte, 0, sealedOverhead+KeySize), mk.aead, mk.id, dk, keyAD(subject))
}

// dataKey is an unwrapped per-subject key and what is derived from it.
type dataKey struct {
	id   keyID
	aead cipher.AEAD // encrypts values and tokens
	macs sync.Pool   // of *macState: HMAC-SHA256 under the index key
}

// macState is a pooled HMAC and the scratch buffer its input is assembled in.
type macState struct {
	h   hash.Hash
	buf []byte
}

func newDataKey(raw []byte) *dataKey {
	dk := &dataKey{aead: newGCM(derive(raw, infoDataValue, KeySize))}
	copy(dk.id[:], derive(raw, infoDataID, idSize))
	macKey := derive(raw, infoDataIndex, KeySize)
	dk.macs.New = func() any { return &macState{h: hmac.New(sha256.New, macKey), buf: make([]byte, 0, 128)} }
	return dk
}

// Domain-separation tags for the keyed hashes.
const (
	macIndex byte = 'i'
	macToken byte = 't'
)

// sum returns HMAC(index key, tag | parts, each preceded by NUL).
func (dk *dataKey) sum(tag byte, parts ...string) [sha256.Size]byte {
	m := dk.macs.Get().(*macState)
	b := append(m.buf[:0], tag)
	for _, p := range parts {
		b = append(b, 0)
		b = append(b, p...)
	}
	m.h.Write(b)
	var out [sha256.Size]byte
	m.h.Sum(out[:0])
	m.h.Reset()
	if cap(b) <= 1024 {
		m.buf = b
	}
	dk.macs.Put(m)
	return out
}

// tokenKey is the store key of a token's record: a keyed hash, so a token of another subject (or
// any string) maps to a record of this subject only if this subject's key produced it.
func (dk *dataKey) tokenKey(token string) string {
	s := dk.sum(macToken, token)
	return hex.EncodeToString(s[:16])
}

// putUint64 and uint64At keep the plaintext layouts readable.
func putUint64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

func uint64At(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }
