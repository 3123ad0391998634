package redact

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		norm string
	}{
		{desc: "ascii unchanged", in: "Call me at +49 30 1234567.", norm: "Call me at +49 30 1234567."},
		{desc: "empty", in: "", norm: ""},
		{desc: "zero-width space inside an email", in: "test@exam\u200bple.com", norm: "test@example.com"},
		{desc: "zero-width joiner and non-joiner", in: "a\u200cb\u200dc\u2060d\ufeffe", norm: "abcde"},
		{desc: "full-width card digits", in: "４１１１ １１１１ １１１１ １１１１", norm: "4111 1111 1111 1111"},
		{desc: "full-width at sign", in: "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", norm: "john@example.com"},
		{desc: "nbsp and narrow nbsp", in: "IBAN\u00a0DE44\u202f5001", norm: "IBAN DE44 5001"},
		{desc: "thin, em and ideographic spaces", in: "a\u2009b\u2003c\u3000d", norm: "a b c d"},
		{desc: "soft hyphen dropped", in: "Jür\u00adgen", norm: "Jürgen"},
		{desc: "en and em dashes", in: "030\u2013123\u2014456", norm: "030-123-456"},
		{desc: "minus and non-breaking hyphen", in: "1\u22122\u20113", norm: "1-2-3"},
		{desc: "combining acute composes", in: "Jose\u0301 Rene\u0301e", norm: "José Renée"},
		{desc: "combining mark at start", in: "\u0301abc", norm: "\u0301abc"},
		{desc: "Arabic-Indic digits", in: "٠١٢٣٤٥٦٧٨٩", norm: "0123456789"},
		{desc: "extended Arabic-Indic digits", in: "۰۱۲۳۴۵۶۷۸۹", norm: "0123456789"},
		{desc: "Devanagari digits", in: "०१२३", norm: "0123"},
		{desc: "mathematical bold digits", in: "\U0001D7CF\U0001D7D0", norm: "12"},
		{desc: "ligature expands", in: "ﬁle", norm: "file"},
		{desc: "bidi marks dropped", in: "\u202a+49\u202c \u200e30", norm: "+49 30"},
		{desc: "variation selector dropped", in: "a\ufe0fb", norm: "ab"},
		{desc: "invalid utf-8 becomes U+FFFD", in: "a\xffb", norm: "a\ufffdb"},
		{desc: "accented text is stable", in: "Grüße aus Kraków, Mădălina", norm: "Grüße aus Kraków, Mădălina"},
		{desc: "fraction is compatibility-mapped", in: "½", norm: "1⁄2"},
		{desc: "superscript digit", in: "x²", norm: "x2"},
		{desc: "line separator is a space", in: "a\u2028b", norm: "a b"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			x := NewText(tc.in)
			if x.Norm != tc.norm {
				t.Errorf("Norm = %q, want %q", x.Norm, tc.norm)
			}
			if len(x.Lower) != len(x.Norm) {
				t.Errorf("len(Lower) = %d, len(Norm) = %d", len(x.Lower), len(x.Norm))
			}
			if !utf8.ValidString(x.Norm) {
				t.Errorf("Norm %q is not valid UTF-8", x.Norm)
			}
			checkText(t, x)
		})
	}
}

func TestOrigSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		find string // substring of Norm to map back
		want string // the original bytes it must map to
	}{
		{desc: "ascii identity", in: "mail a@b.de now", find: "a@b.de", want: "a@b.de"},
		{desc: "zero-width inside", in: "mail test@exam\u200bple.com now", find: "test@example.com", want: "test@exam\u200bple.com"},
		{desc: "full-width digits", in: "card ４１１１ １１１１ １１１１ １１１１!", find: "4111 1111 1111 1111", want: "４１１１ １１１１ １１１１ １１１１"},
		{desc: "nbsp inside", in: "IBAN DE44\u00a05001 0517", find: "DE44 5001 0517", want: "DE44\u00a05001 0517"},
		{desc: "soft hyphen inside a name", in: "Hi Jür\u00adgen Mül\u00adler!", find: "Jürgen Müller", want: "Jür\u00adgen Mül\u00adler"},
		{desc: "combining mark composes", in: "Hi Jose\u0301 Garci\u0301a.", find: "José García", want: "Jose\u0301 Garci\u0301a"},
		{desc: "en dash in phone", in: "ruf 030\u2013123456 an", find: "030-123456", want: "030\u2013123456"},
		{desc: "Arabic-Indic digits", in: "رقم ٠١٢٣٤٥٦٧٨٩ هنا", find: "0123456789", want: "٠١٢٣٤٥٦٧٨٩"},
		{desc: "half a ligature widens to it", in: "x ﬁle y", find: "i", want: "ﬁ"},
		{desc: "stable non-ascii", in: "Grüße Jürgen Müller!", find: "Jürgen Müller", want: "Jürgen Müller"},
		{desc: "at the end", in: "Name: Zoë", find: "Zoë", want: "Zoë"},
		{desc: "zero-width at the end", in: "Name: Zoe\u200b", find: "Zoe", want: "Zoe\u200b"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			x := NewText(tc.in)
			i := strings.Index(x.Norm, tc.find)
			if i < 0 {
				t.Fatalf("%q not in Norm %q", tc.find, x.Norm)
			}
			s, e := x.OrigSpan(i, i+len(tc.find))
			if got := tc.in[s:e]; got != tc.want {
				t.Errorf("OrigSpan maps %q to %q, want %q", tc.find, got, tc.want)
			}
			red := Replace(tc.in, []Finding{{Type: Email, Start: s, End: e, Confidence: 1}}, Placeholder)
			if strings.Contains(red, tc.want) {
				t.Errorf("Replace left %q in %q", tc.want, red)
			}
		})
	}
}

