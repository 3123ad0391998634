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

// tokenize splits Norm into tokens and folds it into Lower, in one pass over the bytes: ASCII
// letters lower-cased, other letters when their lower-case form has the same UTF-8 length. Lower
// starts as a copy of Norm (one memmove); the tokenizer folds the non-ASCII characters it
// classifies anyway and the ASCII bytes of the tokens that hold a capital. (Folding as it reads
// each byte cost a store per byte, to a buffer that often lies a multiple of 4 KiB from Norm,
// which made the loads of Norm wait on the stores; a pass of its own, eight bytes at a time, cost
// a fifth of the view of accented text.) Lower shares Norm's memory when nothing changes.
//
// With check, Norm is the original text, and tokenize also checks, as isStable does, that it needs
// no normalizing, at its non-ASCII characters only; it reports false, with Lower and Tokens unset,
// as soon as it turns out to need it.
func (t *Text) tokenize(check bool) bool {
	s := t.Norm
	buf := t.lowerBuf[:0]
	if cap(buf) < len(s) {
		buf = make([]byte, 0, len(s)+len(s)/8)
	}
	buf = append(buf, s...)
	t.lowerBuf = buf
	toks := t.Tokens[:0]
	if cap(toks) == 0 {
		toks = make([]Token, 0, len(s)/6+4)
	}
	fc := foldCheck{check: check}
	var all TokenFlag
	i := 0
	for i < len(s) {
		// The ASCII stretches in a function without a call; this loop reads what stops them: a
		// non-ASCII character, a token that holds one, a token that toks has no room for.
		if i, toks = asciiTokens(s, buf, toks, i, &all); i == len(s) {
			break
		}
		f := byteClass[s[i]]
		size := 1
		if f == slowPath {
			var ok bool
			if f, size, ok = fc.char(buf, s, i, false); !ok {
				return false
			}
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
		for {
			// The ASCII letters and digits of the token, in a loop without a call: its variables
			// stay in registers (a call in it spilled them on every byte).
			for i < len(s) {
				g := byteClass[s[i]]
				if g == 0 || g == slowPath {
					break
				}
				flags |= g
				i++
			}
			if i == len(s) || byteClass[s[i]] == 0 {
				break
			}
			more, ok := false, false
			if flags, i, more, ok = fc.extend(buf, s, i, flags); !ok {
				return false
			}
			if !more {
				break // the outer loop reads the character again, to the same effect
			}
		}
		if flags&HasUpper != 0 {
			foldUpperASCII(buf[start:i])
		}
		toks = append(toks, Token{Start: start, End: i, Flags: flags})
		all |= flags
	}
	t.Tokens, t.Flags = toks, all
	if all&HasUpper == 0 && !fc.diff {
		t.Lower = s // nothing to fold
	} else {
		t.Lower = bytesString(buf)
	}
	return true
}

// asciiTokens appends the tokens of s from byte i on to toks, as tokenize would, and folds their
// capitals in buf, while they are made of ASCII bytes and toks has room for them. It stops at the
// end of s, at a non-ASCII byte between tokens, or at the start of a token that holds a non-ASCII
// character or that toks has no room for, and returns where it stopped; it adds the flags of the
// tokens it appends to *all (in memory, once per token: a variable was kept in a register that the
// byte loop needs, and reloaded on every byte). It makes no call (the tokens are written within
// toks's capacity, the capitals folded in place): in tokenize's loop, whose calls read the
// non-ASCII characters, the compiler stored five of the loop's variables on the stack at every
// token and every byte between two tokens.
func asciiTokens(s string, buf []byte, toks []Token, i int, all *TokenFlag) (int, []Token) {
	n := len(toks)
	for i < len(s) {
		f := byteClass[s[i]]
		if f == 0 {
			i++
			continue
		}
		if f == slowPath || n == cap(toks) {
			break
		}
		start, flags := i, f
		if f&HasUpper != 0 {
			flags |= InitUpper
		}
		for i++; i < len(s); i++ {
			g := byteClass[s[i]]
			if g == 0 || g == slowPath {
				break
			}
			flags |= g
		}
		if i < len(s) && byteClass[s[i]] == slowPath {
			i = start // the token may go on with a non-ASCII character: tokenize reads it
			break
		}
		if flags&HasUpper != 0 {
			for k := start; k < i; k++ { // foldUpperASCII, without a call
				if c := buf[k]; c-'A' < 26 {
					buf[k] = c + 'a' - 'A'
				}
			}
		}
		toks = toks[:n+1]
		toks[n] = Token{Start: start, End: i, Flags: flags}
		n++
		*all |= flags
	}
	return i, toks[:n]
}

// foldUpperASCII lower-cases the ASCII capitals of b, a token's bytes in Lower, in place; its other
// bytes (non-ASCII characters already folded) stay.
func foldUpperASCII(b []byte) {
	for k, c := range b {
		if c-'A' < 26 {
			b[k] = c + 'a' - 'A'
		}
	}
}

// foldCheck is what tokenize tracks of the non-ASCII characters.
type foldCheck struct {
	check   bool // check that the text needs no normalizing (see isStable)
	checked int  // the end of the last run of other characters checked by stableRun
	diff    bool // some non-ASCII character was folded
}

// char classifies the non-ASCII character at s[i] as classAt does and folds it in buf, a copy of
// s; with check, it checks as isStable does that it needs no normalizing: a stableTwoByte
// character does not, a run of other characters is checked as a whole when its first character is
// read. It returns the character's class and size, and ok false where isStable reports false.
func (fc *foldCheck) char(buf []byte, s string, i int, inToken bool) (TokenFlag, int, bool) {
	if r, ok := decode2(s, i); ok && (!fc.check || stableTwoByte[r]) {
		if l := twoByteLower[r]; l != 0 {
			buf[i], buf[i+1] = byte(0xC0|l>>6), byte(0x80|l&0x3F)
			fc.diff = true
		}
		f := twoByteClass[r]
		if f == markFlag {
			f = 0
			if inToken {
				f = NonASCII
			}
		}
		return f, 2, true
	}
	if fc.check && i >= fc.checked {
		// The first of a run: the character before it is ASCII or stableTwoByte (a character of
		// the run would have started it), which is where isStable's prev points.
		prev := 0
		if i > 0 {
			prev = i - 1
			if s[prev] >= utf8.RuneSelf {
				prev = max(i-2, 0)
			}
		}
		end, ok := stableRun(s, prev, i)
		if !ok {
			return 0, 0, false
		}
		fc.checked = end
	}
	f, size := classAt(s, i, inToken)
	var diff uint64
	foldRune(buf, s, i, &diff)
	fc.diff = fc.diff || diff != 0
	return f, size, true
}

// extend continues a token with flags at the non-ASCII character at s[i] (see char): it returns
// the token's flags and end with the character when the character continues the token, and more
// false with flags and i unchanged when it ends it.
func (fc *foldCheck) extend(buf []byte, s string, i int, flags TokenFlag) (TokenFlag, int, bool, bool) {
	h, n, ok := fc.char(buf, s, i, true)
	if h == 0 {
		return flags, i, false, ok
	}
	return flags | h, i + n, true, ok
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
