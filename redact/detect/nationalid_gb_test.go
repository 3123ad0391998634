package detect

import "testing"

func TestCheckGBNINO(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkGBNINO, []nidCase{
		{desc: "hmrc example", in: "QQ123456C", want: nidValid},
		{desc: "spaced", in: "QQ 12 34 56 C", want: nidValid},
		{desc: "generated", in: "TJ 14 76 52 A", want: nidValid},
		{desc: "disallowed first letter", in: "DA123456A", want: nidBadSum},
		{desc: "disallowed second letter", in: "AO123456A", want: nidBadSum},
		{desc: "disallowed prefix", in: "GB123456A", want: nidBadSum},
		{desc: "bad suffix", in: "AB123456E", want: nidNone},
		{desc: "lower case", in: "ab123456c", want: nidNone},
	})
}
