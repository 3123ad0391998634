package detect

import "testing"

func TestCheckESDNI(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkESDNI, []nidCase{
		{desc: "compact", in: "12345678Z", want: nidValid},
		{desc: "dash", in: "12345678-Z", want: nidValid},
		{desc: "dotted", in: "84.600.195-P", want: nidValid},
		{desc: "wrong letter", in: "12345678A", want: nidBadSum},
		{desc: "nie shape", in: "X1234567L", want: nidNone},
		{desc: "no letter", in: "123456789", want: nidNone},
	})
}

func TestCheckESNIE(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkESNIE, []nidCase{
		{desc: "X", in: "X1234567L", want: nidValid},
		{desc: "Y dashed", in: "Y-1128710-E", want: nidValid},
		{desc: "Z dashed", in: "Z-5488332-P", want: nidValid},
		{desc: "wrong letter", in: "X1234567A", want: nidBadSum},
		{desc: "other prefix", in: "A1234567L", want: nidNone},
	})
}
