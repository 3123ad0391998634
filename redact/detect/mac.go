package detect

import "github.com/veil-privacy/veil/redact"

// macMaxLen is the length of "aa:bb:cc:dd:ee:ff", the longest form.
const macMaxLen = 17

// MAC finds IEEE 802 MAC addresses: six hex pairs joined by ':' or '-' ("aa:bb:cc:dd:ee:ff",
// "AA-BB-CC-DD-EE-FF") and the Cisco form, three hex quads joined by '.' ("aabb.ccdd.eeff").
type MAC struct{}

// NewMAC returns the MAC address detector.
func NewMAC() *MAC { return &MAC{} }

// Types implements redact.Detector.
func (*MAC) Types() []redact.Type { return []redact.Type{redact.MACAddress} }

// MaxLen implements redact.Detector.
func (*MAC) MaxLen() int { return macMaxLen }

// Detect implements redact.Detector. It visits the tokens marked for it (see marks.go), those that
// macStart accepts.
func (*MAC) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.MarkBits(detectMarker)&markMAC == 0 {
		return dst
	}
	s, toks := t.Norm, t.Tokens
	next := 0
	for _, mk := range t.Marks(detectMarker) {
		i := int(mk.Tok)
		if mk.Bits&markMAC == 0 || i < next {
			continue
		}
		k := toks[i]
		groups, width := 6, 2
		if k.End-k.Start == 4 {
			groups, width = 3, 4
		}
		if i+groups > len(toks) {
			continue
		}
		sep := s[k.End]
		if !macRun(s, toks[i:i+groups], width, sep) {
			continue
		}
		start, end := k.Start, toks[i+groups-1].End
		// Part of a longer run (an IPv6 address, a key fingerprint, a serial) is not a MAC.
		if start >= 2 && s[start-1] == sep && macHex(s[start-2]) ||
			end+1 < len(s) && s[end] == sep && macHex(s[end+1]) {
			continue
		}
		// '-' and '.' also join digit groups of phone numbers and serials: ask for a hex letter.
		if sep != ':' && !macHasLetter(s[start:end]) {
			continue
		}
		dst = append(dst, redact.Finding{Type: redact.MACAddress, Start: start, End: end, Confidence: 0.9})
		next = i + groups
	}
	return dst
}

// macStart reports whether a MAC address may start at token k: two hex digits followed by ':' or
// '-', or four followed by '.', and the same separator after the next group ("14:30 ", "tél. ",
// "john.doe@" have none: without that test, such tokens were marked in every text, and MAC walked
// the marks of every text).
func macStart(s string, k redact.Token) bool {
	switch e := k.End; e - k.Start {
	case 2:
		return e+3 < len(s) && (s[e] == ':' || s[e] == '-') && s[e+3] == s[e]
	case 4:
		return e+5 < len(s) && s[e] == '.' && s[e+5] == '.'
	}
	return false
}

// macRun reports whether toks are hex groups of the given width, each joined to the next by sep.
func macRun(s string, toks []redact.Token, width int, sep byte) bool {
	for j, k := range toks {
		if k.End-k.Start != width || k.Is(redact.NonASCII) {
			return false
		}
		for p := k.Start; p < k.End; p++ {
			if !macHex(s[p]) {
				return false
			}
		}
		if j > 0 && (k.Start != toks[j-1].End+1 || s[toks[j-1].End] != sep) {
			return false
		}
	}
	return true
}

func macHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func macHasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > '9' {
			return true
		}
	}
	return false
}

var _ redact.Detector = (*MAC)(nil)