func TestOrigSpanMidRune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc       string
		in         string
		start, end int
		want       string
	}{
		{desc: "stable text, span starts inside ü", in: "aüb", start: 2, end: 4, want: "üb"},
		{desc: "stable text, span ends inside ü", in: "aüb", start: 0, end: 2, want: "aü"},
		{desc: "normalized text, span inside é", in: "e\u0301x\u200b", start: 1, end: 2, want: "e\u0301"},
		{desc: "clamped", in: "abc", start: -3, end: 99, want: "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			x := NewText(tc.in)
			s, e := x.OrigSpan(tc.start, tc.end)
			if got := tc.in[s:e]; got != tc.want {
				t.Errorf("OrigSpan(%d, %d) = %q, want %q", tc.start, tc.end, got, tc.want)
			}
		})
	}
}

func TestLower(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, in, lower string
	}{
		{desc: "ascii", in: "Date Of BIRTH", lower: "date of birth"},
		{desc: "already lower", in: "geb. am", lower: "geb. am"},
		{desc: "latin letters", in: "ÉCOLE Straße ŁÓDŹ", lower: "école straße łódź"},
		{desc: "length-changing fold skipped", in: "İstanbul", lower: "İstanbul"},
		{desc: "normalized then folded", in: "ＩＢＡＮ", lower: "iban"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := NewText(tc.in).Lower; got != tc.lower {
				t.Errorf("Lower = %q, want %q", got, tc.lower)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	type tok struct {
		text  string
		flags TokenFlag
	}
	tests := []struct {
		desc string
		in   string
		want []tok
	}{
		{desc: "words and numbers", in: "Hi Anna, call 030-1234!", want: []tok{
			{"Hi", HasLetter | HasUpper | HasLower | InitUpper},
			{"Anna", HasLetter | HasUpper | HasLower | InitUpper},
			{"call", HasLetter | HasLower},
			{"030", HasDigit},
			{"1234", HasDigit},
		}},
		{desc: "mixed alphanumeric", in: "DE44500105175407324931 x1", want: []tok{
			{"DE44500105175407324931", HasLetter | HasDigit | HasUpper | InitUpper},
			{"x1", HasLetter | HasDigit | HasLower},
		}},
		{desc: "non-ascii letters", in: "Łukasz Wróbel ß", want: []tok{
			{"Łukasz", HasLetter | HasUpper | HasLower | InitUpper | NonASCII},
			{"Wróbel", HasLetter | HasUpper | HasLower | InitUpper | NonASCII},
			{"ß", HasLetter | HasLower | NonASCII},
		}},
		{desc: "combining mark continues a token", in: "q\u0301x \u0301y", want: []tok{
			{"q\u0301x", HasLetter | HasLower | NonASCII},
			{"y", HasLetter | HasLower},
		}},
		{desc: "full-width digits become ascii", in: "１２３", want: []tok{{"123", HasDigit}}},
		{desc: "no tokens", in: " -- ., ", want: nil},
		{desc: "apostrophe splits", in: "d'Artagnan", want: []tok{
			{"d", HasLetter | HasLower},
			{"Artagnan", HasLetter | HasUpper | HasLower | InitUpper},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			x := NewText(tc.in)
			var got []tok
			for i, k := range x.Tokens {
				got = append(got, tok{x.TokenText(i), k.Flags})
			}
			if len(got) != len(tc.want) {
				t.Fatalf("tokens = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("token %d = %q %06b, want %q %06b", i, got[i].text, got[i].flags, tc.want[i].text, tc.want[i].flags)
				}
			}
		})
	}
}

func TestTokenHelpers(t *testing.T) {
	t.Parallel()
	x := NewText("ab 12 c3")
	tests := []struct {
		desc      string
		pos       int
		wantIndex int
	}{
		{desc: "inside first", pos: 1, wantIndex: 0},
		{desc: "space before second", pos: 2, wantIndex: 1},
		{desc: "start of third", pos: 6, wantIndex: 2},
		{desc: "past the end", pos: 8, wantIndex: 3},
	}
	for _, tc := range tests {
		if got := x.TokenAt(tc.pos); got != tc.wantIndex {
			t.Errorf("%s: TokenAt(%d) = %d, want %d", tc.desc, tc.pos, got, tc.wantIndex)
		}
	}
	if !x.Tokens[1].AllDigits() || x.Tokens[2].AllDigits() || x.Tokens[0].AllDigits() {
		t.Error("AllDigits wrong")
	}
	if got := x.Before(3, 100); got != "ab " {
		t.Errorf("Before = %q", got)
	}
	if got := x.After(3, 2); got != "12" {
		t.Errorf("After = %q", got)
	}
	y := NewText("éé")
	if got := y.Before(4, 1); got != "" {
		t.Errorf("Before cut mid-rune: %q", got)
	}
	if got := y.After(0, 3); got != "é" {
		t.Errorf("After cut mid-rune: %q", got)
	}
}

func TestResetReuse(t *testing.T) {
	t.Parallel()
	inputs := []string{"Ａｂｃ ＤＥＦ", "plain ascii", "Grüße", "x\u200by Z", "", "ＺＺ\u00a0１"}
	var x Text
	for _, in := range inputs {
		x.Reset(in)
		fresh := NewText(in)
		if x.Norm != fresh.Norm || x.Lower != fresh.Lower || len(x.Tokens) != len(fresh.Tokens) {
			t.Errorf("Reset(%q) = %q/%q, fresh %q/%q", in, x.Norm, x.Lower, fresh.Norm, fresh.Lower)
		}
		checkText(t, &x)
	}
}

// TestDigitRanges checks the assumption digitValue relies on.
func TestDigitRanges(t *testing.T) {
	t.Parallel()
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("Nd range %U-%U is not whole 0-9 runs", rg.Lo, rg.Hi)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("Nd range %U-%U is not whole 0-9 runs", rg.Lo, rg.Hi)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		d := digitValue(r)
		if unicode.Is(unicode.Nd, r) != (d >= 0) {
			t.Fatalf("digitValue(%U) = %d", r, d)
		}
	}
}

// checkText verifies the invariants of a Text view.
func checkText(t *testing.T, x *Text) {
	t.Helper()
	if len(x.Lower) != len(x.Norm) {
		t.Fatalf("len(Lower) %d != len(Norm) %d", len(x.Lower), len(x.Norm))
	}
	if x.offs != nil {
		if len(x.offs) != len(x.Norm)+1 {
			t.Fatalf("len(offs) = %d, want %d", len(x.offs), len(x.Norm)+1)
		}
		if int(x.offs[len(x.Norm)]) != len(x.Orig) {
			t.Fatalf("offs[end] = %d, want %d", x.offs[len(x.Norm)], len(x.Orig))
		}
		for i := 1; i < len(x.offs); i++ {
			if x.offs[i] < x.offs[i-1] {
				t.Fatalf("offs not monotonic at %d", i)
			}
		}
	} else if x.Norm != x.Orig {
		t.Fatalf("no offset map but Norm %q != Orig %q", x.Norm, x.Orig)
	}
	prev := 0
	var all TokenFlag
	for _, k := range x.Tokens {
		all |= k.Flags
	}
	if all != x.Flags {
		t.Fatalf("Flags = %06b, union of token flags %06b", x.Flags, all)
	}
	for i, k := range x.Tokens {
		if k.Start < prev || k.End <= k.Start || k.End > len(x.Norm) {
			t.Fatalf("token %d [%d,%d) out of order or range", i, k.Start, k.End)
		}
		prev = k.End
	}
	// Every span of whole characters of Norm maps to whole characters of Orig, monotonically.
	var bounds []int
	for i := range x.Norm {
		bounds = append(bounds, i)
	}
	bounds = append(bounds, len(x.Norm))
	lastS, lastE := 0, 0
	for _, i := range bounds {
		s, e := x.OrigSpan(0, i)
		if s > e || e < lastE || e > len(x.Orig) {
			t.Fatalf("OrigSpan(0, %d) = %d, %d", i, s, e)
		}
		if !runeBoundary(x.Orig, e) {
			t.Fatalf("OrigSpan(0, %d) ends mid-rune at %d", i, e)
		}
		lastE = e
		s, e = x.OrigSpan(i, len(x.Norm))
		if s < lastS || e != len(x.Orig) || !runeBoundary(x.Orig, s) {
			t.Fatalf("OrigSpan(%d, end) = %d, %d", i, s, e)
		}
		lastS = s
	}
	// Round trip: normalizing the original bytes of a span gives back at least the span.
	for j := 1; j < len(bounds); j++ {
		i0, i1 := bounds[j-1], bounds[j]
		s, e := x.OrigSpan(i0, i1)
		if e <= s {
			t.Fatalf("char [%d,%d) of Norm maps to empty [%d,%d)", i0, i1, s, e)
		}
		if got := NewText(x.Orig[s:e]).Norm; !strings.Contains(got, x.Norm[i0:i1]) {
			t.Fatalf("char %q maps to %q, which normalizes to %q", x.Norm[i0:i1], x.Orig[s:e], got)
		}
	}
}

// runeBoundary reports whether i is where a character starts as Go decodes s (an invalid byte is a
// character of its own).
func runeBoundary(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	if utf8.RuneStart(s[i]) {
		return true
	}
	// A continuation byte starts a character when the bytes before it do not form one with it.
	lo := max(i-utf8.UTFMax+1, 0)
	for j := lo; j < i; j++ {
		if !utf8.RuneStart(s[j]) {
			continue
		}
		if _, size := utf8.DecodeRuneInString(s[j:]); j+size > i {
			return false
		}
	}
	return true
}

// refNormalize is the straightforward normalization (one NFKC iterator over the whole text) that
// the fast paths must match.
func refNormalize(s string) (string, []int32) {
	var buf []byte
	var offs []int32
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		segStart := int32(it.Pos())
		seg := it.Next()
		for k := 0; k < len(seg); {
			r, size := utf8.DecodeRune(seg[k:])
			k += size
			m := r
			if r >= utf8.RuneSelf {
				m = mapRune(r)
			}
			if m < 0 {
				continue
			}
			n := len(buf)
			buf = utf8.AppendRune(buf, m)
			for range len(buf) - n {
				offs = append(offs, segStart)
			}
		}
	}
	return string(buf), append(offs, int32(len(s)))
}

