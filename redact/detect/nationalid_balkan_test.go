package detect

import "testing"

func TestCheckHROIB(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkHROIB, []nidCase{
		{desc: "example", in: "94577403194", want: nidValid},
		{desc: "generated", in: "28096792908", want: nidValid},
		{desc: "wrong digit", in: "94577403195", want: nidBadSum},
		{desc: "short", in: "9457740319", want: nidNone},
	})
}

func TestCheckSIEMSO(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkSIEMSO, []nidCase{
		{desc: "1900s", in: "0609964561103", want: nidValid},
		{desc: "2000s", in: "2004961597849", want: nidValid},
		{desc: "wrong digit", in: "0609964561104", want: nidBadSum},
		{desc: "not slovenia", in: "0609964711103", want: nidBadSum},
		{desc: "bad date", in: "3202964561103", want: nidBadSum},
	})
}

func TestCheckBGEGN(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkBGEGN, []nidCase{
		{desc: "example", in: "7523169263", want: nidValid},
		{desc: "generated", in: "7310259498", want: nidValid},
		{desc: "wrong digit", in: "7523169264", want: nidBadSum},
		{desc: "bad month", in: "7513169263", want: nidBadSum},
	})
}
