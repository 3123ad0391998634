package detect

import "testing"

func TestCheckBalticIK(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkBalticIK, []nidCase{
		{desc: "example", in: "36805280109", want: nidValid},
		{desc: "born 2000s", in: "61507203442", want: nidValid},
		{desc: "woman", in: "46210263408", want: nidValid},
		{desc: "wrong digit", in: "36805280108", want: nidBadSum},
		{desc: "1800s", in: "16805280109", want: nidBadSum},
	})
}

func TestCheckLVPK(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkLVPK, []nidCase{
		{desc: "example", in: "161175-19997", want: nidValid},
		{desc: "generated", in: "020865-11370", want: nidValid},
		{desc: "wrong digit", in: "161175-19998", want: nidBadSum},
		{desc: "new format has no check", in: "321234-56789", want: nidWeak},
		{desc: "bad century digit", in: "161175-39997", want: nidBadSum},
	})
}
