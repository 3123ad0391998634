package detect

import "testing"

func TestCheckATSVNR(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkATSVNR, []nidCase{
		{desc: "spaced", in: "1237 010180", want: nidValid},
		{desc: "generated", in: "7408 061001", want: nidValid},
		{desc: "compact", in: "8951240938", want: nidValid},
		{desc: "wrong check digit", in: "1238 010180", want: nidBadSum},
		{desc: "bad date", in: "1237 320180", want: nidBadSum},
		{desc: "leading zero", in: "0237 010180", want: nidNone},
	})
}
