package detect

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// IP address limits: the longest IPv6 text form is 45 bytes (an IPv4-mapped address with every
// group written out); a zone id ("%eth0") adds up to ipMaxZone bytes.
const (
	ipMaxV6   = 45
	ipMaxZone = 16
	ipMaxLen  = ipMaxV6 + 1 + ipMaxZone
)

// ipVersionWords precede dotted numbers that are versions or section numbers, not addresses.
var ipVersionWords = newWindowWords("version", "ver", "v", "build", "release", "firmware", "section",
	"chapter", "kapitel", "abschnitt", "versión", "versione", "wersja", "versie")

// IP finds IPv4 and IPv6 addresses. A hand-written scan picks candidates (dotted quads of digit
// tokens, runs of hex digits and colons) and net/netip validates them.
type IP struct{}

// NewIP returns the IP address detector.
func NewIP() *IP { return &IP{} }

// Types implements redact.Detector.
func (*IP) Types() []redact.Type { return []redact.Type{redact.IPAddress} }

// MaxLen implements redact.Detector.
func (*IP) MaxLen() int { return ipMaxLen }

// Detect implements redact.Detector.
func (*IP) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	dst = detectIPv4(t, dst)
	return detectIPv6(t.Norm, dst)
}

// ipv4Joined reports whether token i is a number joined by a single dot to the number after it.
func ipv4Joined(s string, toks []redact.Token, i int) bool {
	return toks[i].AllDigits() && i+1 < len(toks) && toks[i+1].AllDigits() &&
		toks[i+1].Start == toks[i].End+1 && s[toks[i].End] == '.'
}

// detectIPv4 reports dotted quads: four digit tokens joined by single dots, not part of a longer
// dotted run ("10.0.19045.3570", "1.2.3.4.5") and not introduced by a version word.
func detectIPv4(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 {
		return dst
	}
	s, toks := t.Norm, t.Tokens
	next := 0 // the first token a match may start at
	// The list holds the numbers joined by a dot to another: a number that is not starts no dotted
	// quad, and skipping it moves next past no token.
	for _, a := range numberTokens(t, listIPv4) {
		i := int(a)
		if i < next {
			continue
		}
		// n is the number of digit tokens in the dotted run starting at i.
		n := 1
		for i+n < len(toks) && toks[i+n].AllDigits() && toks[i+n].Start == toks[i+n-1].End+1 &&
			s[toks[i+n-1].End] == '.' {
			n++
		}
		next = i + n
		if n != 4 {
			continue
		}
		start, end := toks[i].Start, toks[i+3].End
		if ipDottedBefore(s, start) || ipDottedAfter(s, end) || end-start > 15 {
			continue
		}
		a, err := netip.ParseAddr(s[start:end])
		if err != nil || !a.Is4() {
			continue
		}
		if ipVersionWords.in(t.Before(start, 20)) {
			continue
		}
		dst = append(dst, redact.Finding{Type: redact.IPAddress, Start: start, End: end, Confidence: 0.9})
	}
	return dst
}

// ipDottedBefore reports whether the run starting at start continues a dotted word to its left
// ("a.1.2.3.4", "v1.2.3.4.5"). A digit token before the dot would have joined the run.
func ipDottedBefore(s string, start int) bool {
	return start >= 2 && s[start-1] == '.' && ipWordByte(s, start-2, false)
}

// ipDottedAfter reports whether the run ending at end continues into a dotted word on its right.
func ipDottedAfter(s string, end int) bool {
	return end+1 < len(s) && s[end] == '.' && ipWordByte(s, end+1, true)
}

// ipWordByte reports whether the character at (forward) or ending at (backward) i is a letter,
// digit or underscore.
func ipWordByte(s string, i int, forward bool) bool {
	c := s[i]
	if c < utf8.RuneSelf {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	var r rune
	if forward {
		r, _ = utf8.DecodeRuneInString(s[i:])
	} else {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// detectIPv6 anchors on each ':' and grows a run of hex digits, colons and (for an embedded IPv4
// tail) dots around it, trims characters that belong to neighbouring words, and validates.
func detectIPv6(s string, dst []redact.Finding) []redact.Finding {
	for pos := 0; pos < len(s); {
		i := strings.IndexByte(s[pos:], ':')
		if i < 0 {
			break
		}
		c := pos + i
		start := c
		for start > pos && c-start < ipMaxV6 && (ipHex(s[start-1]) || s[start-1] == ':') {
			start--
		}
		end := c + 1
		for end < len(s) && end-start < ipMaxV6+8 && (ipHex(s[end]) || s[end] == ':' || s[end] == '.') {
			end++
		}
		pos = end
		if f, ok := ipv6Candidate(s, start, end); ok {
			dst = append(dst, f)
			pos = f.End
		}
	}
	return dst
}

// ipv6Candidate trims the raw run s[start:end] and validates it.
func ipv6Candidate(s string, start, end int) (redact.Finding, bool) {
	var none redact.Finding
	// A run glued to a word on the left ("Address:2001:db8::1", "std::x") starts after the
	// first colon.
	if start > 0 && ipWordByte(s, start-1, false) {
		k := strings.IndexByte(s[start:end], ':')
		start += k + 1
	}
	// A single leading colon is punctuation ("IP:2001:db8::1").
	if start < end && s[start] == ':' && (start+1 >= end || s[start+1] != ':') {
		start++
	}
	// A run glued to a word on the right ("::1abz") ends before its last group.
	if end < len(s) && s[end] != '%' && ipWordByte(s, end, true) {
		k := strings.LastIndexByte(s[start:end], ':')
		if k < 0 {
			return none, false
		}
		end = start + k
	}
	// Trailing dots and a single trailing colon end the sentence, not the address.
	for end > start && s[end-1] == '.' {
		end--
	}
	if end > start && s[end-1] == ':' && (end-2 < start || s[end-2] != ':') {
		end--
	}
	if end-start < 3 || end-start > ipMaxV6 || !ipGroups(s[start:end]) {
		return none, false
	}
	addrEnd := end
	if end+1 < len(s) && s[end] == '%' {
		z := end + 1
		for z < len(s) && z-end <= ipMaxZone && ipZoneByte(s[z]) {
			z++
		}
		if z > end+1 && z-end <= ipMaxZone {
			end = z
		}
	}
	a, err := netip.ParseAddr(s[start:end])
	if err != nil || !a.Is6() {
		if end == addrEnd {
			return none, false
		}
		end = addrEnd // retry without the zone
		if a, err = netip.ParseAddr(s[start:end]); err != nil || !a.Is6() {
			return none, false
		}
	}
	return redact.Finding{Type: redact.IPAddress, Start: start, End: end, Confidence: 0.9}, true
}

// ipGroups reports whether the candidate has at least two colons and two non-empty groups, so
// that "::", "a::" and C++ scopes are not taken for addresses.
func ipGroups(c string) bool {
	colons, groups, in := 0, 0, false
	for i := 0; i < len(c); i++ {
		if c[i] == ':' {
			colons++
			in = false
			continue
		}
		if !in {
			groups++
			in = true
		}
	}
	return colons >= 2 && groups >= 2
}

func ipHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func ipZoneByte(c byte) bool {
	return c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

var _ redact.Detector = (*IP)(nil)
