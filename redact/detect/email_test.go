package detect

import (
	"slices"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// spanCase is one table row shared by the detector tests in this package's network/finance files.
type spanCase struct {
	desc string
	in   string
	want []string // matched spans of the normalized text, in order
}

// spansFound runs d over in and returns the normalized text of each finding, sorted by start.
func spansFound(d redact.Detector, in string) []string {
	t := redact.NewText(in)
	fs := d.Detect(t, nil)
	slices.SortFunc(fs, func(a, b redact.Finding) int { return a.Start - b.Start })
	var out []string
	for _, f := range fs {
		out = append(out, t.Norm[f.Start:f.End])
	}
	return out
}

// runSpanCases checks every case of a table against d.
func runSpanCases(t *testing.T, d redact.Detector, cases []spanCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := spansFound(d, tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Detect(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// checkFindings is the fuzz invariant of every detector: offsets in range and ordered, spans no
// longer than MaxLen, only the detector's types, confidence in (0, 1], and each span holding
// the anchor character(s) the detector is built around (anchor == "" skips that check).
func checkFindings(t *testing.T, d redact.Detector, in, anchors string) {
	t.Helper()
	tx := redact.NewText(in)
	fs := d.Detect(tx, nil)
	for _, f := range fs {
		if f.Start < 0 || f.End > len(tx.Norm) || f.Start >= f.End {
			t.Fatalf("finding %+v out of range for %d bytes", f, len(tx.Norm))
		}
		if f.Len() > d.MaxLen() {
			t.Fatalf("finding %+v longer than MaxLen %d", f, d.MaxLen())
		}
		if !slices.Contains(d.Types(), f.Type) {
			t.Fatalf("finding %+v of a type the detector does not declare", f)
		}
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Fatalf("finding %+v has confidence out of (0, 1]", f)
		}
		if anchors != "" && !strings.ContainsAny(tx.Norm[f.Start:f.End], anchors) {
			t.Fatalf("finding %+v does not contain any of %q", f, anchors)
		}
	}
	// The scanner maps the same findings back to the original text without trouble.
	for _, f := range redact.NewScanner(d).Scan(in) {
		if f.Start < 0 || f.End > len(in) || f.Start >= f.End {
			t.Fatalf("scanned finding %+v out of range for %d bytes", f, len(in))
		}
	}
}

// benchText returns n bytes of text made of repeated s.
func benchText(s string, n int) string {
	return strings.Repeat(s, n/len(s)+1)[:n]
}

// benchDetector measures d on clean prose and on text dense with personal data.
func benchDetector(b *testing.B, d redact.Detector, dense string) {
	const clean = "The quick brown fox jumps over the lazy dog while we talk about the weather, " +
		"the opening hours of the shop and whether the parcel arrives on Tuesday or later. "
	for _, bc := range []struct{ name, text string }{
		{"clean", benchText(clean, 64<<10)},
		{"dense", benchText(dense, 64<<10)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			t := redact.NewText(bc.text)
			var dst []redact.Finding
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = d.Detect(t, dst[:0])
			}
		})
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewEmail(), []spanCase{
		{desc: "plain", in: "write to anna.schmidt@example.com today", want: []string{"anna.schmidt@example.com"}},
		{desc: "trailing dot excluded", in: "mail me at a@b.de.", want: []string{"a@b.de"}},
		{desc: "mixed case", in: "Bob.Smith@Example.CO.UK", want: []string{"Bob.Smith@Example.CO.UK"}},
		{desc: "plus tag and markup", in: "<b>**bob+tag@mail.co.uk**</b>", want: []string{"bob+tag@mail.co.uk"}},
		{desc: "quoted apostrophe", in: "'john.o'neil@example.com'", want: []string{"john.o'neil@example.com"}},
		{desc: "angle brackets", in: "Anna <anna@example.org>", want: []string{"anna@example.org"}},
		{desc: "mailto", in: "mailto:x_y@sub.example.fr?subject=hi", want: []string{"x_y@sub.example.fr"}},
		{desc: "unicode local and IDN domain", in: "jürgen.müller@straße.de", want: []string{"jürgen.müller@straße.de"}},
		{desc: "cyrillic TLD", in: "почта: иван@пример.рф", want: []string{"иван@пример.рф"}},
		{desc: "punycode TLD", in: "ivan@xn--e1afmkfd.xn--p1ai", want: []string{"ivan@xn--e1afmkfd.xn--p1ai"}},
		{desc: "full-width at sign", in: "anna＠example.com", want: []string{"anna@example.com"}},
		{desc: "two addresses", in: "a@b.de,c@d.fr", want: []string{"a@b.de", "c@d.fr"}},
		{desc: "comma after", in: "(x@y.com), thanks", want: []string{"x@y.com"}},
		{desc: "hyphenated domain", in: "info@my-shop.example.com", want: []string{"info@my-shop.example.com"}},
		{desc: "no local part", in: "ping @anna about it", want: nil},
		{desc: "no dot in domain", in: "user@localhost", want: nil},
		{desc: "numeric TLD", in: "npm i left-pad@1.3.0", want: nil},
		{desc: "retina image", in: "logo@2x.png and icon@3x.webp", want: nil},
		{desc: "file extension TLD", in: "styles@main.css", want: nil},
		{desc: "one-letter TLD", in: "a@b.c", want: nil},
		{desc: "hyphen-edged label", in: "a@-b.de", want: nil},
		{desc: "double at", in: "a@@b.de", want: nil},
		{desc: "decorator", in: "@dataclass and @Override", want: nil},
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"a@b.de.", "jürgen@straße.de", "x@@y..z", "@", "a@b.c-", "'a'@x.xn--p1ai", "\u200ba@b.de"} {
		f.Add(s)
	}
	d := NewEmail()
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, "@") })
}

func BenchmarkEmail(b *testing.B) {
	benchDetector(b, NewEmail(), "Contact anna.schmidt@example.com or support@shop.example.de for help. ")
}
