package redact

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// Internal flags, never set on a Token: slowPath marks a non-ASCII byte in byteClass, markFlag a
// combining mark in twoByteClass.
const (
	slowPath TokenFlag = 1 << 7
	markFlag TokenFlag = 1 << 6
)

// twoByteClass holds runeClass for every rune below U+0800 (two UTF-8 bytes), with markFlag for
// combining marks, which continue a token but do not start one.
var twoByteClass = func() (c [0x800]TokenFlag) {
	for r := rune(0x80); r < 0x800; r++ {
		if f := runeClass(r, false); f != 0 {
			c[r] = f
		} else if runeClass(r, true) != 0 {
			c[r] = markFlag
		}
	}
	return c
}()

// twoByteLower holds the lower case of each upper- or title-case rune below U+0800 whose lower
// case also takes two bytes, and 0 for the others.
var twoByteLower = func() (l [0x800]uint16) {
	for r := rune(0x80); r < 0x800; r++ {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			if lr := unicode.ToLower(r); lr != r && lr >= 0x80 && lr < 0x800 {
				l[r] = uint16(lr)
			}
		}
	}
	return l
}()

// decode2 decodes the two-byte UTF-8 character at s[i], or returns ok false.
func decode2(s string, i int) (r rune, ok bool) {
	if i+1 < len(s) {
		c0, c1 := s[i], s[i+1]
		if c0 >= 0xC2 && c0 <= 0xDF && c1&0xC0 == 0x80 {
			return rune(c0&0x1F)<<6 | rune(c1&0x3F), true
		}
	}
	return 0, false
}

