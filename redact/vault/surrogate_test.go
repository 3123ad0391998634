package vault

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func seeds(n int) []stream {
	out := make([]stream, n)
	for i := range out {
		out[i] = newStream(sha256.Sum256([]byte{byte(i), byte(i >> 8)}), i%3)
	}
	return out
}

func TestCardSurrogatesPassLuhn(t *testing.T) {
	t.Parallel()
	for n := 12; n <= 19; n++ {
		value := strings.Repeat("4", n)
		for _, s := range seeds(200) {
			got, ok := cardSurrogate(value, &s)
			if !ok || len(got) != n || !luhnValid(got) || digitsOf(got) != got {
				t.Fatalf("%d digits: %q (ok %v, luhn %v)", n, got, ok, luhnValid(got))
			}
		}
	}
	for _, bad := range []string{"1234", "4111 1111 1111 111a", strings.Repeat("4", 20)} {
		s := seeds(1)[0]
		if got, ok := cardSurrogate(bad, &s); ok {
			t.Errorf("cardSurrogate(%q) = %q, want no surrogate", bad, got)
		}
	}
}

func TestIBANSurrogatesPassMod97(t *testing.T) {
	t.Parallel()
	for _, iban := range []string{
		"DE44 5001 0517 5407 3249 31", "GB29 NWBK 6016 1331 9268 19", "FR14 2004 1010 0505 0001 3M02 606",
		"NL91ABNA0417164300", "NO9386011117947", "MT84MALT011000012345MTLCAST001S", "be68-5390-0754-7034",
	} {
		for _, s := range seeds(100) {
			got, ok := ibanSurrogate(iban, &s)
			if !ok || !ibanValid(got) || shape(got) != shape(iban) || !strings.EqualFold(got[:2], iban[:2]) {
				t.Fatalf("%s: %q (ok %v, valid %v)", iban, got, ok, ibanValid(got))
			}
		}
	}
	for _, bad := range []string{"DE44", "1234567890123456", "DE44 5001 0517 5407 3249 3!"} {
		s := seeds(1)[0]
		if got, ok := ibanSurrogate(bad, &s); ok {
			t.Errorf("ibanSurrogate(%q) = %q, want no surrogate", bad, got)
		}
	}
}

func TestPhoneSurrogates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, in   string
		prefix     string // digits the surrogate starts with
		keepsShape bool
	}{
		{desc: "uk international", in: "+44 20 7946 0958", prefix: "447700900", keepsShape: true},
		{desc: "uk national", in: "07911 123456", prefix: "07700900", keepsShape: true},
		{desc: "uk 00 prefix", in: "0044 7911 123456", prefix: "00447700900", keepsShape: true},
		{desc: "us international", in: "+1 (415) 555-2671", keepsShape: true},
		{desc: "us national", in: "(415) 555-2671", keepsShape: true},
		{desc: "france international", in: "+33 6 12 34 56 78", prefix: "3363998", keepsShape: true},
		{desc: "france national", in: "06.12.34.56.78", prefix: "063998", keepsShape: true},
		{desc: "germany", in: "+49 171 1234567", prefix: "447700900"},
		{desc: "no separators", in: "+4915112345678", prefix: "447700900"},
	}
	for _, tc := range tests {
		for _, s := range seeds(50) {
			got, ok := phoneSurrogate(tc.in, &s)
			if !ok {
				t.Fatalf("%s: no surrogate", tc.desc)
			}
			d := digitsOf(got)
			if !strings.HasPrefix(d, tc.prefix) {
				t.Errorf("%s: %q does not start with %s", tc.desc, got, tc.prefix)
			}
			if strings.HasPrefix(tc.in, "+") != strings.HasPrefix(got, "+") {
				t.Errorf("%s: %q changed international form", tc.desc, got)
			}
			if tc.keepsShape && shape(got) != shape(tc.in) {
				t.Errorf("%s: %q does not keep the shape of %q", tc.desc, got, tc.in)
			}
			if strings.Contains(tc.in, "555") && !strings.Contains(d, "55501") {
				t.Errorf("%s: %q is outside 555-0100..0199", tc.desc, got)
			}
			if tc.desc == "no separators" && strings.ContainsAny(got, " -.") {
				t.Errorf("%s: %q added separators", tc.desc, got)
			}
		}
	}
}

func TestSurrogateNeverTheValue(t *testing.T) {
	t.Parallel()
	// A value that happens to be its own first surrogate candidate is skipped to the next one.
	var sum [32]byte
	first, ok := surrogate(redact.CreditCard, "4111 1111 1111 1111", new(newStream(sum, 0)))
	if !ok {
		t.Fatal("no card surrogate")
	}
	if got := candidate(redact.CreditCard, Surrogate, first, normalize(redact.CreditCard, first), sum, 0); got != "" {
		t.Errorf("candidate equal to the value = %q, want skipped", got)
	}
}
