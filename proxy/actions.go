package proxy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// maskValue keeps the shape of a value and hides most of it: the characters that help a person
// recognise their own data (an e-mail's first letter and domain suffix, the last digits of a
// number) stay, every other letter or digit becomes '*', separators are kept.
func maskValue(t redact.Type, v string) string {
	switch t {
	case redact.Email:
		at := strings.LastIndexByte(v, '@')
		if at > 0 {
			local, domain := v[:at], v[at+1:]
			dot := strings.LastIndexByte(domain, '.')
			tld := ""
			if dot >= 0 {
				domain, tld = domain[:dot], domain[dot:]
			}
			return keepFirst(local, 1) + "@" + keepFirst(domain, 0) + tld
		}
	case redact.Phone, redact.CreditCard, redact.IBAN, redact.NationalID, redact.VATID,
		redact.Passport, redact.DrivingLicence:
		return keepLast(v, 4)
	case redact.Person:
		// Initials only: "Maria Rossi" → "M**** R****".
		var b strings.Builder
		start := true
		for _, r := range v {
			switch {
			case unicode.IsLetter(r) && start:
				b.WriteRune(r)
				start = false
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteByte('*')
			default:
				b.WriteRune(r)
				start = true
			}
		}
		return b.String()
	}
	return keepLast(v, 0)
}

// keepFirst keeps the first n letters or digits of s and stars the others.
func keepFirst(s string, n int) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if n > 0 {
				b.WriteRune(r)
				n--
				continue
			}
			b.WriteByte('*')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keepLast keeps the last n letters or digits of s and stars the others.
func keepLast(s string, n int) string {
	alnum := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			alnum++
		}
	}
	if n > alnum/2 { // never reveal more than half
		n = alnum / 2
	}
	hide := alnum - n
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && hide > 0 {
			b.WriteByte('*')
			hide--
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hashValue returns the keyed-hash replacement of a value: "[EMAIL#3f9a1c2b7d01]". The same value
// gives the same replacement under one key (so a bot can still tell repeated values apart) and
// nothing can be computed back without the key. Never a plain hash: those are reversible for
// small value spaces such as phone numbers.
func hashValue(key []byte, t redact.Type, v string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(t.String()))
	m.Write([]byte{0})
	m.Write([]byte(v))
	return "[" + t.String() + "#" + hex.EncodeToString(m.Sum(nil)[:6]) + "]"
}