// classAt returns the token flags of the non-ASCII character at s[i] and its size.
func classAt(s string, i int, inToken bool) (TokenFlag, int) {
	if r, ok := decode2(s, i); ok {
		f := twoByteClass[r]
		if f == markFlag {
			if inToken {
				return NonASCII, 2
			}
			return 0, 2
		}
		return f, 2
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return runeClass(r, inToken), size
}

// fold builds Lower: ASCII letters lower-cased, other letters lower-cased when their lower-case
// form has the same UTF-8 length. Lower shares Norm's memory when nothing changes. ASCII is folded
// eight bytes at a time.
func (t *Text) fold() {
	t.foldChecked(t.Norm, false)
}

// foldASCII builds Lower for an ASCII Norm, eight bytes at a time.
func (t *Text) foldASCII() {
	s := t.Norm
	buf := t.lowerBuf[:0]
	if cap(buf) < len(s) {
		buf = make([]byte, 0, len(s)+len(s)/8)
	}
	buf = append(buf, s...)
	t.lowerBuf = buf
	var diff uint64
	i := 0
	for ; i+8 <= len(buf); i += 8 {
		w := binary.LittleEndian.Uint64(buf[i:])
		upper := (w + 0x3f3f3f3f3f3f3f3f) &^ (w + 0x2525252525252525) & hiBits // bytes in 'A'..'Z'
		binary.LittleEndian.PutUint64(buf[i:], w|upper>>2)
		diff |= upper
	}
	for ; i < len(buf); i++ {
		c := buf[i]
		buf[i] = lowerASCII[c]
		diff |= uint64(buf[i] ^ c)
	}
	if diff == 0 {
		t.Lower = s
	} else {
		t.Lower = bytesString(buf)
	}
}

// foldStable folds s as if it were Norm while checking, as isStable does, that s needs no
// normalizing: one pass instead of two for the usual accented text. It reports false, with Lower
// unset, as soon as s turns out to need normalizing.
func (t *Text) foldStable(s string) bool {
	return t.foldChecked(s, true)
}

// foldChecked folds s into Lower; with check it stops and reports false where isStable(s) would
// report false. prev tracks what isStable's prev does: the start of the last ASCII or stableTwoByte
// character, where a run of other characters begins its NFKC segment.
func (t *Text) foldChecked(s string, check bool) bool {
	buf := t.lowerBuf[:0]
	if cap(buf) < len(s) {
		buf = make([]byte, 0, len(s)+len(s)/8)
	}
	buf = append(buf, s...)
	t.lowerBuf = buf
	var diff uint64 // non-zero once some byte changed
	prev := 0
	for i := 0; i < len(buf); {
		if i+8 <= len(buf) {
			w := binary.LittleEndian.Uint64(buf[i:])
			// Bytes in 'A'..'Z' get their 0x20 bit set. A byte's result depends only on it and the
			// bytes before it (the additions carry towards later bytes), so it is exact up to the
			// first non-ASCII byte.
			ge := w + 0x3f3f3f3f3f3f3f3f // high bit set where byte >= 'A' (0x41)
			gt := w + 0x2525252525252525 // high bit set where byte > 'Z' (0x5a)
			upper := ge &^ gt & hiBits
			if w&hiBits == 0 {
				if upper != 0 {
					binary.LittleEndian.PutUint64(buf[i:], w|upper>>2)
					diff |= upper
				}
				prev = i + 7
				i += 8
				continue
			}
			// The ASCII bytes before the first non-ASCII one, at once.
			if p := bits.TrailingZeros64(w&hiBits) >> 3; p > 0 {
				upper &= 1<<(8*p) - 1
				if upper != 0 {
					binary.LittleEndian.PutUint64(buf[i:], w|upper>>2)
					diff |= upper
				}
				prev = i + p - 1
				i += p
			}
		}
		c := buf[i]
		if c < utf8.RuneSelf {
			l := lowerASCII[c]
			buf[i] = l
			diff |= uint64(l ^ c)
			prev = i
			i++
			continue
		}
		if r, ok := decode2(s, i); ok && (!check || stableTwoByte[r]) {
			if l := twoByteLower[r]; l != 0 {
				buf[i], buf[i+1] = byte(0xC0|l>>6), byte(0x80|l&0x3F)
				diff = 1
			}
			prev = i
			i += 2
			continue
		}
		if !check {
			i += foldRune(buf, s, i, &diff)
			continue
		}
		// A run of other characters: check each, then the run with the character before it as a
		// whole; fold them.
		j := i
		for j < len(s) && s[j] >= utf8.RuneSelf {
			if r, ok := decode2(s, j); ok && stableTwoByte[r] {
				break
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 || mapRune(r) != r {
				return false
			}
			j += size
		}
		if norm.NFKC.QuickSpanString(s[prev:j]) != j-prev {
			return false
		}
		for i < j {
			i += foldRune(buf, s, i, &diff)
		}
		prev = j
	}
	if diff == 0 {
		t.Lower = s
	} else {
		t.Lower = bytesString(buf)
	}
	return true
}

// foldRune lower-cases the non-ASCII character at s[i] into buf when its lower case has the same
// length, and returns its size.
func foldRune(buf []byte, s string, i int, diff *uint64) int {
	if r, ok := decode2(s, i); ok {
		if l := twoByteLower[r]; l != 0 {
			buf[i], buf[i+1] = byte(0xC0|l>>6), byte(0x80|l&0x3F)
			*diff = 1
		}
		return 2
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if unicode.IsUpper(r) || unicode.IsTitle(r) {
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
			utf8.EncodeRune(buf[i:], l)
			*diff = 1
		}
	}
	return size
}

const hiBits = 0x8080808080808080

// lowerASCII maps each ASCII byte to its lower case.
var lowerASCII = func() (l [utf8.RuneSelf]byte) {
	for i := range l {
		l[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			l[i] = byte(i) + 'a' - 'A'
		}
	}
	return l
}()

// tokenize splits Norm into tokens in one pass, with a tight loop over ASCII letters and digits.
func (t *Text) tokenize() {
	s := t.Norm
	toks := t.Tokens[:0]
	if cap(toks) == 0 {
		toks = make([]Token, 0, len(s)/6+4)
	}
	var all TokenFlag
	i := 0
	for i < len(s) {
		f := byteClass[s[i]]
		size := 1
		if f == slowPath {
			f, size = classAt(s, i, false)
		}
		if f == 0 {
			i += size
			continue
		}
		start, flags := i, f
		if f&HasUpper != 0 {
			flags |= InitUpper
		}
		i += size
		for i < len(s) {
			f = byteClass[s[i]]
			if f == 0 {
				break
			}
			if f != slowPath {
				flags |= f
				i++
				continue
			}
			f, size := classAt(s, i, true)
			if f == 0 {
				break
			}
			flags |= f
			i += size
		}
		toks = append(toks, Token{Start: start, End: i, Flags: flags})
		all |= flags
	}
	t.Tokens = toks
	t.Flags = all
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
