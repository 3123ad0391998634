package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// FuzzNationalIDVAT checks that the national-id and VAT detectors never panic and only report
// well-formed findings: whole token runs within MaxLen, of their own type, with a confidence in
// (0, 1], and that every validator survives any candidate of its length.
func FuzzNationalIDVAT(f *testing.F) {
	for _, s := range []string{
		"Steuer-ID: 36 574 261 809.", "1 84 12 76 451 089 46", "RSSMRA85T10A562S", "DNI 12345678-Z",
		"X-1234567-L", "1112.22.333", "85.07.30-033.28", "1237 010180", "PESEL 44051401359",
		"19811228-9874", "131052A308T", "QQ 12 34 56 C", "CPR 010180-1234", "ORD-2025-004512",
		"#40123456789", "USt-IdNr. DE 136 695 976", "NL004495445B01", "ATU13585627", "FRK7399859412",
		"IE8D79739I", "DE89 3704 0044 0532 0130 00", "Ａ１２３４５６７８Ｚ", "1\u200b2345678Z",
	} {
		f.Add(s)
	}
	nid, vat := NewNationalID(), NewVATID()
	f.Fuzz(func(t *testing.T, s string) {
		text := redact.NewText(s)
		nidCheckFindings(t, text, nid, redact.NationalID)
		nidCheckFindings(t, text, vat, redact.VATID)
		if len(s) > 32 {
			return
		}
		c := nidCompact(nil, s)
		for _, sc := range nidSchemes {
			sc.check(s, c)
		}
		if len(c) > 0 && len(c) <= vatMaxBody {
			for _, vc := range vatCountries {
				if vc.hasLen(len(c)) {
					vc.check(c)
				}
			}
		}
	})
}

func nidCheckFindings(t *testing.T, text *redact.Text, d redact.Detector, typ redact.Type) {
	t.Helper()
	starts, ends := map[int]bool{}, map[int]bool{}
	for _, k := range text.Tokens {
		starts[k.Start], ends[k.End] = true, true
	}
	for _, f := range d.Detect(text, nil) {
		if f.Type != typ || f.Subtype == "" {
			t.Fatalf("finding of type %s/%q, want %s", f.Type, f.Subtype, typ)
		}
		if f.Start < 0 || f.End > len(text.Norm) || f.Start >= f.End {
			t.Fatalf("span [%d,%d) out of [0,%d)", f.Start, f.End, len(text.Norm))
		}
		if f.Len() > d.MaxLen() {
			t.Fatalf("span of %d bytes exceeds MaxLen %d", f.Len(), d.MaxLen())
		}
		if !starts[f.Start] || !ends[f.End] {
			t.Fatalf("span [%d,%d) does not cover whole tokens", f.Start, f.End)
		}
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Fatalf("confidence %v out of (0,1]", f.Confidence)
		}
	}
}
