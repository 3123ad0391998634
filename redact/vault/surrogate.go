package vault

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// SurrogateEmailDomain is the domain of email surrogates. It is reserved for examples (RFC 2606,
// RFC 6761 asks software not to treat it as special), so syntax validators accept it — unlike
// .invalid or .test, which common validators such as Python's email-validator reject as
// special-use — and IANA publishes a null MX for it (RFC 7505), so nothing sent to it is delivered.
// example.com is avoided because real test data and documentation use it most.
const SurrogateEmailDomain = "example.net"

// stream is a deterministic byte source seeded by a value's keyed hash and the attempt number:
// SHA-256 in counter mode.
type stream struct {
	seed  [sha256.Size]byte
	block [sha256.Size]byte
	pos   int
	ctr   uint32
}

func newStream(sum [sha256.Size]byte, attempt int) stream {
	var in [len("veil surrogate v1") + sha256.Size + 4]byte
	n := copy(in[:], "veil surrogate v1")
	n += copy(in[n:], sum[:])
	binary.BigEndian.PutUint32(in[n:], uint32(attempt))
	return stream{seed: sha256.Sum256(in[:]), pos: sha256.Size}
}

func (s *stream) next() byte {
	if s.pos == len(s.block) {
		var in [sha256.Size + 4]byte
		copy(in[:], s.seed[:])
		binary.BigEndian.PutUint32(in[sha256.Size:], s.ctr)
		s.ctr++
		s.block = sha256.Sum256(in[:])
		s.pos = 0
	}
	b := s.block[s.pos]
	s.pos++
	return b
}

// intn returns a uniform number in [0, n) for n <= 256, by rejection.
func (s *stream) intn(n int) int {
	limit := 256 - 256%n
	for {
		if b := int(s.next()); b < limit {
			return b % n
		}
	}
}

func (s *stream) digit() byte  { return byte('0' + s.intn(10)) }
func (s *stream) letter() byte { return byte('A' + s.intn(26)) }

// surrogate returns a format-preserving stand-in for value, or false when value lacks the shape
// its type's surrogate needs.
func surrogate(t redact.Type, value string, s *stream) (string, bool) {
	switch t {
	case redact.Email:
		return emailSurrogate(s), true
	case redact.CreditCard:
		return cardSurrogate(value, s)
	case redact.IBAN:
		return ibanSurrogate(value, s)
	case redact.Phone:
		return phoneSurrogate(value, s)
	case redact.Person:
		return personSurrogate(value, s)
	}
	return "", false
}

const hexDigits = "0123456789abcdef"

func emailSurrogate(s *stream) string {
	var b strings.Builder
	b.Grow(len("user-") + 8 + 1 + len(SurrogateEmailDomain))
	b.WriteString("user-")
	for range 8 {
		b.WriteByte(hexDigits[s.intn(16)])
	}
	b.WriteByte('@')
	b.WriteString(SurrogateEmailDomain)
	return b.String()
}

// cardSurrogate keeps the number of digits and every separator of value. The prefix is a
// test-looking 400000 (300000 for 14 digits, 370000 for 15, as Diners and Amex lengths), the
// middle is drawn from s and the last digit makes it pass Luhn.
func cardSurrogate(value string, s *stream) (string, bool) {
	n := countDigits(value)
	if n < 12 || n > 19 || !onlyDigitsAnd(value, " -.") {
		return "", false
	}
	prefix := "400000"
	switch n {
	case 14:
		prefix = "300000"
	case 15:
		prefix = "370000"
	}
	d := make([]byte, n)
	copy(d, prefix)
	for i := len(prefix); i < n-1; i++ {
		d[i] = s.digit()
	}
	d[n-1] = luhnCheckDigit(d[:n-1])
	return pour(value, d, nil), true
}

// luhnCheckDigit returns the digit that makes payload+digit pass the Luhn check.
func luhnCheckDigit(payload []byte) byte {
	sum := 0
	double := true // the check digit is not doubled, so the last payload digit is
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// ibanSurrogate keeps the country code, the length, the letter-or-digit pattern of the BBAN, the
// case and the grouping of value, draws the BBAN from s and computes mod-97 check digits.
func ibanSurrogate(value string, s *stream) (string, bool) {
	chars := make([]byte, 0, 34)
	lower := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			chars = append(chars, c)
		case c >= 'a' && c <= 'z':
			lower = true
			chars = append(chars, c-'a'+'A')
		case c == ' ' || c == '-' || c == '.':
		default:
			return "", false
		}
	}
	if len(chars) < 15 || len(chars) > 34 || !isUpper(chars[0]) || !isUpper(chars[1]) {
		return "", false
	}
	out := make([]byte, len(chars))
	copy(out, chars[:2])
	for i := 4; i < len(chars); i++ {
		if isUpper(chars[i]) {
			out[i] = s.letter()
		} else {
			out[i] = s.digit()
		}
	}
	out[2], out[3] = '0', '0'
	check := 98 - ibanMod97(out)
	out[2], out[3] = byte('0'+check/10), byte('0'+check%10)
	if lower {
		for i, c := range out {
			if isUpper(c) {
				out[i] = c - 'A' + 'a'
			}
		}
	}
	return pour(value, out, isAlnum), true
}

// ibanMod97 returns the IBAN remainder of an upper-case IBAN: the first four characters moved to
// the end, letters as 10..35.
func ibanMod97(iban []byte) int {
	r := 0
	add := func(c byte) {
		if isUpper(c) {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
			return
		}
		r = (r*10 + int(c-'0')) % 97
	}
	for _, c := range iban[4:] {
		add(c)
	}
	for _, c := range iban[:4] {
		add(c)
	}
	return r
}

