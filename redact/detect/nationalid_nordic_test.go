package detect

import "testing"

func TestCheckSEPNR(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkSEPNR, []nidCase{
		{desc: "short", in: "811228-9874", want: nidValid},
		{desc: "centenarian", in: "811228+9874", want: nidValid},
		{desc: "long", in: "19570706-6212", want: nidValid},
		{desc: "long compact", in: "197606079056", want: nidValid},
		{desc: "samordningsnummer", in: "701063-2391", want: nidValid},
		{desc: "wrong luhn", in: "811228-9875", want: nidBadSum},
		{desc: "bad century", in: "17811228-9874", want: nidBadSum},
		{desc: "letters", in: "81122A-9874", want: nidNone},
	})
}

func TestCheckDKCPR(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkDKCPR, []nidCase{
		{desc: "dash", in: "211078-3119", want: nidValid},
		{desc: "leap day 2000s", in: "290204-4123", want: nidValid},
		{desc: "no leap day 1900s", in: "290200-1123", want: nidBadSum},
		{desc: "bad month", in: "211378-3119", want: nidBadSum},
	})
}

func TestCheckFIHETU(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkFIHETU, []nidCase{
		{desc: "1900s", in: "131052-308T", want: nidValid},
		{desc: "2000s", in: "050415A019X", want: nidValid},
		{desc: "numeric check", in: "010653-0658", want: nidValid},
		{desc: "wrong check", in: "131052-308U", want: nidBadSum},
		{desc: "bad date", in: "311152-308T", want: nidBadSum},
		{desc: "bad sign", in: "131052G308T", want: nidNone},
	})
}
