package detect

import "testing"

func TestCheckPLPESEL(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkPLPESEL, []nidCase{
		{desc: "example", in: "44051401359", want: nidValid},
		{desc: "generated", in: "78071824704", want: nidValid},
		{desc: "born 2000s", in: "02270803624", want: nidValid},
		{desc: "wrong check digit", in: "44051401358", want: nidBadSum},
		{desc: "1800s month", in: "44851401356", want: nidBadSum},
		{desc: "bad day", in: "44053201351", want: nidBadSum},
		{desc: "too short", in: "4405140135", want: nidNone},
	})
}
