package proxy

import (
	"testing"
	"unicode/utf8"
)

func TestCandidateTail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		text string
		want string // the part held back
	}{
		{desc: "word being typed", text: "You said: hel", want: "hel"},
		{desc: "finished plain words", text: "You said: hello ", want: ""},
		{desc: "a name may continue", text: "your agent is Maria ", want: "Maria "},
		{desc: "name with particle", text: "ask for Anna van ", want: "Anna van "},
		{desc: "digit groups", text: "call +49 30 1234", want: "+49 30 1234"},
		{desc: "email in progress", text: "write to maria@exa", want: "maria@exa"},
		{desc: "sentence end closes", text: "It is done. ", want: ""},
		{desc: "empty", text: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			n := candidateTail(tc.text, 120)
			if got := tc.text[len(tc.text)-n:]; got != tc.want {
				t.Fatalf("held back %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzCandidateTail(f *testing.F) {
	for _, s := range []string{"You said: hel", "Anna van ", "+49 30 1234", "a@b", "Straße 5 ", "\xff\xfe Zoë "} {
		f.Add(s, 64)
	}
	f.Fuzz(func(t *testing.T, text string, maxLen int) {
		if maxLen < 1 || maxLen > 1024 {
			return
		}
		n := candidateTail(text, maxLen)
		if n < 0 || n > len(text) || n > maxLen {
			t.Fatalf("candidateTail = %d for %d bytes, max %d", n, len(text), maxLen)
		}
		if n < len(text) && n > 0 && utf8.ValidString(text) && !utf8.RuneStart(text[len(text)-n]) {
			t.Fatalf("hold-back splits a rune")
		}
	})
}