// TestFastTablesAgree checks every character of the fast normalization tables, in contexts that
// could make it compose or reorder, against one NFKC pass over the whole text.
func TestFastTablesAgree(t *testing.T) {
	t.Parallel()
	var runes []rune
	for r := rune(0x80); r < 0x800; r++ {
		runes = append(runes, r)
	}
	for r := rune(0x2000); r < 0x2070; r++ {
		runes = append(runes, r)
	}
	for r := rune(0xFF00); r < 0xFFF0; r++ {
		runes = append(runes, r)
	}
	runes = append(runes, 0x3000, 0xFEFF)
	contexts := []string{"a%cb", "%c\u0301", "%c\u0308\u0301x", "e%c", "%c%c", "%cｅ\u0301", "\u0301%c", "%cé", "x\u00a0%c"}
	for _, r := range runes {
		for _, c := range contexts {
			var in string
			if strings.Count(c, "%c") == 2 {
				in = fmt.Sprintf(c, r, r)
			} else {
				in = fmt.Sprintf(c, r)
			}
			x := NewText(in)
			norm, offs := refNormalize(in)
			if x.Norm != norm {
				t.Fatalf("%+q: Norm %+q, reference %+q", in, x.Norm, norm)
			}
			if x.offs != nil && !finerOffsets(x.offs, offs) {
				t.Fatalf("%+q: offs %v, reference %v", in, x.offs, offs)
			}
			checkText(t, x)
		}
	}
}

