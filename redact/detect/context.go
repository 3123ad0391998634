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

// windowWords is a list of context words for hasWord, split for speed: the words that are runs of
// letters and digits go into a set that an ASCII window answers with one lookup per word it holds.
type windowWords struct {
	all    []string
	single *wordSet // the words made of letters and digits only
	rest   []string // the others ("credit card", "geb.")
}

func newWindowWords(words ...string) *windowWords {
	c := &windowWords{all: words, single: newWordSet()}
	for _, w := range words {
		if isAlnumWord(w) {
			c.single.add(w)
		} else {
			c.rest = append(c.rest, w)
		}
	}
	return c
}

// in reports what hasWord(window, c.all) reports. In an ASCII window a whole-word occurrence of a
// word of letters and digits is exactly a maximal run of letters and digits equal to it.
func (c *windowWords) in(window string) bool {
	if !isASCII(window) {
		return hasWord(window, c.all)
	}
	for i := 0; i < len(window); {
		if !isAlnumASCII(window[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(window) && isAlnumASCII(window[j]) {
			j++
		}
		if c.single.has(window[i:j]) {
			return true
		}
		i = j
	}
	return hasWord(window, c.rest)
}

func isAlnumWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !isWordRune(r) || r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

func isAlnumASCII(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
