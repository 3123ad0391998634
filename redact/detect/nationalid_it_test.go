package detect

import "testing"

func TestCheckITCF(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkITCF, []nidCase{
		{desc: "classic example", in: "RSSMRA85T10A562S", want: nidValid},
		{desc: "lower case", in: "rssmra85t10a562s", want: nidValid},
		{desc: "woman", in: "YGKPYA33D54W265S", want: nidValid},
		{desc: "generated", in: "NZURTY74P01G501D", want: nidValid},
		{desc: "omocodia", in: "RSSMRA85T10A56NH", want: nidValid},
		{desc: "wrong check letter", in: "RSSMRA85T10A562T", want: nidBadSum},
		{desc: "month letter not a month", in: "RSSMRA85N10A562S", want: nidBadSum},
		{desc: "month letter invalid", in: "RSSMRA85F10A562S", want: nidNone},
		{desc: "digit where letter", in: "RSSMR185T10A562S", want: nidNone},
		{desc: "too short", in: "RSSMRA85T10A562", want: nidNone},
	})
}
