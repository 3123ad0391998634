package detect

import (
	"math/rand/v2"
	"testing"
)

func TestCheckDETaxID(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkDETaxID, []nidCase{
		{desc: "bmf example", in: "36574261809", want: nidValid},
		{desc: "spaced", in: "36 574 261 809", want: nidValid},
		{desc: "generated", in: "83142709620", want: nidValid},
		{desc: "digit thrice not adjacent", in: "56782149329", want: nidValid},
		{desc: "wrong check digit", in: "36574261808", want: nidBadSum},
		{desc: "two digits repeated", in: "36554266806", want: nidBadSum},
		{desc: "no digit repeated", in: "12345678903", want: nidBadSum},
		{desc: "leading zero", in: "06574261809", want: nidNone},
		{desc: "too short", in: "3657426180", want: nidNone},
	})
}

func TestCheckDEIDCard(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkDEIDCard, []nidCase{
		{desc: "specimen", in: "T220001293", want: nidValid},
		{desc: "specimen with letters", in: "L01X00T471", want: nidValid},
		{desc: "generated", in: "MRMV26J4W3", want: nidValid},
		{desc: "wrong check digit", in: "T220001294", want: nidBadSum},
		{desc: "letter not in the set", in: "A220001293", want: nidNone},
		{desc: "lower case", in: "t220001293", want: nidNone},
		{desc: "all digits is weak", in: "1220001297", want: nidWeak},
		{desc: "nine characters has no check", in: "T22000129", want: nidBadSum},
	})
}

// TestMod1110 checks the table-driven ISO 7064 MOD 11,10 against its arithmetic on random digits.
func TestMod1110(t *testing.T) {
	t.Parallel()
	want := func(d []byte) int {
		p := 10
		for _, c := range d {
			s := (int(c-'0') + p) % 10
			if s == 0 {
				s = 10
			}
			p = 2 * s % 11
		}
		return (11 - p) % 10
	}
	r := rand.New(rand.NewPCG(11, 10))
	for range 10000 {
		d := make([]byte, r.IntN(14))
		for i := range d {
			d[i] = byte('0' + r.IntN(10))
		}
		if got := nidMod1110(d); got != want(d) {
			t.Fatalf("nidMod1110(%s) = %d, want %d", d, got, want(d))
		}
	}
}
