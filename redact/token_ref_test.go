package redact

import (
	"unicode"
	"unicode/utf8"
)

// Plain references for the table-driven, word-at-a-time fold and tokenizer, which the fuzz tests
// compare them with.

// refFold returns s with letters lower-cased wherever that keeps the byte length.
func refFold(s string) string {
	buf := []byte(s)
	for i := 0; i < len(buf); {
		c := buf[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
				utf8.EncodeRune(buf[i:], l)
			}
		}
		i += size
	}
	return string(buf)
}

// refTokenize splits s into maximal runs of letters, digits and combining marks (a mark continues a
// token but does not start one) and returns them with the union of their flags.
func refTokenize(s string) ([]Token, TokenFlag) {
	var toks []Token
	var all TokenFlag
	class := func(i int, inToken bool) (TokenFlag, int) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case '0' <= c && c <= '9':
				return HasDigit, 1
			case 'a' <= c && c <= 'z':
				return HasLetter | HasLower, 1
			case 'A' <= c && c <= 'Z':
				return HasLetter | HasUpper, 1
			}
			return 0, 1
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		return runeClass(r, inToken), size
	}
	for i := 0; i < len(s); {
		f, size := class(i, false)
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
			f, size := class(i, true)
			if f == 0 {
				break
			}
			flags |= f
			i += size
		}
		toks = append(toks, Token{Start: start, End: i, Flags: flags})
		all |= flags
	}
	return toks, all
}
