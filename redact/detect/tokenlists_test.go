package detect

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// TestNumberLists checks each list of listNumberTokens against the tests it stands for, on random
// runs of numbers, codes, words and the bytes those tests read before a number.
func TestNumberLists(t *testing.T) {
	t.Parallel()
	pieces := []string{"1", "12", "123", "1234", "12345", "123456", "0301234567", "4111111111111111",
		"12345678901234567890", "5a", "12ab", "DE89", "x1", "AB", "QQ", "X", "word", "Word", "é", "1\u0301",
		"١٢٣", "１２３"}
	seps := []string{" ", "  ", "-", ".", "/", "_", "#", "# ", "+", "(", ")", "$", "@", "=", "&", "%", "\\",
		", ", ". ", ":", "a+", "1+", "-(", "é(", "\n", ""}
	r := rand.New(rand.NewPCG(1, 2))
	var x redact.Text
	for range 20000 {
		var b strings.Builder
		for n := r.IntN(12); n >= 0; n-- {
			b.WriteString(seps[r.IntN(len(seps))])
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		x.Reset(b.String())
		s, toks := x.Norm, x.Tokens
		want := make([][]int32, numLists)
		for _, a := range x.DigitTokens() {
			i, k := int(a), toks[a]
			add := func(l int, ok bool) {
				if ok {
					want[l] = append(want[l], a)
				}
			}
			add(listPhone, k.AllDigits() && !k.Is(redact.NonASCII) && phoneFresh(s, toks, i, math.MaxInt))
			add(listCard, cardStart(s, toks, i))
			add(listIBAN, k.Len() >= 4 && k.Is(redact.HasLetter) && !k.Is(redact.NonASCII))
			add(listIPv4, ipv4Joined(s, toks, i))
			add(listNID, nidStartToken(s, k) && nidFreeBefore(&x, i))
			add(listHouse, houseListed(&x, i))
		}
		for _, a := range x.CapsTokens() {
			if k := toks[a]; k.Flags&redact.HasDigit == 0 && nidStartToken(s, k) && nidFreeBefore(&x, int(a)) {
				want[listNIDCaps] = append(want[listNIDCaps], a)
			}
		}
		got := x.Lists(numberLister)
		for l := range numLists {
			if !slices.Equal(got[l], want[l]) {
				t.Fatalf("%q: list %d is %v, want %v", b.String(), l, got[l], want[l])
			}
		}
	}
}