// finerOffsets reports whether offset map a is the reference map ref or a finer one: each byte of
// Norm maps to the same segment start or to a later one (the fast paths may split a segment the NFKC
// iterator keeps whole, never merge two).
func finerOffsets(a, ref []int32) bool {
	if len(a) != len(ref) {
		return false
	}
	for i := range a {
		if a[i] < ref[i] {
			return false
		}
	}
	return true
}

// TestTokenizeMatchesReference compares the tokenizer and fold with the byte-at-a-time reference on
// texts whose tokens cross the 8-byte words of the fold at every offset.
func TestTokenizeMatchesReference(t *testing.T) {
	t.Parallel()
	units := append([]string{
		"Hello, World 4711 ", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"Grüße aus Kraków ", "e\u0301\u0301 \u0301x ", "ＡＢＣ１２３ ", "ΣΑΣ ДОМ İ ǅ ", "@[`{/:~\x7f ",
		"\u0301\u0301abc", "x\U0001D400y ",
	}, fuzzSeeds...)
	var x Text
	for _, u := range units {
		for pad := range 70 {
			for _, rep := range []int{1, 3, 9} {
				s := strings.Repeat("-", pad) + strings.Repeat(u, rep)
				x.Reset(s)
				checkIndex(t, &x)
				x.Reset(strings.Repeat(u, rep) + strings.Repeat("a", pad))
				checkIndex(t, &x)
			}
		}
	}
}

func TestASCIITokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc  string
		in    string
		from  int
		room  int    // capacity left in toks
		stop  int    // where asciiTokens stops
		want  string // the tokens appended, joined by '|'
		lower string // buf's bytes up to stop
	}{
		{"to the end", "Hi Anna, call 030", 0, 9, 17, "Hi|Anna|call|030", "hi anna, call 030"},
		{"from a byte inside", "Hi Anna", 2, 9, 7, "Anna", "Hi anna"},
		{"a non-ASCII byte between tokens", "Hi — Anna", 0, 9, 3, "Hi", "hi "},
		{"a token that goes on with a non-ASCII letter", "HI Müller", 0, 9, 3, "HI", "hi "},
		{"a token that starts with one", "HI Łukasz", 0, 9, 3, "HI", "hi "},
		{"no room", "AB CD EF", 0, 2, 6, "AB|CD", "ab cd "},
		{"no room at all", "AB CD", 0, 0, 0, "", ""},
		{"separators only", " , ;", 0, 9, 4, "", " , ;"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			buf := []byte(tc.in)
			toks := make([]Token, 0, tc.room)
			var all TokenFlag
			stop, toks := asciiTokens(tc.in, buf, toks, tc.from, &all)
			var got []string
			var want TokenFlag
			for _, k := range toks {
				got = append(got, tc.in[k.Start:k.End])
				want |= k.Flags
			}
			if stop != tc.stop || strings.Join(got, "|") != tc.want || string(buf[:stop]) != tc.lower || all != want {
				t.Errorf("asciiTokens(%q) = %d, %q (flags %06b), buf %q; want %d, %q (flags %06b), buf %q",
					tc.in, stop, got, all, buf[:stop], tc.stop, tc.want, want, tc.lower)
			}
		})
	}
}

func TestFoldCheckExtend(t *testing.T) {
	t.Parallel()
	const word = HasLetter | HasLower
	for _, tc := range []struct {
		desc      string
		s         string // a token's first byte, then the character extend reads
		check     bool
		want      TokenFlag
		end       int
		more, ok  bool
		wantLower string
	}{
		{"a lower-case letter continues the token", "aé", true, word | NonASCII, 3, true, true, "aé"},
		{"a capital continues it and is folded", "aÉ", true, word | HasUpper | NonASCII, 3, true, true, "aé"},
		{"a combining mark continues it", "e\u0301", false, word | NonASCII, 3, true, true, "e\u0301"},
		{"a letter of three bytes continues it", "aア", true, word | NonASCII, 4, true, true, "aア"},
		{"a sign ends it", "a€", true, word, 1, false, true, "a€"},
		{"a no-break space ends it", "a\u00a0", false, word, 1, false, true, "a\u00a0"},
		{"a character that needs normalizing fails the check", "aﬁ", true, 0, 0, false, false, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			buf := []byte(tc.s)
			fc := foldCheck{check: tc.check}
			flags, end, more, ok := fc.extend(buf, tc.s, 1, word)
			if ok != tc.ok {
				t.Fatalf("extend(%q) ok = %v, want %v", tc.s, ok, tc.ok)
			}
			if !ok {
				return
			}
			if flags != tc.want || end != tc.end || more != tc.more || string(buf) != tc.wantLower {
				t.Errorf("extend(%q) = %b, %d, %v, lower %q; want %b, %d, %v, %q", tc.s, flags, end, more,
					buf, tc.want, tc.end, tc.more, tc.wantLower)
			}
		})
	}
}
