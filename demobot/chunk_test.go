package demobot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitPieces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
	}{
		{desc: "empty", in: ""},
		{desc: "shorter than a piece", in: "ab"},
		{desc: "exactly one max piece", in: "12345678"},
		{desc: "one past max", in: "123456789"},
		{desc: "ascii sentence", in: "You said: my email is jane.doe@example.com"},
		{desc: "two-byte runes", in: "You said: Grüße aus Köln, äöü ß"},
		{desc: "three-byte runes", in: "You said: 東京都千代田区千代田一丁目"},
		{desc: "four-byte runes", in: "You said: 👋🌍🎉🚀✨🔥💡"},
		{desc: "four-byte runes only", in: "👋🌍🎉🚀✨🔥💡😀😀"},
		{desc: "ascii then a four-byte rune near the end", in: "ab👋cde"},
		{desc: "mixed", in: "You said: IBAN DE89 3704 0044 0532 0130 00, Tel +49 30 1234567 — ünïcødé 👋"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			checkPieces(t, tc.in, splitPieces(tc.in))
		})
	}
}

// checkPieces asserts the splitPieces contract for in.
func checkPieces(t *testing.T, in string, pieces []string) {
	t.Helper()
	if got := strings.Join(pieces, ""); got != in {
		t.Fatalf("pieces join to %q, want %q", got, in)
	}
	for i, p := range pieces {
		if !utf8.ValidString(p) {
			t.Errorf("piece %d %q splits a rune", i, p)
		}
		if len(in) >= minPiece && (len(p) < minPiece || len(p) > maxPiece) {
			t.Errorf("piece %d %q is %d bytes, want %d..%d", i, p, len(p), minPiece, maxPiece)
		}
	}
}

func FuzzSplitPieces(f *testing.F) {
	for _, s := range []string{"", "a", "You said: hello", "ab👋cde", "東京👋ü", "👋👋👋"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		checkPieces(t, s, splitPieces(s))
	})
}
