package detect

import "testing"

func TestCheckIEPPS(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkIEPPS, []nidCase{
		{desc: "one letter", in: "1234567T", want: nidValid},
		{desc: "W suffix", in: "1234567TW", want: nidValid},
		{desc: "A suffix", in: "1234567FA", want: nidValid},
		{desc: "generated", in: "9859290QA", want: nidValid},
		{desc: "wrong letter", in: "1234567A", want: nidBadSum},
		{desc: "bad suffix", in: "1234567TZ", want: nidNone},
		{desc: "no letter", in: "12345678", want: nidNone},
	})
}
