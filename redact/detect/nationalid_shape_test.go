package detect

import (
	"math/rand/v2"
	"testing"
)

// nidMatchRef is the byte-by-byte reference of nidShape.match: it reports whether raw has the shape of pattern p (same length): '#' is a letter or digit,
// '_' any of " .-/", other bytes stand for themselves.
func nidMatchRef(p, raw string) bool {
	for i := 0; i < len(p); i++ {
		c := raw[i]
		switch p[i] {
		case '#':
			if !nidAlnum(c) {
				return false
			}
		case '_':
			if c != ' ' && c != '.' && c != '-' && c != '/' {
				return false
			}
		default:
			if c != p[i] {
				return false
			}
		}
	}
	return true
}

// TestNIDShape checks nidShape.match against the byte-by-byte reference on every pattern, with
// candidates built from the pattern and mutated, and random ones.
func TestNIDShape(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	const alphabet = "0123456789AZaz .-/+#_x"
	n := 0
	for _, ps := range nidByLen {
		for _, p := range ps {
			for range 200 {
				b := []byte(p.pat)
				for i := range b {
					switch b[i] {
					case '#':
						b[i] = "0123456789ABCxyz"[r.IntN(16)]
					case '_':
						b[i] = " .-/"[r.IntN(4)]
					}
				}
				for range r.IntN(3) {
					b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
				}
				raw := string(b)
				n++
				if got, want := p.shape.match(nidClassify(raw), raw), nidMatchRef(p.pat, raw); got != want {
					t.Fatalf("pattern %q, candidate %q: shape %v, reference %v", p.pat, raw, got, want)
				}
			}
		}
	}
	t.Logf("%d candidates checked", n)
}
