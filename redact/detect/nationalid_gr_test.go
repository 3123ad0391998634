package detect

import "testing"

func TestCheckGRAMKA(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkGRAMKA, []nidCase{
		{desc: "example", in: "01013099997", want: nidValid},
		{desc: "generated", in: "04099829113", want: nidValid},
		{desc: "wrong digit", in: "01013099998", want: nidBadSum},
		{desc: "bad date", in: "32013099996", want: nidBadSum},
	})
}
