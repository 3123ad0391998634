package detect

import "github.com/veil-privacy/veil/redact"

// ibanMaxChars is the longest IBAN in the registry (Saint Lucia, 32; Russia, 33; 34 is the
// ISO 13616 ceiling). Printed in groups of four it gains one space per group.
const (
	ibanMaxChars = 34
	ibanMaxLen   = ibanMaxChars + (ibanMaxChars-1)/4
)

// ibanLengths maps a country code, packed as two upper-case letters, to its IBAN length, from
// the SWIFT IBAN registry (all SEPA members and the other registered countries).
var ibanLengths = map[[2]byte]uint8{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'Z'}: 28, {'B', 'A'}: 20,
	{'B', 'E'}: 16, {'B', 'G'}: 22, {'B', 'H'}: 22, {'B', 'I'}: 27, {'B', 'R'}: 29, {'B', 'Y'}: 28,
	{'C', 'H'}: 21, {'C', 'R'}: 22, {'C', 'Y'}: 28, {'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'J'}: 27,
	{'D', 'K'}: 18, {'D', 'O'}: 28, {'E', 'E'}: 20, {'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18,
	{'F', 'K'}: 18, {'F', 'O'}: 18, {'F', 'R'}: 27, {'G', 'B'}: 22, {'G', 'E'}: 22, {'G', 'I'}: 23,
	{'G', 'L'}: 18, {'G', 'R'}: 27, {'G', 'T'}: 28, {'H', 'N'}: 28, {'H', 'R'}: 21, {'H', 'U'}: 28,
	{'I', 'E'}: 22, {'I', 'L'}: 23, {'I', 'Q'}: 23, {'I', 'S'}: 26, {'I', 'T'}: 27, {'J', 'O'}: 30,
	{'K', 'W'}: 30, {'K', 'Z'}: 20, {'L', 'B'}: 28, {'L', 'C'}: 32, {'L', 'I'}: 21, {'L', 'T'}: 20,
	{'L', 'U'}: 20, {'L', 'V'}: 21, {'L', 'Y'}: 25, {'M', 'C'}: 27, {'M', 'D'}: 24, {'M', 'E'}: 22,
	{'M', 'K'}: 19, {'M', 'N'}: 20, {'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30, {'N', 'I'}: 28,
	{'N', 'L'}: 18, {'N', 'O'}: 15, {'O', 'M'}: 23, {'P', 'K'}: 24, {'P', 'L'}: 28, {'P', 'S'}: 29,
	{'P', 'T'}: 25, {'Q', 'A'}: 29, {'R', 'O'}: 24, {'R', 'S'}: 22, {'R', 'U'}: 33, {'S', 'A'}: 24,
	{'S', 'C'}: 31, {'S', 'D'}: 18, {'S', 'E'}: 24, {'S', 'I'}: 19, {'S', 'K'}: 24, {'S', 'M'}: 27,
	{'S', 'O'}: 23, {'S', 'T'}: 25, {'S', 'V'}: 28, {'T', 'L'}: 23, {'T', 'N'}: 24, {'T', 'R'}: 26,
	{'U', 'A'}: 29, {'V', 'A'}: 22, {'V', 'G'}: 24, {'X', 'K'}: 20, {'Y', 'E'}: 30,
}

// IBAN finds International Bank Account Numbers, compact ("DE89370400440532013000") or printed
// in groups of four ("DE89 3704 0044 0532 0130 00", "DE89-3704-0044-0532-0130-00"), in any letter
// case. Only numbers of the registered length for their country and with a valid ISO 7064 mod-97
// check are reported.
type IBAN struct{}

// NewIBAN returns the IBAN detector.
func NewIBAN() *IBAN { return &IBAN{} }

// Types implements redact.Detector.
func (*IBAN) Types() []redact.Type { return []redact.Type{redact.IBAN} }

// MaxLen implements redact.Detector.
func (*IBAN) MaxLen() int { return ibanMaxLen }

// Detect implements redact.Detector.
func (*IBAN) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 {
		return dst
	}
	s, toks := t.Norm, t.Tokens
	next := 0 // the first token a match may start at
	// The list holds the ASCII tokens of four or more letters and digits with both.
	for _, a := range numberTokens(t, listIBAN) {
		i := int(a)
		k := toks[i]
		if i < next {
			continue
		}
		want := ibanLength(s[k.Start:])
		if want == 0 {
			continue
		}
		end, last := ibanSpan(s, toks, i, want)
		if end < 0 || !ibanValid(s[k.Start:end]) {
			continue
		}
		dst = append(dst, redact.Finding{Type: redact.IBAN, Start: k.Start, End: end, Confidence: 0.98})
		next = last + 1
	}
	return dst
}

// ibanLength returns the registered IBAN length for the country code that s starts with, if
// s starts with a country code and two check digits, or 0.
func ibanLength(s string) int {
	c0, c1 := s[0]&^0x20-'A', s[1]&^0x20-'A' // ASCII upper case, from 0; other bytes map to 26 or more
	if c0 >= 26 || c1 >= 26 || !ibanDigit(s[2]) || !ibanDigit(s[3]) {
		return 0
	}
	return int(ibanLengthOf[c0][c1])
}

// ibanLengthOf is ibanLengths as an array indexed by the letters from 'A': a list token is looked
// up in it, where the map hashed the two bytes (a third of IBAN's time on text full of numbers).
var ibanLengthOf = func() (a [26][26]uint8) {
	for cc, n := range ibanLengths {
		a[cc[0]-'A'][cc[1]-'A'] = n
	}
	return a
}()

// ibanSpan returns the end of an IBAN of want characters that starts at token i, and the index
// of its last token, or -1. The number is either the token itself or the token (four
// characters) followed by groups of four joined by single spaces (or single dashes throughout), the
// last group 1–4 long.
func ibanSpan(s string, toks []redact.Token, i, want int) (end, last int) {
	k := toks[i]
	switch n := k.End - k.Start; {
	case n == want:
		return k.End, i
	case n != 4 || k.End >= len(s):
		return -1, 0
	}
	sep := s[k.End]
	if sep != ' ' && sep != '-' {
		return -1, 0
	}
	got := 4
	for j := i + 1; j < len(toks) && got < want; j++ {
		g, prev := toks[j], toks[j-1]
		n := g.End - g.Start
		if g.Start != prev.End+1 || s[prev.End] != sep || g.Is(redact.NonASCII) || n > 4 || n < 4 && got+n != want {
			return -1, 0
		}
		got += n
		if got == want {
			return g.End, j
		}
	}
	return -1, 0
}

// ibanValid checks the characters of a candidate (spaces skipped): country code, check digits in
// 02..98, alphanumeric BBAN, and the mod-97 remainder of the rearranged number equal to 1.
func ibanValid(c string) bool {
	if c[2] == '0' && c[3] < '2' || c[2] == '9' && c[3] == '9' {
		return false
	}
	acc := uint64(0)
	for p := 4; p < len(c); p++ {
		if c[p] == ' ' || c[p] == '-' {
			continue
		}
		var ok bool
		if acc, ok = ibanMod97Step(acc, c[p]); !ok {
			return false
		}
	}
	for p := 0; p < 4; p++ {
		acc, _ = ibanMod97Step(acc, c[p])
	}
	return acc%97 == 1
}

// ibanMod97Step feeds one character into an ISO 7064 MOD 97-10 accumulator whose remainder mod 97
// is what mod97 computes for a whole string; letters count as 10..35. The accumulator is reduced
// only when it grows large, not at every character: the remainder is the same, and a division per
// character was most of the cost of a validation.
func ibanMod97Step(acc uint64, c byte) (uint64, bool) {
	if acc >= 1<<56 {
		acc %= 97
	}
	switch {
	case '0' <= c && c <= '9':
		return acc*10 + uint64(c-'0'), true
	case 'A' <= c && c <= 'Z':
		return acc*100 + uint64(c-'A') + 10, true
	case 'a' <= c && c <= 'z':
		return acc*100 + uint64(c-'a') + 10, true
	}
	return acc, false
}

func ibanDigit(c byte) bool { return '0' <= c && c <= '9' }

var _ redact.Detector = (*IBAN)(nil)
