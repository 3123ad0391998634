package detect

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/veil-privacy/veil/redact"
)

func TestPhone(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewPhone(nil), []spanCase{
		// International forms, any country.
		{desc: "DE international", in: "+49 30 1234567", want: []string{"+49 30 1234567"}},
		{desc: "PL compact international", in: "+48347711918", want: []string{"+48347711918"}},
		{desc: "00 prefix", in: "0049 30 1234567", want: []string{"0049 30 1234567"}},
		{desc: "GB with (0)", in: "+44 (0)20 7946 0958", want: []string{"+44 (0)20 7946 0958"}},
		{desc: "trunk after country code", in: "+49 030 1234567", want: []string{"+49 030 1234567"}},
		{desc: "US international", in: "call +1 415-555-2671 now", want: []string{"+1 415-555-2671"}},
		{desc: "parenthesized plus", in: "(+33) 1 42 68 53 00", want: []string{"(+33) 1 42 68 53 00"}},
		// National forms of the default regions.
		{desc: "DE area code in parens", in: "(0922) 106224051", want: []string{"(0922) 106224051"}},
		{desc: "NL mobile", in: "06 2714 9221", want: []string{"06 2714 9221"}},
		{desc: "PL dashed", in: "71-368-07-97", want: []string{"71-368-07-97"}},
		{desc: "DE slash", in: "Tel.: 030/1234567", want: []string{"030/1234567"}},
		{desc: "FR dotted", in: "01.42.68.53.00", want: []string{"01.42.68.53.00"}},
		{desc: "FR spaced", in: "06 12 34 56 78", want: []string{"06 12 34 56 78"}},
		{desc: "IT mobile grouped", in: "333 123 4567", want: []string{"333 123 4567"}},
		{desc: "ES grouped", in: "612 345 678", want: []string{"612 345 678"}},
		{desc: "GB national", in: "020 7946 0958", want: []string{"020 7946 0958"}},
		{desc: "compact trunk", in: "ruf an 01712345678", want: []string{"01712345678"}},
		{desc: "compact without trunk needs context", in: "Handy: 612345678", want: []string{"612345678"}},
		{desc: "two numbers", in: "030 1234567 or 040 7654321", want: []string{"030 1234567", "040 7654321"}},
		{desc: "end of sentence", in: "Call me at 020 7946 0958.", want: []string{"020 7946 0958"}},
		{desc: "inflected context word", in: "chiamate il 3713402470 all'arrivo", want: []string{"3713402470"}},
		{desc: "call back", in: "Czy możecie oddzwonić na 501 234 567?", want: []string{"501 234 567"}},
		// Look-alikes.
		{desc: "serial after generic number word", in: "Numer seryjny 427285031 jest na spodzie", want: nil},
		{desc: "grazie is not a phone word", in: "ringrazio, 3713402470", want: nil},
		{desc: "order number", in: "order 302-4411873-0918273", want: nil},
		{desc: "order number with context", in: "call about 302-4411873-0918273", want: nil},
		{desc: "date dotted", in: "am 23.10.2023", want: nil},
		{desc: "date iso", in: "on 2023-10-12 at 10:30", want: nil},
		{desc: "times", in: "10.30 - 11.45", want: nil},
		{desc: "price", in: "Preis 1.299.000 € oder 12 345 678 EUR", want: nil},
		{desc: "version", in: "Windows 10.0.19045.3570", want: nil},
		{desc: "serial without shape", in: "serial 123456789012", want: nil},
		{desc: "compact without trunk or context", in: "612345678", want: nil},
		{desc: "IBAN digits", in: "DE89 3704 0044 0532 0130 00", want: nil},
		{desc: "card number", in: "4111 1111 1111 1111", want: nil},
		{desc: "amex", in: "3782 822463 10005", want: nil},
		{desc: "reference prefix", in: "INV-0301234567", want: nil},
		{desc: "customer number", in: "Kundennummer 0301234567", want: nil},
		{desc: "hash number", in: "Ticket #01712345678", want: nil},
		{desc: "decimal", in: "0301234567,50", want: nil},
		{desc: "IP address", in: "192.168.100.200", want: nil},
		{desc: "too few digits", in: "030 123", want: nil},
		{desc: "too many digits", in: "+49 30 1234567890123456", want: nil},
	})
}

func TestPhoneRegions(t *testing.T) {
	t.Parallel()
	// "612 345 678" is an ES number; with only DE configured no national format accepts it.
	if got := spansFound(NewPhone([]string{"de"}), "Tel 612 345 678"); len(got) != 0 {
		t.Errorf("DE-only detector found %q", got)
	}
	if got := spansFound(NewPhone([]string{"ES"}), "Tel 612 345 678"); len(got) != 1 {
		t.Errorf("ES detector found %q", got)
	}
	// International numbers need no region; unknown regions are ignored.
	if got := spansFound(NewPhone([]string{"XX"}), "+34 612 345 678"); len(got) != 1 {
		t.Errorf("international number with unknown region found %q", got)
	}
}

func TestPhoneConfidence(t *testing.T) {
	t.Parallel()
	conf := func(s string) float64 {
		fs := NewPhone(nil).Detect(redact.NewText(s), nil)
		if len(fs) != 1 {
			t.Fatalf("Detect(%q) = %v, want one finding", s, fs)
		}
		return fs[0].Confidence
	}
	if c, n := conf("Telefon: 030 1234567"), conf("see 030 1234567"); c <= n {
		t.Errorf("context did not raise confidence: %v <= %v", c, n)
	}
	if c := conf("4111 1111 1111 1111 or 030 1234567"); c >= 0.95 {
		t.Errorf("phone confidence %v not below checksum-validated types", c)
	}
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+49 30 1234567", "(0922) 106224051", "71-368-07-97", "00(0)1", "+(((0", "0 0 0 0 0 0 0 0 0"} {
		f.Add(s)
	}
	d := NewPhone(nil)
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, "0123456789") })
}