// pour writes digits (or, with keep, every character keep accepts) of out into the positions of
// value's digits (or keep-characters), leaving everything else of value as it was.
func pour(value string, out []byte, keep func(byte) bool) string {
	if keep == nil {
		keep = isDigit
	}
	b := []byte(value)
	j := 0
	for i, c := range b {
		if keep(c) && j < len(out) {
			b[i] = out[j]
			j++
		}
	}
	return string(b)
}

// A phone surrogate family: a range reserved for drama and fiction, national and international.
type phoneFamily struct {
	intl, national []string // groups; "d" is a digit drawn from s, "a" an area code
}

var (
	// Ofcom reserves 07700 900000 to 07700 900999 for drama.
	phoneUK = phoneFamily{intl: []string{"+44", "7700", "900ddd"}, national: []string{"07700", "900ddd"}}
	// NANP reserves 555-0100 to 555-0199 in every area code for fictional use.
	phoneNANP = phoneFamily{intl: []string{"+1", "a", "555", "01dd"}, national: []string{"a", "555", "01dd"}}
	// ARCEP reserves 06 39 98 00 00 to 06 39 98 99 99 for fiction.
	phoneFR = phoneFamily{intl: []string{"+33", "6", "39", "98", "dd", "dd"}, national: []string{"06", "39", "98", "dd", "dd"}}
)

var nanpAreaCodes = []string{"201", "202", "212", "213", "305", "312", "415", "503", "617", "646", "702", "718", "773", "808", "917", "971"}

// phoneSurrogate picks a fictional range by the value's country (NANP, France, otherwise the UK),
// keeps international or national form, and keeps value's exact layout when the digit counts
// match, otherwise its separator.
func phoneSurrogate(value string, s *stream) (string, bool) {
	v := strings.TrimSpace(value)
	if countDigits(v) < 6 || !onlyDigitsAnd(v, "+ -.()/") {
		return "", false
	}
	digits := make([]byte, 0, 16)
	var groups []int // lengths of digit runs
	run := 0
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			digits = append(digits, v[i])
			run++
		} else if run > 0 {
			groups = append(groups, run)
			run = 0
		}
	}
	if run > 0 {
		groups = append(groups, run)
	}
	intl := strings.HasPrefix(v, "+") || strings.HasPrefix(string(digits), "00")
	cc := string(digits) // the digits after + or 00
	if intl && !strings.HasPrefix(v, "+") {
		cc = cc[2:]
	}
	fam := phoneUK
	switch {
	case intl && strings.HasPrefix(cc, "1"):
		fam = phoneNANP
	case intl && strings.HasPrefix(cc, "33"):
		fam = phoneFR
	case !intl && len(digits) == 10 && digits[0] >= '2':
		fam = phoneNANP
	case !intl && len(digits) == 10 && digits[0] == '0' && len(groups) == 5 && allTwo(groups):
		fam = phoneFR
	}
	parts := fam.national
	if intl {
		parts = fam.intl
	}
	gen := make([]string, len(parts))
	var genDigits []byte
	for i, p := range parts {
		var g []byte
		if p == "a" {
			g = []byte(nanpAreaCodes[s.intn(len(nanpAreaCodes))])
		} else {
			g = []byte(p)
			for k, c := range g {
				if c == 'd' {
					g[k] = s.digit()
				}
			}
		}
		gen[i] = string(g)
		for _, c := range g {
			if isDigit(c) {
				genDigits = append(genDigits, c)
			}
		}
	}
	if intl && !strings.HasPrefix(v, "+") { // 00 instead of +
		gen[0] = "00" + gen[0][1:]
		genDigits = append([]byte("00"), genDigits...)
	}
	if len(genDigits) == len(digits) {
		return pour(v, genDigits, nil), true
	}
	return strings.Join(gen, separatorOf(v)), true
}

// separatorOf returns the first separator between two digits in v: " ", "-", "." or "".
func separatorOf(v string) string {
	for i := 1; i+1 < len(v); i++ {
		if c := v[i]; (c == ' ' || c == '-' || c == '.') && (isDigit(v[i-1]) || v[i-1] == ')') {
			return string(c)
		}
	}
	return ""
}

func allTwo(groups []int) bool {
	for _, g := range groups {
		if g != 2 {
			return false
		}
	}
	return true
}

// personSurrogate returns a fictional name: a given name for a one-word value, a given name and a
// surname otherwise, upper-cased when value is.
func personSurrogate(value string, s *stream) (string, bool) {
	words := strings.Fields(value)
	if len(words) == 0 {
		return "", false
	}
	name := givenNames[s.intn(len(givenNames))]
	if len(words) > 1 {
		name += " " + surnames[s.intn(len(surnames))]
	}
	if isAllUpper(value) {
		name = strings.ToUpper(name)
	}
	return name, true
}

func isAllUpper(v string) bool {
	letters := false
	for _, r := range v {
		if unicode.IsLetter(r) {
			letters = true
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters
}

func countDigits(v string) int {
	n := 0
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			n++
		}
	}
	return n
}

// onlyDigitsAnd reports whether v has nothing but ASCII digits and bytes of extra.
func onlyDigitsAnd(v, extra string) bool {
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) && strings.IndexByte(extra, v[i]) < 0 {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool {
	return isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z')
}

// wordRuneBefore reports whether the character ending at s[i] is a letter or digit; with
// wordRuneAt it refuses matches inside a longer word or number.
func wordRuneBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordRuneAt reports whether the character starting at s[i] is a letter or digit.
func wordRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
