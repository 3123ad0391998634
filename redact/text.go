package redact

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is the view of a message that detectors read: the original bytes, a normalized copy
// (NFKC, zero-width characters and soft hyphens removed, every space variant turned into ' ',
// every dash variant into '-'), an ASCII-case-folded copy of the same length, and its word tokens.
// Offsets found in Norm map back to Orig with OrigSpan.
type Text struct {
	Orig string
	// Norm is the normalized text detectors match on. It equals Orig when Orig needs no change.
	Norm string
	// Lower is Norm with letters lower-cased wherever that keeps the byte length, so an index into
	// Lower is an index into Norm. Use it for case-insensitive context-word checks.
	Lower string
	// Tokens are the maximal runs of letters, digits and combining marks in Norm, in order.
	Tokens []Token

	// offs[i] is the offset in Orig of the normalization segment that produced Norm[i];
	// offs[len(Norm)] == len(Orig). nil when Norm == Orig.
	offs []int32
}

// TokenFlag describes the characters of a Token.
type TokenFlag uint8

// Token flags.
const (
	HasDigit  TokenFlag = 1 << iota // at least one digit
	HasLetter                       // at least one letter
	HasUpper                        // at least one upper-case letter
	HasLower                        // at least one lower-case letter
	InitUpper                       // the first character is an upper-case letter
	NonASCII                        // contains a non-ASCII character
)

// Token is a word or number in Norm: a maximal run of letters, digits and combining marks.
type Token struct {
	Start, End int // byte offsets into Norm
	Flags      TokenFlag
}

// Is reports whether every flag in f is set on the token.
func (k Token) Is(f TokenFlag) bool { return k.Flags&f == f }

// AllDigits reports whether the token consists of digits only.
func (k Token) AllDigits() bool { return k.Flags&(HasDigit|HasLetter) == HasDigit }

// NewText normalizes and tokenizes s.
func NewText(s string) *Text {
	t := &Text{}
	t.Reset(s)
	return t
}

// Reset makes t the view of s, reusing t's buffers.
func (t *Text) Reset(s string) {
	t.Orig = s
	t.Tokens = t.Tokens[:0]
	t.offs = t.offs[:0]
	if needsNormalizing(s) {
		t.normalize(s)
	} else {
		t.Norm = s
		t.offs = nil
	}
	t.fold()
	t.tokenize()
}

// OrigSpan maps a span of Norm to the span of Orig that produced it. A span that starts or ends
// inside a normalization segment (a ligature, a composed character) is widened to the whole segment.
func (t *Text) OrigSpan(start, end int) (int, int) {
	if t.offs == nil {
		return start, end
	}
	n := len(t.Norm)
	if start < 0 {
		start = 0
	}
	if end > n {
		end = n
	}
	os := int(t.offs[start])
	if end == n {
		return os, len(t.Orig)
	}
	// The end is exclusive: the original end is the start of the segment holding Norm[end],
	// unless end falls inside a segment, which then counts as included.
	oe := int(t.offs[end])
	if end > 0 && t.offs[end-1] == t.offs[end] {
		for j := end + 1; j <= n; j++ {
			if t.offs[j] != t.offs[end] {
				oe = int(t.offs[j])
				break
			}
		}
	}
	return os, oe
}

// Before returns up to n bytes of Lower that precede pos, cut at a rune boundary.
func (t *Text) Before(pos, n int) string {
	lo := pos - n
	if lo < 0 {
		lo = 0
	}
	for lo > 0 && lo < pos && !utf8.RuneStart(t.Lower[lo]) {
		lo++
	}
	return t.Lower[lo:pos]
}

// After returns up to n bytes of Lower that follow pos, cut at a rune boundary.
func (t *Text) After(pos, n int) string {
	hi := pos + n
	if hi > len(t.Lower) {
		hi = len(t.Lower)
	}
	for hi < len(t.Lower) && hi > pos && !utf8.RuneStart(t.Lower[hi]) {
		hi--
	}
	return t.Lower[pos:hi]
}

