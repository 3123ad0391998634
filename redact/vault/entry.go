package vault

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/veil-privacy/veil/redact"
)

// errStale marks a record encrypted under an earlier data key of the subject (one an erasure
// destroyed while a replica still held it): unreadable by design, so treated as absent.
var errStale = errors.New("vault: record of an earlier data key")

// entry is the plaintext of a KindToken record.
type entry struct {
	typ     redact.Type
	format  Format
	created time.Time
	expires time.Time
	token   string
	value   string
}

// marshal lays out type | format | created ms | expires ms | uvarint token length | token | value.
func (e *entry) marshal() []byte {
	b := make([]byte, 0, 2+8+8+2+len(e.token)+len(e.value))
	b = append(b, byte(e.typ), byte(e.format))
	b = putUint64(b, e.created.UnixMilli())
	b = putUint64(b, e.expires.UnixMilli())
	b = binary.AppendUvarint(b, uint64(len(e.token)))
	b = append(b, e.token...)
	return append(b, e.value...)
}

func parseEntry(b []byte) (entry, error) {
	var e entry
	if len(b) < 18 {
		return e, ErrCorrupt
	}
	e.typ, e.format = redact.Type(b[0]), Format(b[1])
	e.created = time.UnixMilli(uint64At(b[2:]))
	e.expires = time.UnixMilli(uint64At(b[10:]))
	n, size := binary.Uvarint(b[18:])
	rest := b[18:]
	if size <= 0 || n > uint64(len(rest)-size) || !e.typ.Valid() || e.format > Surrogate {
		return e, ErrCorrupt
	}
	rest = rest[size:]
	e.token, e.value = string(rest[:n]), string(rest[n:])
	return e, nil
}

func (dk *dataKey) sealEntry(subject, key string, e *entry) []byte {
	pt := e.marshal()
	return seal(make([]byte, 0, sealedOverhead+len(pt)), dk.aead, dk.id, pt, recordAD(nil, adToken, subject, key))
}

func (dk *dataKey) openEntry(subject, key string, b []byte) (entry, error) {
	pt, err := dk.openRecord(adToken, subject, key, b)
	if err != nil {
		return entry{}, err
	}
	// The record key (the keyed hash of the token) is in the associated data, so a record moved
	// under another key, or to another subject, fails to open above.
	return parseEntry(pt)
}

// openRecord opens a token or index record written under dk.
func (dk *dataKey) openRecord(domain, subject, key string, b []byte) ([]byte, error) {
	id, ok := sealedID(b)
	if !ok {
		return nil, ErrCorrupt
	}
	if id != dk.id {
		return nil, errStale
	}
	var buf [128]byte
	return open(dk.aead, b, recordAD(buf[:0], domain, subject, key))
}

// sealIndex encrypts an index record: the token and when it expires.
func (dk *dataKey) sealIndex(subject, key, token string, expires time.Time) []byte {
	pt := make([]byte, 0, 8+len(token))
	pt = putUint64(pt, expires.UnixMilli())
	pt = append(pt, token...)
	return seal(make([]byte, 0, sealedOverhead+len(pt)), dk.aead, dk.id, pt, recordAD(nil, adIndex, subject, key))
}

func (dk *dataKey) openIndex(subject, key string, b []byte) (token string, expires time.Time, err error) {
	pt, err := dk.openRecord(adIndex, subject, key, b)
	if err != nil {
		return "", time.Time{}, err
	}
	if len(pt) < 9 {
		return "", time.Time{}, ErrCorrupt
	}
	return string(pt[8:]), time.UnixMilli(uint64At(pt)), nil
}
