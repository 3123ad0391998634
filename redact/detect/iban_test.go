package detect

import "testing"

func TestIBAN(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewIBAN(), []spanCase{
		{desc: "DE grouped", in: "IBAN DE89 3704 0044 0532 0130 00 bitte", want: []string{"DE89 3704 0044 0532 0130 00"}},
		{desc: "DE compact lower", in: "de89370400440532013000", want: []string{"de89370400440532013000"}},
		{desc: "GB letters in BBAN", in: "GB82 WEST 1234 5698 7654 32.", want: []string{"GB82 WEST 1234 5698 7654 32"}},
		{desc: "NL", in: "NL91ABNA0417164300", want: []string{"NL91ABNA0417164300"}},
		{desc: "FR", in: "FR14 2004 1010 0505 0001 3M02 606", want: []string{"FR14 2004 1010 0505 0001 3M02 606"}},
		{desc: "NO shortest", in: "NO9386011117947", want: []string{"NO9386011117947"}},
		{desc: "MT longest SEPA", in: "MT84MALT011000012345MTLCAST001S", want: []string{"MT84MALT011000012345MTLCAST001S"}},
		{desc: "BE", in: "BE68 5390 0754 7034", want: []string{"BE68 5390 0754 7034"}},
		{desc: "wrong check digits", in: "DE89 3704 0044 0532 0130 01", want: nil},
		{desc: "wrong length", in: "DE89 3704 0044 0532 0130 0", want: nil},
		{desc: "unknown country", in: "XX89 3704 0044 0532 0130 00", want: nil},
		{desc: "double space", in: "DE89  3704 0044 0532 0130 00", want: nil},
		{desc: "too long", in: "DE893704004405320130001", want: nil},
		{desc: "reference look-alike", in: "Ref DE12 3456 7890 1234 5678 90", want: nil},
	})
}

func TestIBANValidChecksOnly(t *testing.T) {
	t.Parallel()
	// Every IBAN-shaped candidate with the right check digits is reported; changing one digit
	// of the BBAN breaks the mod-97 check.
	good := "ES9121000418450200051332"
	if got := spansFound(NewIBAN(), good); len(got) != 1 {
		t.Fatalf("valid IBAN not found: %q", got)
	}
	for i := 4; i < len(good); i++ {
		b := []byte(good)
		b[i] = '0' + (b[i]-'0'+1)%10
		if got := spansFound(NewIBAN(), string(b)); len(got) != 0 {
			t.Errorf("IBAN with digit %d changed reported", i)
		}
	}
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "DE89 ", "XX00"} {
		f.Add(s)
	}
	d := NewIBAN()
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, "") })
}

func BenchmarkIBAN(b *testing.B) {
	benchDetector(b, NewIBAN(), "Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00 oder GB82WEST12345698765432. ")
}
