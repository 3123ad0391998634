package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// nidCase is one validator case: the number as written and the expected verdict.
type nidCase struct {
	desc string
	in   string
	want nidVerdict
}

// runNIDChecks runs a scheme validator over cases.
func runNIDChecks(t *testing.T, check func(string, []byte) nidVerdict, cases []nidCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := nidCompact(nil, tc.in)
			if got := check(tc.in, c); got != tc.want {
				t.Errorf("check(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

// detectCase is one detector case: a text, the expected subtype ("" for nothing), the expected
// span (the whole of want, found in text) and a confidence range.
type detectCase struct {
	desc     string
	text     string
	sub      string
	want     string
	min, max float64
}

func runDetect(t *testing.T, d redact.Detector, typ redact.Type, cases []detectCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			fs := d.Detect(redact.NewText(tc.text), nil)
			if tc.sub == "" {
				if len(fs) != 0 {
					f := fs[0]
					t.Fatalf("found %s %s %q (%.2f), want nothing", f.Type, f.Subtype, tc.text[f.Start:f.End], f.Confidence)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("found %d findings %+v, want 1", len(fs), fs)
			}
			f := fs[0]
			if f.Type != typ || f.Subtype != tc.sub {
				t.Errorf("type %s/%s, want %s/%s", f.Type, f.Subtype, typ, tc.sub)
			}
			if got := tc.text[f.Start:f.End]; got != tc.want {
				t.Errorf("span %q, want %q", got, tc.want)
			}
			lo, hi := tc.min, tc.max
			if lo == 0 {
				lo = 0.9
			}
			if hi == 0 {
				hi = 0.99
			}
			if f.Confidence < lo || f.Confidence > hi {
				t.Errorf("confidence %.2f, want in [%.2f, %.2f]", f.Confidence, lo, hi)
			}
			if f.Len() > d.MaxLen() {
				t.Errorf("finding of %d bytes exceeds MaxLen %d", f.Len(), d.MaxLen())
			}
		})
	}
}

func TestNationalIDDetect(t *testing.T) {
	t.Parallel()
	runDetect(t, NewNationalID(), redact.NationalID, []detectCase{
		{desc: "de tax id compact", text: "meine 36574261809 bitte", sub: "DE_TAX_ID", want: "36574261809"},
		{desc: "de tax id spaced with context", text: "Steuer-ID: 36 574 261 809.", sub: "DE_TAX_ID", want: "36 574 261 809", min: 0.97},
		{desc: "de tax id bad checksum with context", text: "Steueridentifikationsnummer 36574261808", sub: "DE_TAX_ID", want: "36574261808", min: 0.3, max: 0.4},
		{desc: "de tax id bad checksum no context", text: "call 36574261808 now", sub: ""},
		{desc: "fr nir spaced", text: "n° 1 84 12 76 451 089 46 merci", sub: "FR_NIR", want: "1 84 12 76 451 089 46"},
		{desc: "fr nir compact", text: "NIR 184127645108946", sub: "FR_NIR", want: "184127645108946", min: 0.97},
		{desc: "it codice fiscale", text: "codice fiscale RSSMRA85T10A562S", sub: "IT_FISCAL_CODE", want: "RSSMRA85T10A562S"},
		{desc: "es dni", text: "mi DNI es 12345678Z", sub: "ES_DNI", want: "12345678Z"},
		{desc: "es dni dash", text: "DNI 12345678-Z", sub: "ES_DNI", want: "12345678-Z"},
		{desc: "es nie", text: "NIE X1234567L", sub: "ES_NIE", want: "X1234567L"},
		{desc: "es nie dashes", text: "NIE X-1234567-L ok", sub: "ES_NIE", want: "X-1234567-L"},
		{desc: "es nie letter apart", text: "¿X1234567-L es correcto?", sub: "ES_NIE", want: "X1234567-L"},
		{desc: "context word after", text: "Is 111222333 het juiste formaat voor het veld BSN?", sub: "NL_BSN", want: "111222333"},
		{desc: "negative word closer than context", text: "BSN? no, the order 111222333", sub: ""},
		{desc: "context word closer than negative", text: "for the invoice I need your BSN: 111222333", sub: "NL_BSN", want: "111222333"},
		{desc: "generic word", text: "ID number 111222333", sub: "NL_BSN", want: "111222333", max: 0.92},
		{desc: "nl bsn dotted", text: "nummer 1112.22.333", sub: "NL_BSN", want: "1112.22.333"},
		{desc: "nl bsn compact with context", text: "mijn BSN is 111222333", sub: "NL_BSN", want: "111222333"},
		{desc: "nl bsn compact without context", text: "code 111222333 here", sub: ""},
		{desc: "be nn", text: "rijksregisternummer 85.07.30-033.28", sub: "BE_NN", want: "85.07.30-033.28"},
		{desc: "at svnr", text: "SVNR 1237 010180", sub: "AT_SVNR", want: "1237 010180"},
		{desc: "pl pesel", text: "PESEL: 44051401359", sub: "PL_PESEL", want: "44051401359"},
		{desc: "se personnummer", text: "personnummer 811228-9874", sub: "SE_PERSONNUMMER", want: "811228-9874"},
		{desc: "se personnummer long", text: "id 19811228-9874", sub: "SE_PERSONNUMMER", want: "19811228-9874"},
		{desc: "fi hetu", text: "hetu 131052-308T", sub: "FI_HETU", want: "131052-308T"},
		{desc: "fi hetu letter sign", text: "131052A308T", sub: "FI_HETU", want: "131052A308T"},
		{desc: "ie pps", text: "PPS 1234567T", sub: "IE_PPS", want: "1234567T"},
		{desc: "gb nino spaced", text: "NI number QQ 12 34 56 C", sub: "GB_NINO", want: "QQ 12 34 56 C"},
		{desc: "gb nino compact", text: "AB123456C", sub: "GB_NINO", want: "AB123456C"},
		{desc: "dk cpr no context is low", text: "født 010180-1234", sub: "DK_CPR", want: "010180-1234", min: 0.4, max: 0.6},
		{desc: "dk cpr context", text: "CPR-nr. 010180-1234", sub: "DK_CPR", want: "010180-1234"},
		{desc: "pt nif context", text: "NIF 123456789", sub: "PT_NIF", want: "123456789"},

		{desc: "order number", text: "Order 302-4411873-0918273 shipped", sub: ""},
		{desc: "order code", text: "ORD-2025-004512", sub: ""},
		{desc: "hash prefix", text: "ticket #40123456789", sub: ""},
		{desc: "hash prefix pesel", text: "see #44051401359", sub: ""},
		{desc: "order word pesel", text: "Bestellnummer 44051401359", sub: ""},
		{desc: "invoice", text: "invoice 2024689247", sub: ""},
		{desc: "longer digit run", text: "4405140135912", sub: ""},
		{desc: "substring of code", text: "A44051401359", sub: ""},
		{desc: "glued suffix", text: "44051401359-01", sub: ""},
		{desc: "phone", text: "+49 36 574 261 809", sub: ""},
		{desc: "email local part", text: "44051401359@example.com", sub: ""},
		{desc: "card", text: "4111 1111 1111 1111", sub: ""},
		{desc: "iban", text: "DE89 3704 0044 0532 0130 00", sub: ""},
	})
}

func BenchmarkNationalID(b *testing.B) {
	text := redact.NewText("Hallo, meine Bestellung 302-4411873-0918273 ist noch nicht da. Meine Steuer-ID ist " +
		"36 574 261 809 und die Rechnung 2024689247 kam am 12.03.2024. Call me at +49 170 1234567, " +
		"ref ORD-2025-004512, EAN 4006381333931, my BSN is 111222333 and PESEL 44051401359.")
	d := NewNationalID()
	var dst []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(len(text.Norm)))
	for b.Loop() {
		dst = d.Detect(text, dst[:0])
	}
}

func BenchmarkNationalIDProse(b *testing.B) {
	text := redact.NewText("I would like to change the delivery address of my last purchase. The parcel was " +
		"supposed to arrive on Tuesday but the tracking page still shows it in the warehouse. Could you " +
		"please check what happened and let me know when I can expect it? Thanks a lot, have a nice day.")
	d := NewNationalID()
	var dst []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(len(text.Norm)))
	for b.Loop() {
		dst = d.Detect(text, dst[:0])
	}
}