func BenchmarkPhone(b *testing.B) {
	benchDetector(b, NewPhone(nil), "Ruf mich an unter +49 30 1234567 oder (0922) 106224051, Bestellung 302-4411873-0918273 vom 12.10.2023. ")
}

// TestPhoneMatchesLibrary checks the compiled validator against libphonenumber's own Parse and
// IsValidNumber on pseudo-random numbers in the default regions, national and international.
func TestPhoneMatchesLibrary(t *testing.T) {
	t.Parallel()
	p := NewPhone(nil)
	seed := uint64(0x9e3779b97f4a7c15)
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	mismatches := 0
	for n := 0; n < 4000; n++ {
		r := p.regions[n%len(p.regions)]
		l := 6 + int(next()%7)
		d := make([]byte, 0, 16)
		d = append(d, r.prefix...)
		for len(d) < l+len(r.prefix) {
			d = append(d, byte('0'+next()%10))
		}
		num, err := phonenumbers.Parse(string(d), r.code)
		want := err == nil && phonenumbers.IsValidNumberForRegion(num, r.code) &&
			phonenumbers.GetNationalSignificantNumber(num) == string(d[len(r.prefix):])
		if got := r.descs.valid(d[len(r.prefix):]); got != want {
			mismatches++
			t.Logf("%s national %s: got %v, library %v", r.code, d, got, want)
		}
		intl := append([]byte(strconv.Itoa(phonenumbers.GetCountryCodeForRegion(r.code))), d[len(r.prefix):]...)
		num, err = phonenumbers.Parse("+"+string(intl), "")
		want = err == nil && phonenumbers.IsValidNumber(num)
		if got := phoneValidIntl(intl); got != want {
			mismatches++
			t.Logf("+%s: got %v, library %v", intl, got, want)
		}
	}
	if mismatches > 0 {
		t.Errorf("%d mismatches with libphonenumber", mismatches)
	}
}

// TestPhoneWordKind compares phoneWordKind with a plain scan of the word lists.
func TestPhoneWordKind(t *testing.T) {
	t.Parallel()
	plain := func(w string) uint8 {
		if slices.Contains(phoneWords, w) {
			return phoneWordYes
		}
		if slices.Contains(phoneNotWords, w) {
			return phoneWordNo
		}
		for _, st := range phoneStems {
			if strings.HasPrefix(w, st) {
				return phoneWordYes
			}
		}
		return 0
	}
	words := []string{"", "a", "tel", "telefon", "téléphone", "llámame", "llam", "lla", "order", "orders",
		"sună", "sun", "dzwonić", "zadzwoń", "whatsapp", "callback", "recall", "iban", "handy", "hand"}
	words = append(append(append(words, phoneWords...), phoneNotWords...), phoneStems...)
	for _, w := range words {
		if got, want := phoneWordKind(w), plain(w); got != want {
			t.Errorf("phoneWordKind(%q) = %d, want %d", w, got, want)
		}
	}
	for _, w := range []string{"eur", "EUR", "Usd", "e\u0301", "ſek", "abc", "€12", "12%"} {
		want := false
		for _, code := range []string{"eur", "usd", "chf", "gbp", "pln", "sek", "dkk", "ron", "huf", "czk"} {
			want = want || len(w) == 3 && strings.EqualFold(w, code)
		}
		want = want || strings.HasPrefix(w, "€") || strings.HasPrefix(w, "%")
		if got := phoneMoney(w, true); got != want {
			t.Errorf("phoneMoney(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestPhoneMoneyAround checks the money tests on each side of a number, which Phone.match makes
// apart: the one before once per run, the one after per end.
func TestPhoneMoneyAround(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, text    string
		before, after bool
	}{
		{desc: "plain number", text: "call 0301234567 now"},
		{desc: "euro sign before", text: "€ 0301234567 now", before: true},
		{desc: "euro sign after", text: "pay 0301234567 € now", after: true},
		{desc: "code before, two spaces", text: "EUR  0301234567", before: true},
		{desc: "code after, no space", text: "0301234567usd", after: true},
		{desc: "code three spaces away", text: "EUR   0301234567"},
		{desc: "percent after", text: "0301234567%", after: true},
		{desc: "dollar before", text: "$0301234567", before: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			start := strings.IndexByte(tc.text, '0')
			end := start + len("0301234567")
			if got := phoneMoneyBefore(tc.text, start); got != tc.before {
				t.Errorf("phoneMoneyBefore(%q) = %v, want %v", tc.text, got, tc.before)
			}
			if got := phoneMoneyAfter(tc.text, end); got != tc.after {
				t.Errorf("phoneMoneyAfter(%q) = %v, want %v", tc.text, got, tc.after)
			}
		})
	}
}

// TestWarmPhones: after WarmPhones every number description is compiled, to an automaton or (where
// none can be built) a regexp, so no later validation compiles one.
func TestWarmPhones(t *testing.T) {
	WarmPhones()
	n := 0
	for _, c := range phoneCountries() {
		for id, d := range c.regions() {
			for _, pd := range append([]*phoneDesc{d.general}, d.types...) {
				n++
				compiled := false
				pd.once.Do(func() { compiled = true })
				if compiled {
					t.Fatalf("region %s: a description was left to compile on first use", id)
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d descriptions", n)
	}
}
