package redisstore

import (
	"strings"
)

// Key layout, with the default prefix "veil:":
//
//	veil:{<subject>}:rec:<kind>:<key>   a record: a string, version byte + expiry ms + value, native TTL
//	veil:{<subject>}:idx                the subject's index: a set of "<kind>:<key>"
//	veil:kind:<kind>                    the subjects with records of a kind, for Walk (may hold stale ids)
//	veil:kinds                          every kind ever written, so erasure can clean each kind set
//	veil:stream:<name>                  a stream
//
// Braces make the subject the Cluster hash tag: a subject's records and index share one slot, so a
// script can update them atomically and List and DeleteSubject never scan the keyspace. Subjects
// and kinds are escaped (% { } : as %XX) so that no subject can end the hash tag early or collide
// with another subject's keys; keys are used as they are, since nothing follows them.

// keys names the Redis keys of one store.
type keys struct{ prefix string }

func (k keys) subject(subject string) string { return k.prefix + "{" + escape(subject) + "}:" }

// recPrefix is what every record key of subject starts with; a record key is recPrefix + member.
func (k keys) recPrefix(subject string) string { return k.subject(subject) + "rec:" }

func (k keys) idx(subject string) string { return k.subject(subject) + "idx" }

func (k keys) kindSet(kind string) string { return k.prefix + "kind:" + kind }

func (k keys) kindSetPrefix() string { return k.prefix + "kind:" }

func (k keys) kinds() string { return k.prefix + "kinds" }

func (k keys) stream(name string) string { return k.prefix + "stream:" + name }

// member is a record's entry in its subject's index, and the end of its key.
func member(kind, key string) string { return escape(kind) + ":" + key }

// kindPrefix selects a kind's members in a subject's index.
func kindPrefix(kind string) string { return escape(kind) + ":" }

// splitMember reverses member.
func splitMember(m string) (kind, key string, ok bool) {
	ek, key, ok := strings.Cut(m, ":")
	if !ok {
		return "", "", false
	}
	kind, ok = unescape(ek)
	return kind, key, ok
}

const hexDigits = "0123456789ABCDEF"

func needsEscape(c byte) bool { return c == '%' || c == '{' || c == '}' || c == ':' }

// escape percent-encodes % { } and :, leaving everything else (and the common case) untouched.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if needsEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, lo := strings.IndexByte(hexDigits, s[i+1]), strings.IndexByte(hexDigits, s[i+2])
		if hi < 0 || lo < 0 {
			return "", false
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	return b.String(), true
}
