package detect

import (
	"strings"
	"testing"
)

// FuzzWindowWords checks that windowWords.in answers what hasWord answers over the whole list.
func FuzzWindowWords(f *testing.F) {
	for _, s := range []string{
		"paid with my card", "mycard 4111", "credit card:", "card", "ard 1234", "scard", "cards1",
		"visa-card", "carte bancaire", "kartą płatność", "version 1.2", "v1.2.3.4", "section", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToLower(s)
		for _, ws := range []*windowWords{cardWords, ipVersionWords} {
			if got, want := ws.in(s), hasWord(s, ws.all); got != want {
				t.Fatalf("in(%q) = %v, hasWord %v", s, got, want)
			}
		}
	})
}
