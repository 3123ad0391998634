package detect

import "testing"

func TestCheckPTNIF(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkPTNIF, []nidCase{
		{desc: "person", in: "123456789", want: nidValid},
		{desc: "generated", in: "163169411", want: nidValid},
		{desc: "company", in: "501964843", want: nidValid},
		{desc: "wrong digit", in: "123456788", want: nidBadSum},
		{desc: "bad first digit", in: "723456789", want: nidBadSum},
		{desc: "too short", in: "12345678", want: nidNone},
	})
}
