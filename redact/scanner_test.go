package redact

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// fixed is a test detector that reports the spans of Norm given by find (substrings) or spans.
type fixed struct {
	types []Type
	out   func(t *Text) []Finding
}

func (d fixed) Types() []Type { return d.types }
func (d fixed) MaxLen() int   { return 64 }
func (d fixed) Detect(t *Text, dst []Finding) []Finding {
	return append(dst, d.out(t)...)
}

var _ Detector = fixed{}

// at returns a detector reporting typ with conf at the first occurrence of sub in Norm.
func at(typ Type, conf float64, sub string) fixed {
	return fixed{types: []Type{typ}, out: func(t *Text) []Finding {
		i := strings.Index(t.Norm, sub)
		if i < 0 {
			return nil
		}
		return []Finding{{Type: typ, Start: i, End: i + len(sub), Confidence: conf}}
	}}
}

// span returns a detector reporting typ with conf at Norm[start:end].
func span(typ Type, conf float64, start, end int) fixed {
	return fixed{types: []Type{typ}, out: func(*Text) []Finding {
		return []Finding{{Type: typ, Start: start, End: end, Confidence: conf}}
	}}
}

func TestScannerOverlaps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		text string
		ds   []Detector
		want string // the text redacted with Placeholder
	}{
		{
			desc: "disjoint findings kept in order",
			text: "mail a@b.de or call 0301234567",
			ds:   []Detector{at(Phone, 0.9, "0301234567"), at(Email, 0.99, "a@b.de")},
			want: "mail [EMAIL] or call [PHONE]",
		},
		{
			desc: "contained lower-confidence finding dropped",
			text: "IBAN DE44500105175407324931",
			ds:   []Detector{at(IBAN, 0.99, "DE44500105175407324931"), at(Phone, 0.5, "500105175407")},
			want: "IBAN [IBAN]",
		},
		{
			desc: "more confident short finding inside a long one keeps both parts",
			text: "Anna Schmidt 0301234567 Berlin",
			ds:   []Detector{at(Address, 0.5, "Anna Schmidt 0301234567 Berlin"), at(Phone, 0.9, "0301234567")},
			want: "[ADDRESS][PHONE][ADDRESS]",
		},
		{
			desc: "partial overlap: the loser keeps its remainder",
			text: "x 12345 67890 y",
			ds:   []Detector{at(Phone, 0.9, "12345 6"), at(NationalID, 0.6, "5 67890")},
			want: "x [PHONE][NATIONAL_ID] y",
		},
		{
			desc: "remainder without a letter or digit is dropped",
			text: "x 12345 y",
			ds:   []Detector{at(Phone, 0.9, "12345"), at(NationalID, 0.6, "12345 ")},
			want: "x [PHONE] y",
		},
		{
			desc: "same type overlapping pieces merge",
			text: "tel 030 1234 5678 ok",
			ds:   []Detector{at(Phone, 0.9, "030 1234"), at(Phone, 0.7, "1234 5678")},
			want: "tel [PHONE] ok",
		},
		{
			desc: "equal confidence: the longer wins",
			text: "id 1234567890",
			ds:   []Detector{at(Phone, 0.8, "1234567890"), at(NationalID, 0.8, "123456789")},
			want: "id [PHONE]",
		},
		{
			desc: "chain of overlaps",
			text: "aaaa bbbb cccc dddd",
			ds: []Detector{
				at(Person, 0.6, "aaaa bbbb"), at(Address, 0.9, "bbbb cccc"), at(Health, 0.7, "cccc dddd"),
			},
			want: "[PERSON][ADDRESS][HEALTH]",
		},
		{
			desc: "identical spans: the more confident type wins",
			text: "x 4111111111111111 y",
			ds:   []Detector{at(Phone, 0.4, "4111111111111111"), at(CreditCard, 0.99, "4111111111111111")},
			want: "x [CREDIT_CARD] y",
		},
		{
			desc: "out-of-range and empty findings ignored",
			text: "abc",
			ds:   []Detector{span(Email, 1, -1, 2), span(Email, 1, 2, 9), span(Email, 1, 2, 2), span(Email, 1, 2, 1)},
			want: "abc",
		},
		{
			desc: "invalid type ignored",
			text: "abc",
			ds:   []Detector{span(Type(0), 1, 0, 3), span(Type(200), 1, 0, 3)},
			want: "abc",
		},
		{
			desc: "offsets land on original bytes",
			text: "card ４１１１ １１１１ １１１１ １１１１ ok",
			ds:   []Detector{at(CreditCard, 0.99, "4111 1111 1111 1111")},
			want: "card [CREDIT_CARD] ok",
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			s := NewScanner(tc.ds...)
			fs := s.Scan(tc.text)
			checkFindings(t, tc.text, fs)
			if got := Replace(tc.text, fs, Placeholder); got != tc.want {
				t.Errorf("redacted = %q, want %q (findings %+v)", got, tc.want, fs)
			}
		})
	}
}

