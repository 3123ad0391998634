package detect

import "testing"

func TestCheckNLBSN(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkNLBSN, []nidCase{
		{desc: "compact", in: "111222333", want: nidValid},
		{desc: "dotted", in: "1919.01.532", want: nidValid},
		{desc: "wrong digit", in: "111222334", want: nidBadSum},
		{desc: "all zero", in: "000000000", want: nidBadSum},
		{desc: "too long", in: "1112223330", want: nidNone},
	})
}

func TestCheckBENN(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkBENN, []nidCase{
		{desc: "dotted", in: "85.07.30-033.28", want: nidValid},
		{desc: "born after 2000", in: "14.05.02-197.04", want: nidValid},
		{desc: "compact", in: "42031732964", want: nidValid},
		{desc: "wrong key", in: "85073003329", want: nidBadSum},
		{desc: "bad month", in: "85133003328", want: nidBadSum},
		{desc: "letters", in: "8507300332A", want: nidNone},
	})
}
