package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// hasWord reports whether window (already lower-cased, as redact.Text.Lower is) contains any of
// words as a whole word: the characters on either side of the match are not letters or digits.
// Words are lower-case and may contain spaces or punctuation ("date of birth", "geb.").
func hasWord(window string, words []string) bool {
	for _, w := range words {
		if indexWord(window, w) >= 0 {
			return true
		}
	}
	return false
}

// indexWord returns the offset of the last whole-word occurrence of w in s, or -1.
func indexWord(s, w string) int {
	end := len(s)
	for end > 0 {
		i := strings.LastIndex(s[:end], w)
		if i < 0 {
			return -1
		}
		if boundaryBefore(s, i) && boundaryAfter(s, i+len(w), w) {
			return i
		}
		end = i + len(w) - 1
	}
	return -1
}

func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func boundaryAfter(s string, j int, w string) bool {
	if j >= len(s) {
		return true
	}
	// A word that ends in punctuation ("geb.", "n°") needs no boundary after it.
	if last, _ := utf8.DecodeLastRuneInString(w); !isWordRune(last) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return !isWordRune(r)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
