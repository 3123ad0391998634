package detect

import "testing"

func TestCheckCZRC(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkCZRC, []nidCase{
		{desc: "man", in: "000723/1895", want: nidValid},
		{desc: "woman", in: "955124/1458", want: nidValid},
		{desc: "born 2000s", in: "006204/6446", want: nidValid},
		{desc: "compact", in: "1001300960", want: nidValid},
		{desc: "nine digits", in: "530415/123", want: nidWeak},
		{desc: "nine digits after 1953", in: "540415/123", want: nidBadSum},
		{desc: "not divisible", in: "000723/1896", want: nidBadSum},
		{desc: "bad month", in: "001323/1895", want: nidBadSum},
	})
}
