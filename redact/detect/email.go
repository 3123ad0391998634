package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// Email limits, in bytes of normalized text. RFC 5321 caps the local part at 64 octets and the
// domain at 255; internationalized addresses (RFC 6531) count UTF-8 bytes, so the local part gets
// room for multi-byte characters.
const (
	emailMaxLocal  = 128
	emailMaxDomain = 255
	emailMaxLen    = emailMaxLocal + 1 + emailMaxDomain
)

// Email finds e-mail addresses, internationalized ones included (Unicode local parts and IDN
// domains). It anchors on '@' and grows the match over the characters an address may hold.
type Email struct{}

// NewEmail returns the e-mail address detector.
func NewEmail() *Email { return &Email{} }

// Types implements redact.Detector.
func (*Email) Types() []redact.Type { return []redact.Type{redact.Email} }

// MaxLen implements redact.Detector.
func (*Email) MaxLen() int { return emailMaxLen }

// Detect implements redact.Detector.
func (*Email) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	s := t.Norm
	for pos := 0; pos < len(s); {
		i := strings.IndexByte(s[pos:], '@')
		if i < 0 {
			break
		}
		at := pos + i
		start := emailLocalStart(s, at, pos)
		end := emailDomainEnd(s, at+1)
		if start < at && end > at+1 {
			dst = append(dst, redact.Finding{Type: redact.Email, Start: start, End: end, Confidence: 0.95})
			pos = end
			continue
		}
		pos = at + 1
	}
	return dst
}

// emailLocalStart returns where the local part ending at at begins, or at if there is none.
// It does not look before floor (the end of the previous match).
func emailLocalStart(s string, at, floor int) int {
	lo := max(floor, at-emailMaxLocal)
	start := at
	for start > lo {
		if c := s[start-1]; c < utf8.RuneSelf { // ASCII without decoding
			if !emailLocalASCII[c] {
				break
			}
			start--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s[lo:start])
		if !emailLocalRune(r) {
			break
		}
		start -= size
	}
	// The local part must begin with a letter, digit or underscore: quotes, dots and markup
	// characters before it belong to the surrounding text.
	for start < at {
		r, size := utf8.DecodeRuneInString(s[start:at])
		if r == '_' || emailWordRune(r) {
			break
		}
		start += size
	}
	return start
}

// emailDomainEnd returns the end of the domain that starts at from, or from if there is no
// plausible domain (at least two labels, the last one a top-level domain of two or more letters).
func emailDomainEnd(s string, from int) int {
	hi := min(len(s), from+emailMaxDomain)
	end := from     // end of the last accepted label
	lastLabel := -1 // start of the last accepted label
	labels := 0
	firstEnd := -1 // end of the first label
	for p := from; p < hi; {
		// One label: letters, digits, marks and inner hyphens.
		q := p
		for q < hi {
			if c := s[q]; c < utf8.RuneSelf { // ASCII without decoding
				if c != '-' && !emailWordASCII[c] {
					break
				}
				q++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[q:hi])
			if r != '-' && !emailWordRune(r) {
				break
			}
			q += size
		}
		if q == p || s[p] == '-' || s[q-1] == '-' {
			break
		}
		labels++
		lastLabel, end = p, q
		if firstEnd < 0 {
			firstEnd = q
		}
		if q+1 < hi && s[q] == '.' {
			p = q + 1
			continue
		}
		break
	}
	// Drop trailing labels until the last one is a plausible top-level domain.
	for labels >= 2 && !emailTLD(s[lastLabel:end]) {
		end = lastLabel - 1
		labels--
		lastLabel = strings.LastIndexByte(s[from:end], '.') + from + 1
		if labels == 1 {
			lastLabel = from
		}
	}
	if labels < 2 || emailNotDomain(s[from:firstEnd], s[lastLabel:end]) {
		return from
	}
	return end
}

// emailTLD reports whether label can be a top-level domain: two or more letters, or an IDN
// A-label ("xn--p1ai").
func emailTLD(label string) bool {
	if strings.HasPrefix(label, "xn--") || strings.HasPrefix(label, "XN--") {
		return len(label) > 4
	}
	n := 0
	for _, r := range label {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= 2
}

// emailNotDomain reports look-alikes of an address: high-density image names ("logo@2x.png")
// and other file names whose "top-level domain" is a file extension no registry delegates.
func emailNotDomain(first, tld string) bool {
	if n := len(first); n >= 2 && (first[n-1] == 'x' || first[n-1] == 'X') && emailDigits(first[:n-1]) {
		return true
	}
	switch strings.ToLower(tld) {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "css", "js", "ts",
		"json", "yaml", "yml", "txt", "pdf", "html", "htm", "xml", "csv":
		return true
	}
	return false
}

// emailWordRune reports letters, digits and combining marks, the core of labels and local parts.
func emailWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc)
}

// emailWordASCII and emailLocalASCII hold emailWordRune and emailLocalRune for ASCII.
var emailWordASCII, emailLocalASCII = func() (w, l [utf8.RuneSelf]bool) {
	for c := range rune(utf8.RuneSelf) {
		w[c], l[c] = emailWordRune(c), emailLocalRune(c)
	}
	return w, l
}()

// emailLocalRune reports the characters a local part may hold: word characters and the RFC 5322
// atom specials that occur in real addresses. Brackets, slashes and pipes are left out: in running
// text they are markup, not address.
func emailLocalRune(r rune) bool {
	switch r {
	case '.', '_', '%', '+', '-', '\'', '=', '~', '!', '#', '$', '&', '*', '^':
		return true
	}
	return emailWordRune(r)
}

// emailDigits reports whether s is a non-empty run of ASCII digits (the "2" of "@2x").
func emailDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var _ redact.Detector = (*Email)(nil)
