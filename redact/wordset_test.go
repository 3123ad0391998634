package redact

import (
	"fmt"
	"strings"
	"testing"
)

func TestWordSet(t *testing.T) {
	t.Parallel()
	ws := NewWordSet("Straße", "rue", "via", "calle", "ulica", "strada", "street", "ul", "RUE", "")
	if ws.Len() != 8 {
		t.Errorf("Len = %d, want 8", ws.Len())
	}
	tests := []struct {
		desc string
		word string
		want bool
	}{
		{desc: "ascii word", word: "rue", want: true},
		{desc: "lower-cased on insert", word: "straße", want: true},
		{desc: "short word", word: "ul", want: true},
		{desc: "not lower-case", word: "Rue", want: false},
		{desc: "prefix", word: "stra", want: false},
		{desc: "longer", word: "streets", want: false},
		{desc: "empty", word: "", want: false},
		{desc: "same first byte", word: "sxreet", want: false},
	}
	for _, tc := range tests {
		if got := ws.Has(tc.word); got != tc.want {
			t.Errorf("%s: Has(%q) = %v", tc.desc, tc.word, got)
		}
	}
	x := NewText("Wohnt in der Hauptstraße, nicht in der RUE de la Paix oder Via Roma.")
	var found []string
	for i := range x.Tokens {
		if ws.HasToken(x, i) {
			found = append(found, x.TokenText(i))
		}
	}
	if got := strings.Join(found, ","); got != "RUE,Via" {
		t.Errorf("HasToken found %q, want RUE,Via", got)
	}
	// Hashes are per view: a reused Text must not keep the previous message's.
	x.Reset("via")
	if !ws.HasToken(x, 0) {
		t.Error("HasToken after Reset")
	}
	x.Reset("rue")
	if !ws.HasToken(x, 0) {
		t.Error("HasToken after second Reset")
	}
}

func TestWordSetLarge(t *testing.T) {
	t.Parallel()
	var words []string
	for i := range 5000 {
		words = append(words, fmt.Sprintf("w%dx", i))
	}
	ws := NewWordSet(words...)
	for i := range 5000 {
		if !ws.Has(fmt.Sprintf("w%dx", i)) || ws.Has(fmt.Sprintf("w%dy", i)) {
			t.Fatalf("lookup %d wrong", i)
		}
	}
}

// BenchmarkWordSet compares HasToken with a map[string] lookup on every token, three sets asking
// about the same tokens as three detectors would.
func BenchmarkWordSet(b *testing.B) {
	words := strings.Fields("straße strasse str weg gasse platz allee ring damm ufer rue avenue boulevard " +
		"chemin impasse via viale piazza corso calle avenida plaza paseo straat laan plein gracht ulica " +
		"aleja plac strada bulevardul calea street road lane drive close court")
	names := strings.Fields("anna maria jürgen hans peter marie jean pierre giulia marco josé carmen sanne " +
		"daan łukasz anna mădălina andrei oliver emma chloé louis")
	phrases := strings.Fields("name heiße bin appelle chiamo llamo naam heet nazywam numele called")
	for i := range 20000 { // a gazetteer-sized set
		names = append(names, fmt.Sprintf("%c%cname%d", 'a'+i%26, 'a'+i/26%26, i))
	}
	text := strings.Repeat("Hello, I would like to know when my order will arrive, it has been a week. ", 14)
	var x Text
	x.Reset(text)
	b.Run("map", func(b *testing.B) {
		sets := []map[string]struct{}{{}, {}, {}}
		for i, l := range [][]string{words, names, phrases} {
			for _, w := range l {
				sets[i][w] = struct{}{}
			}
		}
		n := 0
		for b.Loop() {
			for i, k := range x.Tokens {
				_ = i
				for _, s := range sets {
					if _, ok := s[x.Lower[k.Start:k.End]]; ok {
						n++
					}
				}
			}
		}
	})
	b.Run("WordSet", func(b *testing.B) {
		sets := []*WordSet{NewWordSet(words...), NewWordSet(names...), NewWordSet(phrases...)}
		n := 0
		for b.Loop() {
			x.wbits = x.wbits[:0] // as after Reset
			for i := range x.Tokens {
				for _, s := range sets {
					if s.HasToken(&x, i) {
						n++
					}
				}
			}
		}
	})
}
