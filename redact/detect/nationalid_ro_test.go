package detect

import "testing"

func TestCheckROCNP(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkROCNP, []nidCase{
		{desc: "generated", in: "1620108256084", want: nidValid},
		{desc: "born 2015", in: "5150531303986", want: nidValid},
		{desc: "woman", in: "2940706305631", want: nidValid},
		{desc: "wrong check digit", in: "1620108256085", want: nidBadSum},
		{desc: "bad county", in: "1620108996084", want: nidBadSum},
		{desc: "leading zero", in: "0620108256084", want: nidNone},
	})
}
