package redact

import (
	"unicode"
	"unicode/utf8"
)

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

// Len returns the length of the token in bytes of Norm.
func (k Token) Len() int { return k.End - k.Start }

// byteClass classifies bytes for tokenization: ASCII letters and digits by their flags, every
// byte that starts or continues a multi-byte character as slowPath.
var byteClass = func() (c [256]TokenFlag) {
	for b := '0'; b <= '9'; b++ {
		c[b] = HasDigit
	}
	for b := 'a'; b <= 'z'; b++ {
		c[b] = HasLetter | HasLower
	}
	for b := 'A'; b <= 'Z'; b++ {
		c[b] = HasLetter | HasUpper
	}
	for b := utf8.RuneSelf; b < 256; b++ {
		c[b] = slowPath
	}
	return c
}()

// slowPath marks a non-ASCII byte in byteClass; it is never set on a Token.
const slowPath TokenFlag = 1 << 7

// fold builds Lower: ASCII letters lower-cased, other letters lower-cased when their lower-case
// form has the same UTF-8 length. Lower shares Norm's memory when nothing changes.
func (t *Text) fold() {
	s := t.Norm
	i := 0
	// Fast scan for the first byte that may change.
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			break
		}
		i++
	}
	if i == len(s) {
		t.Lower = s
		return
	}
	buf := t.lowerBuf[:0]
	if cap(buf) < len(s) {
		buf = make([]byte, 0, len(s)+len(s)/8)
	}
	buf = append(buf, s...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
			utf8.EncodeRune(buf[i:], l)
		}
		i += size
	}
	t.lowerBuf = buf
	t.Lower = bytesString(buf)
}

// tokenize splits Norm into tokens in one pass.
func (t *Text) tokenize() {
	s := t.Norm
	toks := t.Tokens[:0]
	if cap(toks) == 0 {
		toks = make([]Token, 0, len(s)/5+4)
	}
	start := -1
	var flags TokenFlag
	for i := 0; i < len(s); {
		f := byteClass[s[i]]
		size := 1
		if f == slowPath {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			f = runeClass(r, start >= 0)
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
			toks = append(toks, Token{Start: start, End: i, Flags: flags})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		toks = append(toks, Token{Start: start, End: len(s), Flags: flags})
	}
	t.Tokens = toks
}

// runeClass returns the token flags of a non-ASCII rune; inToken tells whether a combining mark
// would continue a token.
func runeClass(r rune, inToken bool) TokenFlag {
	switch {
	case unicode.IsLetter(r):
		f := HasLetter | NonASCII
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			f |= HasUpper
		} else if unicode.IsLower(r) {
			f |= HasLower
		}
		return f
	case unicode.IsDigit(r):
		return HasDigit | NonASCII
	case inToken && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)):
		return NonASCII
	}
	return 0
}
