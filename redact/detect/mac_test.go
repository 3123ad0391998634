package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestMAC(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewMAC(), []spanCase{
		{desc: "colons", in: "mac aa:bb:cc:dd:ee:ff ok", want: []string{"aa:bb:cc:dd:ee:ff"}},
		{desc: "dashes upper", in: "AA-BB-CC-0D-EE-FF", want: []string{"AA-BB-CC-0D-EE-FF"}},
		{desc: "cisco", in: "aabb.ccdd.eeff.", want: []string{"aabb.ccdd.eeff"}},
		{desc: "digits only with colons", in: "00:11:22:33:44:55", want: []string{"00:11:22:33:44:55"}},
		{desc: "digits only with dashes", in: "12-34-56-78-90-12", want: nil},
		{desc: "mixed separators", in: "aa:bb-cc:dd:ee:ff", want: nil},
		{desc: "five groups", in: "aa:bb:cc:dd:ee", want: nil},
		{desc: "fingerprint", in: "16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", want: nil},
		{desc: "non-hex", in: "aa:bb:cc:dd:ee:fg", want: nil},
		{desc: "time", in: "12:30:45", want: nil},
	})
}

func TestMACStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		in   string // the first token is tested
		want bool
	}{
		{"colons", "aa:bb:cc", true},
		{"dashes", "AA-BB-CC", true},
		{"cisco", "aabb.ccdd.eeff", true},
		{"a time", "14:30 minutes", false},
		{"a time with seconds", "12:30:45", true}, // MAC itself rejects five groups too few
		{"a word before a full stop", "week. The", false},
		{"an e-mail address", "john.doe@example.com", false},
		{"mixed separators", "aa:bb-cc", false},
		{"at the end of the text", "aa:bb", false},
		{"three bytes", "abc:de:f0", false},
		{"four bytes and a colon", "aabb:ccdd:eeff", false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			x := redact.NewText(tc.in)
			if got := macStart(x.Norm, x.Tokens[0]); got != tc.want {
				t.Errorf("macStart(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzMAC(f *testing.F) {
	for _, s := range []string{"aa:bb:cc:dd:ee:ff", "aabb.ccdd.eeff", "a-b-c", "::::::"} {
		f.Add(s)
	}
	d := NewMAC()
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, ":-.") })
}

func BenchmarkMAC(b *testing.B) {
	benchDetector(b, NewMAC(), "The router 00:1a:2b:3c:4d:5e and switch 001a.2b3c.4d5f are up since 12:30. ")
}
