package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"
	"unicode/utf8"
)

// Canonical returns the canonical encoding of stream entry fields, the bytes an event's hash covers:
// a JSON object of every field except "hash", keys sorted bytewise, no whitespace, each string
// escaped as RFC 8259 requires and no more (only ", \ and control characters below 0x20, as \", \\,
// \b \f \n \r \t or \u00XX; every other character as its UTF-8 bytes, an invalid byte as U+FFFD). Anyone can recompute it: it is
// `jq -cS 'del(.hash)'` for every field this package writes.
func Canonical(fields map[string]string) []byte {
	return appendCanonical(nil, fields, fHash)
}

// canonicalOrder is every known field name, sorted: the fast path encodes in this order without
// sorting when an entry has only known fields.
var canonicalOrder = func() []string {
	keys := make([]string, 0, len(knownFields))
	for k := range knownFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}()

// appendCanonical appends the canonical encoding of fields without the fields named in skip.
func appendCanonical(b []byte, fields map[string]string, skip ...string) []byte {
	start := len(b)
	b = append(b, '{')
	n := 0
	first := true
	for _, k := range canonicalOrder {
		v, ok := fields[k]
		if !ok {
			continue
		}
		n++
		if skipped(k, skip) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	if n == len(fields) {
		return append(b, '}')
	}
	return appendCanonicalSorted(b[:start], fields, skip)
}

func skipped(k string, skip []string) bool {
	for _, s := range skip {
		if k == s {
			return true
		}
	}
	return false
}

// appendCanonicalSorted is appendCanonical for entries with fields this package does not know.
func appendCanonicalSorted(b []byte, fields map[string]string, skip []string) []byte {
	keys := make([]string, 0, len(fields))
outer:
	for k := range fields {
		for _, s := range skip {
			if k == s {
				continue outer
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, fields[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c >= 0x20:
				b = append(b, c)
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// HashFields returns the hex SHA-256 of the canonical encoding of fields (which include "prev").
func HashFields(fields map[string]string) string {
	sum := sha256.Sum256(appendCanonical(make([]byte, 0, 512), fields, fHash))
	return hex.EncodeToString(sum[:])
}

// head is the end of a chain: what the next event links to.
type head struct {
	Seq  uint64
	Hash string
	Time time.Time
}

// link puts e after h: it sets Seq, Prev and Time (never earlier than h.Time), signs a checkpoint
// with s, and returns the entry fields with the hash set, and the new head.
func (h head) link(e *Event, now time.Time, s *signer) (map[string]string, head) {
	e.Seq = h.Seq + 1
	e.Prev = h.Hash
	now = now.Round(0).UTC()
	if now.Before(h.Time) {
		now = h.Time
	}
	e.Time = now
	e.Hash = ""
	if c := e.Checkpoint; c != nil {
		c.Head, c.Count = h.Hash, h.Seq
		c.KeyID, c.Signature = s.keyID, ""
		c.Signature = s.sign(e.fields())
	}
	f := e.fields()
	e.Hash = HashFields(f)
	f[fHash] = e.Hash
	return f, head{Seq: e.Seq, Hash: e.Hash, Time: e.Time}
}
