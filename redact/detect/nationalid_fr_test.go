package detect

import "testing"

func TestCheckFRNIR(t *testing.T) {
	t.Parallel()
	runNIDChecks(t, checkFRNIR, []nidCase{
		{desc: "spaced", in: "1 84 12 76 451 089 46", want: nidValid},
		{desc: "compact", in: "279095991117258", want: nidValid},
		{desc: "corsica 2B", in: "173022B16553438", want: nidValid},
		{desc: "corsica 2A", in: "2 62 11 2A 211 014 75", want: nidValid},
		{desc: "wrong key", in: "184127645108947", want: nidBadSum},
		{desc: "bad sex digit", in: "584127645108946", want: nidBadSum},
		{desc: "letter elsewhere", in: "1841276A5108946", want: nidNone},
		{desc: "too short", in: "18412764510894", want: nidNone},
	})
}