// TokenAt returns the index of the first token that ends after pos (the token containing pos, or
// the next one), or len(t.Tokens) if there is none.
func (t *Text) TokenAt(pos int) int {
	lo, hi := 0, len(t.Tokens)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.Tokens[m].End <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// needsNormalizing reports whether s contains anything but plain ASCII. ASCII text is already NFKC
// and has no zero-width, non-breaking or typographic characters.
func needsNormalizing(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// normalize builds Norm and offs from s, segment by segment.
func (t *Text) normalize(s string) {
	buf := make([]byte, 0, len(s)+8)
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		segStart := it.Pos()
		seg := it.Next()
		for i := 0; i < len(seg); {
			r, size := utf8.DecodeRune(seg[i:])
			i += size
			if r < utf8.RuneSelf {
				buf = append(buf, byte(r))
				t.offs = append(t.offs, int32(segStart))
				continue
			}
			switch m := mapRune(r); m {
			case -1:
				// dropped: zero-width, soft hyphen, byte-order mark
			default:
				before := len(buf)
				buf = utf8.AppendRune(buf, m)
				for k := before; k < len(buf); k++ {
					t.offs = append(t.offs, int32(segStart))
				}
			}
		}
	}
	t.offs = append(t.offs, int32(len(s)))
	t.Norm = string(buf)
}

// mapRune returns the replacement for a non-ASCII rune after NFKC: -1 to drop it.
func mapRune(r rune) rune {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x034F:
		return -1
	case 0x00A0, 0x1680, 0x202F, 0x205F, 0x3000:
		return ' '
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D:
		return '-'
	}
	if r >= 0x2000 && r <= 0x200A {
		return ' '
	}
	if unicode.Is(unicode.Cf, r) { // other invisible format characters (bidi marks, tags)
		return -1
	}
	if unicode.IsDigit(r) { // Arabic-Indic, Devanagari and other decimal digits NFKC keeps
		if d := digitValue(r); d >= 0 {
			return '0' + rune(d)
		}
	}
	return r
}

// digitValue returns the decimal value of a Unicode decimal digit, or -1.
func digitValue(r rune) int {
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return int(r - z)
		}
	}
	return -1
}

// digitZeros are the zero code points of the decimal digit ranges NFKC leaves alone.
var digitZeros = [...]rune{0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
	0x0C66, 0x0CE6, 0x0D66, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10}

// fold builds Lower: ASCII letters lower-cased, other letters lower-cased when their lower-case
// form has the same UTF-8 length.
func (t *Text) fold() {
	s := t.Norm
	var buf []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				if buf == nil {
					buf = []byte(s)
				}
				buf[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
			if buf == nil {
				buf = []byte(s)
			}
			utf8.EncodeRune(buf[i:], l)
		}
		i += size
	}
	if buf == nil {
		t.Lower = s
		return
	}
	t.Lower = string(buf)
}

// asciiClass classifies ASCII bytes for tokenization.
var asciiClass = func() (c [utf8.RuneSelf]TokenFlag) {
	for b := '0'; b <= '9'; b++ {
		c[b] = HasDigit
	}
	for b := 'a'; b <= 'z'; b++ {
		c[b] = HasLetter | HasLower
	}
	for b := 'A'; b <= 'Z'; b++ {
		c[b] = HasLetter | HasUpper
	}
	return c
}()

// tokenize splits Norm into tokens in one pass.
func (t *Text) tokenize() {
	s := t.Norm
	start := -1
	var flags TokenFlag
	for i := 0; i < len(s); {
		var f TokenFlag
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			f = asciiClass[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case unicode.IsLetter(r):
				f = HasLetter | NonASCII
				if unicode.IsUpper(r) || unicode.IsTitle(r) {
					f |= HasUpper
				} else if unicode.IsLower(r) {
					f |= HasLower
				}
			case unicode.IsDigit(r):
				f = HasDigit | NonASCII
			case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
				if start >= 0 {
					f = NonASCII
				}
			}
		}
		if f != 0 {
			if start < 0 {
				start, flags = i, 0
				if f&HasUpper != 0 {
					flags |= InitUpper
				}
			}
			flags |= f
		} else if start >= 0 {
			t.Tokens = append(t.Tokens, Token{Start: start, End: i, Flags: flags})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		t.Tokens = append(t.Tokens, Token{Start: start, End: len(s), Flags: flags})
	}
}
