package redact

import (
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"",
	"plain ascii text",
	"test@exam\u200bple.com",
	"４１１１ １１１１ １１１１ １１１１",
	"IBAN\u00a0DE44\u202f5001 0517",
	"Jür\u00adgen Mül\u00adler",
	"030\u2013123\u2014456",
	"Jose\u0301 Garci\u0301a",
	"٠١٢٣٤٥٦٧٨٩",
	"ﬁle ½ x² \ufb03",
	"a\xffb\xc3",
	"\u0301\u0301\u0301",
	"e" + string(make([]rune, 0)) + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310\u0311\u0312\u0313\u0314\u0315\u0316\u0317\u0318\u0319\u031a\u031b\u031c\u031d\u031e\u031f\u0320\u0321",
	"한국어 텍스트 ᄀ\u1161\u11a8",
	"Grüße aus Kraków, Mădălina Ionescu",
	"Å\u0301 u\u0308\u0304 ü\u0304 ALL CAPS AND ÉÈ ΣΑΣ ДОМ İI",
	"Ⅻ ǅ ſ Ĳ ŉ ǈ ＡＢＣ",
}

// FuzzText checks the invariants of the normalized view and that the fast paths agree with a plain
// NFKC pass over the whole text.
func FuzzText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := NewText(s)
		checkText(t, x)
		refNorm, refOffs := refNormalize(s)
		if x.Norm != refNorm {
			t.Fatalf("Norm = %q, reference %q", x.Norm, refNorm)
		}
		// Invalid bytes may be grouped differently, and the fast paths may split segments the NFKC
		// iterator keeps whole; checkText verifies that every grouping maps correctly.
		if x.offs != nil && utf8.ValidString(s) && !finerOffsets(x.offs, refOffs) {
			t.Fatalf("offs = %v, reference %v", x.offs, refOffs)
		}
		if want := refLower(x.Norm); x.Lower != want {
			t.Fatalf("Lower = %q, reference %q", x.Lower, want)
		}
		checkIndex(t, x)
		// The tokenizer that checks stability on the way agrees with isStable.
		z := Text{Norm: s}
		if got, want := z.tokenize(true), isStable(s); got != want {
			t.Fatalf("tokenize(true) = %v, isStable %v", got, want)
		}
		// A reused Text gives the same view.
		var y Text
		y.Reset("ＸＸ\u200b" + s)
		y.Reset(s)
		if y.Norm != x.Norm || y.Lower != x.Lower || !slices.Equal(y.Tokens, x.Tokens) {
			t.Fatalf("reused Text differs")
		}
	})
}

// tokenDetector reports findings derived from the tokens: single tokens, pairs of tokens and spans
// that start or end mid-token, with types and confidences taken from the token bytes.
type tokenDetector struct{}

func (tokenDetector) Types() []Type { return AllTypes() }
func (tokenDetector) MaxLen() int   { return 1 << 20 }
func (tokenDetector) Detect(t *Text, dst []Finding) []Finding {
	for i, k := range t.Tokens {
		h := int(t.Norm[k.Start])
		typ := Type(1 + h%int(numTypes-1))
		conf := float64(h%10+1) / 10
		switch h % 4 {
		case 0:
			dst = append(dst, Finding{Type: typ, Start: k.Start, End: k.End, Confidence: conf})
		case 1:
			if i+1 < len(t.Tokens) {
				dst = append(dst, Finding{Type: typ, Start: k.Start, End: t.Tokens[i+1].End, Confidence: conf})
			}
		case 2:
			dst = append(dst, Finding{Type: typ, Start: k.Start + k.Len()/2, End: k.End + 1, Confidence: conf})
		case 3:
			dst = append(dst, Finding{Type: typ, Start: k.Start - 1, End: k.End - 1, Confidence: conf})
		}
	}
	return dst
}

// FuzzScan checks the Scanner's contract on arbitrary text and arbitrary (even invalid) findings:
// no panic, offsets in range and on rune boundaries of the original, sorted and non-overlapping,
// and every letter or digit some detector flagged still covered after overlap resolution.
func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 0.0)
	}
	f.Add("aa bb cc dd ee ff", 0.5)
	s := NewScanner(tokenDetector{})
	f.Fuzz(func(t *testing.T, text string, minConf float64) {
		fs := s.ScanWith(text, ScanOptions{MinConfidence: minConf}, nil)
		checkFindings(t, text, fs)
		// Raw findings, mapped the way the Scanner maps them.
		x := NewText(text)
		covered := make([]bool, len(text))
		for _, f := range fs {
			for i := f.Start; i < f.End; i++ {
				covered[i] = true
			}
		}
		raw := tokenDetector{}.Detect(x, nil)
		if len(raw) > maxCarve {
			return // a union group may have been formed; coverage still holds but is not per-piece
		}
		for _, r := range raw {
			if r.Start < 0 || r.End > len(x.Norm) || r.End <= r.Start || r.Confidence < minConf {
				continue
			}
			os, oe := x.OrigSpan(r.Start, r.End)
			for i := os; i < oe; i++ {
				if c := text[i]; !covered[i] && (c >= 0x80 || hasAlnum(text[i:i+1])) {
					t.Fatalf("byte %d of raw finding [%d,%d) not covered by %+v", i, os, oe, fs)
				}
			}
		}
		_ = Replace(text, fs, Placeholder)
	})
}

// refLower lower-cases each rune of s whose lower case has the same UTF-8 length.
func refLower(s string) string {
	var b []byte
	for _, r := range s {
		if l := unicode.ToLower(r); (unicode.IsUpper(r) || unicode.IsTitle(r)) && utf8.RuneLen(l) == utf8.RuneLen(r) {
			r = l
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// checkIndex compares the tokens, flags, Lower and anchor lists of x with the byte-at-a-time
// reference.
func checkIndex(t *testing.T, x *Text) {
	t.Helper()
	toks, all := refTokenize(x.Norm)
	if !slices.Equal(x.Tokens, toks) || x.Flags != all {
		t.Fatalf("Tokens = %v (flags %06b), reference %v (%06b)", x.Tokens, x.Flags, toks, all)
	}
	if want := refFold(x.Norm); x.Lower != want {
		t.Fatalf("Lower = %q, reference %q", x.Lower, want)
	}
	var dig, up, caps, pairs []int32
	for i, k := range toks {
		if w := x.Norm[k.Start:k.End]; k.Flags&NonASCII == 0 && len(w) >= 2 && 'A' <= w[0] && w[0] <= 'Z' &&
			'A' <= w[1] && w[1] <= 'Z' {
			pairs = append(pairs, int32(i))
		}
		if k.Flags&HasDigit != 0 {
			dig = append(dig, int32(i))
		}
		if k.Flags&HasUpper != 0 {
			up = append(up, int32(i))
		}
		if k.Flags&(HasUpper|HasLower) == HasUpper {
			caps = append(caps, int32(i))
		}
	}
	if !slices.Equal(x.DigitTokens(), dig) || !slices.Equal(x.UpperTokens(), up) || !slices.Equal(x.CapsTokens(), caps) {
		t.Fatalf("anchors %v %v %v, reference %v %v %v", x.DigitTokens(), x.UpperTokens(), x.CapsTokens(), dig, up, caps)
	}
	if !slices.Equal(x.UpperPairTokens(), pairs) {
		t.Fatalf("UpperPairTokens = %v, reference %v", x.UpperPairTokens(), pairs)
	}
}
