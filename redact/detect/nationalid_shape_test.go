package detect

import (
	"math/rand/v2"
	"testing"

	"github.com/veil-privacy/veil/redact"
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

// nidClassify returns the classes of raw's bytes, byte by byte (the reference of the classes that
// NationalID.Detect builds token by token).
func nidClassify(raw string) nidClasses {
	var c nidClasses
	for i := 0; i < len(raw); i++ {
		switch b := raw[i]; {
		case nidAlnum(b):
			c.alnum |= 1 << i
		case b == ' ' || b == '.' || b == '-' || b == '/':
			c.sep |= 1 << i
		}
	}
	return c
}

// TestNIDShape checks nidShape.match against the byte-by-byte reference on every pattern, with
// candidates built from the pattern and mutated, and random ones.
// nidRunFrom makes a run from pattern pat ('#' a digit or letter, '_' a separator), then changes up
// to two of its bytes to anything a run may hold.
func nidRunFrom(r *rand.Rand, pat string) string {
	const alphabet = "0123456789AZaz .-/+#_x"
	b := []byte(pat)
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
	return string(b)
}

func TestNIDShape(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	n := 0
	for _, ps := range nidByLen {
		for _, p := range ps {
			for range 200 {
				raw := nidRunFrom(r, p.pat)
				n++
				if got, want := p.shape.match(nidClassify(raw), raw), nidMatchRef(p.pat, raw); got != want {
					t.Fatalf("pattern %q, candidate %q: shape %v, reference %v", p.pat, raw, got, want)
				}
			}
		}
	}
	t.Logf("%d candidates checked", n)
}

// TestNIDClassesByToken checks the classes built token by token against those built byte by byte,
// on runs of tokens joined by single separators.
func TestNIDClassesByToken(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(6, 6))
	for range 2000 {
		var b []byte
		for n := 1 + r.IntN(5); n > 0 && len(b) < nidMaxPat-4; n-- {
			if len(b) > 0 {
				b = append(b, " .-/+"[r.IntN(5)])
			}
			for m := 1 + r.IntN(4); m > 0; m-- {
				b = append(b, "0123456789ABCxyz"[r.IntN(16)])
			}
		}
		raw := string(b)
		txt := redact.NewText(raw)
		var c nidClasses
		for j, k := range txt.Tokens {
			if j > 0 {
				prev := txt.Tokens[j-1].End
				c.addSep(raw[prev], prev)
			}
			c.addToken(k.Start, k.End)
		}
		if want := nidClassify(raw); c != want {
			t.Fatalf("%q: by token %+v, by byte %+v", raw, c, want)
		}
	}
}

// TestNIDMayMatch checks the filter of runs by length: it passes every run that a pattern of its
// length matches, and rejects the common runs that none matches.
func TestNIDMayMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, raw string
		want      bool
	}{
		{desc: "eleven digits", raw: "12345678901", want: true},
		{desc: "NINO in groups", raw: "QQ 12 34 56 C", want: true},
		{desc: "DE tax id in groups", raw: "12 345 678 901", want: true},
		{desc: "NL BSN with dots", raw: "1112.22.333", want: true},
		{desc: "date", raw: "12.03.1985", want: false},
		{desc: "card in groups", raw: "4111 1111 1111 1111", want: false},
		{desc: "no pattern of this length", raw: "12345678901234567", want: false},
		{desc: "separator where every pattern has a digit", raw: "12 4567890", want: false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := nidMayMatch(nidClassify(tc.raw), len(tc.raw)); got != tc.want {
				t.Errorf("nidMayMatch(%q) = %v, want %v", tc.raw, got, tc.want)
			}
		})
	}
	// Every run that a pattern matches passes: runs made from each pattern and mutated.
	r := rand.New(rand.NewPCG(8, 8))
	for _, ps := range nidByLen {
		for _, p := range ps {
			for range 200 {
				raw := nidRunFrom(r, p.pat)
				if c := nidClassify(raw); p.shape.match(c, raw) && !nidMayMatch(c, len(raw)) {
					t.Fatalf("pattern %q matches %q, which nidMayMatch rejects", p.pat, raw)
				}
			}
		}
	}
}

// TestNIDPatternAfter checks what nidJudge's early stop and its late scoring of wrong checksums
// rely on: no verdict in any context scores a pattern above its maxConf, a wrong checksum scores
// nidConfBadSum or 0 and any other verdict 0 or more, and each pattern's after is the highest
// maxConf of the patterns after it.
func TestNIDPatternAfter(t *testing.T) {
	t.Parallel()
	const start = 100
	for n, ps := range nidByLen {
		for k, p := range ps {
			contexts := []struct {
				desc          string
				before, after nidClass
			}{
				{desc: "none"},
				{desc: "own word before", before: p.s.class},
				{desc: "own word after", after: p.s.class},
				{desc: "generic word before", before: nidClassGeneric},
				{desc: "generic word after", after: nidClassGeneric},
				{desc: "own and generic", before: p.s.class | nidClassGeneric},
				{desc: "negative word", before: nidClassNegative},
			}
			for _, c := range contexts {
				ctx := nidContext{afterRead: true, after: c.after, nearAf: c.after}
				if c.before != 0 {
					ctx.n, ctx.ends[0], ctx.masks[0] = 1, start-1, c.before
				}
				for _, v := range []nidVerdict{nidBadSum, nidWeak, nidValid} {
					got := nidScore(p, v, &ctx, start)
					if got > p.maxConf() {
						t.Errorf("%q (%s), verdict %d, %s: score %v above maxConf %v", p.pat, p.s.sub, v, c.desc, got, p.maxConf())
					}
					// nidJudge scores a wrong checksum last: it must score nidConfBadSum or 0,
					// and every other verdict 0 or more.
					if v == nidBadSum && got != 0 && got != nidConfBadSum || v != nidBadSum && got != 0 && got <= nidConfBadSum {
						t.Errorf("%q (%s), verdict %d, %s: score %v", p.pat, p.s.sub, v, c.desc, got)
					}
				}
			}
			want := 0.0
			for _, q := range ps[k+1:] {
				want = max(want, q.maxConf())
			}
			if p.after != want {
				t.Errorf("length %d, pattern %d %q: after %v, want %v", n, k, p.pat, p.after, want)
			}
		}
	}
}