func TestScanOptions(t *testing.T) {
	t.Parallel()
	text := "a@b.de 0301234567"
	s := NewScanner(at(Email, 0.99, "a@b.de"), at(Phone, 0.5, "0301234567"))
	tests := []struct {
		desc string
		opts ScanOptions
		want []Type
	}{
		{desc: "all", opts: ScanOptions{}, want: []Type{Email, Phone}},
		{desc: "email only", opts: ScanOptions{Types: NewTypeSet(Email)}, want: []Type{Email}},
		{desc: "min confidence", opts: ScanOptions{MinConfidence: 0.6}, want: []Type{Email}},
		{desc: "type not offered", opts: ScanOptions{Types: NewTypeSet(IBAN)}, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			prefix := []Finding{{Type: Health, Start: 0, End: 1, Confidence: 1}}
			fs := s.ScanWith(text, tc.opts, prefix)
			if fs[0] != prefix[0] {
				t.Fatalf("ScanWith changed dst prefix")
			}
			var got []Type
			for _, f := range fs[1:] {
				got = append(got, f.Type)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("types = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestScannerSkipsDetectors(t *testing.T) {
	t.Parallel()
	called := false
	d := fixed{types: []Type{IBAN}, out: func(*Text) []Finding { called = true; return nil }}
	NewScanner(d).ScanWith("x", ScanOptions{Types: NewTypeSet(Email)}, nil)
	if called {
		t.Error("detector of an unwanted type was run")
	}
}

func TestScannerConfidenceClamp(t *testing.T) {
	t.Parallel()
	s := NewScanner(span(Email, math.NaN(), 0, 1), span(Phone, 7, 2, 3))
	fs := s.Scan("a b c")
	if len(fs) != 2 || fs[0].Confidence != 0 || fs[1].Confidence != 1 {
		t.Errorf("findings = %+v", fs)
	}
}

func TestScannerLargeOverlapGroup(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("1", 500)
	d := fixed{types: []Type{Phone, NationalID}, out: func(t *Text) []Finding {
		var fs []Finding
		for i := 0; i+10 <= len(t.Norm); i += 3 {
			typ := Phone
			if i%2 == 0 {
				typ = NationalID
			}
			fs = append(fs, Finding{Type: typ, Start: i, End: i + 10, Confidence: float64(i%7) / 7})
		}
		return fs
	}}
	fs := NewScanner(d).Scan(text)
	checkFindings(t, text, fs)
	if len(fs) != 1 || fs[0].Start != 0 || fs[0].End != 499 {
		t.Errorf("findings = %+v, want one covering [0,499)", fs)
	}
}

func TestReplace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		fs   []Finding
		want string
	}{
		{desc: "none", fs: nil, want: "hello world"},
		{desc: "one", fs: []Finding{{Type: Person, Start: 6, End: 11}}, want: "hello [PERSON]"},
		{desc: "two", fs: []Finding{{Type: Person, Start: 0, End: 5}, {Type: Email, Start: 6, End: 11}}, want: "[PERSON] [EMAIL]"},
		{desc: "overlapping input tolerated", fs: []Finding{{Type: Person, Start: 0, End: 7}, {Type: Email, Start: 6, End: 11}}, want: "[PERSON][EMAIL]"},
		{desc: "out of range clamped", fs: []Finding{{Type: Person, Start: 6, End: 99}}, want: "hello [PERSON]"},
		{desc: "invalid type", fs: []Finding{{Type: 0, Start: 0, End: 5}}, want: "[Type(0)] world"},
	}
	for _, tc := range tests {
		if got := Replace("hello world", tc.fs, Placeholder); got != tc.want {
			t.Errorf("%s: Replace = %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// checkFindings verifies the Scanner's output contract.
func checkFindings(t *testing.T, text string, fs []Finding) {
	t.Helper()
	for i, f := range fs {
		if f.Start < 0 || f.End > len(text) || f.End <= f.Start {
			t.Fatalf("finding %d [%d,%d) out of range of %d bytes", i, f.Start, f.End, len(text))
		}
		if !runeBoundary(text, f.Start) || !runeBoundary(text, f.End) {
			t.Fatalf("finding %d [%d,%d) not on rune boundaries", i, f.Start, f.End)
		}
		if i > 0 && f.Start < fs[i-1].End {
			t.Fatalf("finding %d [%d,%d) overlaps or precedes [%d,%d)", i, f.Start, f.End, fs[i-1].Start, fs[i-1].End)
		}
		if !f.Type.Valid() || f.Confidence < 0 || f.Confidence > 1 {
			t.Fatalf("finding %d has type %v confidence %v", i, f.Type, f.Confidence)
		}
	}
}

func TestScannerPoolHoldsNoMessage(t *testing.T) {
	t.Parallel()
	var x Text
	x.Reset("ＳＥＣＲＥＴ Name")
	x.release()
	for _, b := range [][]byte{x.normBuf[:cap(x.normBuf)], x.lowerBuf[:cap(x.lowerBuf)]} {
		if strings.Contains(strings.ToLower(string(b)), "secret") {
			t.Errorf("released buffer still holds the message: %q", b)
		}
	}
	if x.Orig != "" || x.Norm != "" || x.Lower != "" || len(x.Tokens) != 0 {
		t.Error("released Text still refers to the message")
	}
}

// TestScannerTies checks that of two detectors claiming the same span with the same confidence,
// the later one wins, however many findings the message holds and in whatever order a detector
// reports them.
func TestScannerTies(t *testing.T) {
	t.Parallel()
	every := func(typ Type, reverse bool) fixed {
		return fixed{types: []Type{typ}, out: func(t *Text) []Finding {
			var fs []Finding
			for i := 0; i+12 <= len(t.Norm); i += 20 {
				fs = append(fs, Finding{Type: typ, Start: i, End: i + 12, Confidence: 0.9})
			}
			if reverse {
				slices.Reverse(fs)
			}
			return fs
		}}
	}
	for _, tc := range []struct {
		desc    string
		n       int
		reverse bool
	}{
		{desc: "one", n: 1},
		{desc: "many", n: 200},
		{desc: "many, reported backwards", n: 200, reverse: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			text := strings.Repeat("176.95.55.24 and then ", tc.n)[:20*tc.n]
			fs := NewScanner(every(Phone, tc.reverse), every(IPAddress, tc.reverse)).Scan(text)
			checkFindings(t, text, fs)
			if len(fs) != tc.n {
				t.Fatalf("%d findings, want %d", len(fs), tc.n)
			}
			for _, f := range fs {
				if f.Type != IPAddress {
					t.Fatalf("finding %+v: want the later detector's IP_ADDRESS", f)
				}
			}
		})
	}
}
