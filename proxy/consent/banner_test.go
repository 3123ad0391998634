package consent

import (
	"strings"
	"testing"
)

func TestAllowInCSP(t *testing.T) {
	t.Parallel()
	b := NewBanner()
	sh, st := b.ScriptHash, b.StyleHash
	tests := []struct {
		desc string
		in   string
		want string
	}{
		{desc: "no policy", in: "", want: ""},
		{desc: "strict self", in: "default-src 'self'; script-src 'self'; style-src 'self'",
			want: "default-src 'self'; script-src 'self' " + sh + "; style-src 'self' " + st},
		{desc: "default-src only", in: "default-src 'self'",
			want: "default-src 'self' " + sh + " " + st},
		{desc: "none becomes the hash", in: "script-src 'none'; style-src 'none'",
			want: "script-src " + sh + "; style-src " + st},
		{desc: "unsafe-inline left alone", in: "script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'",
			want: "script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'"},
		{desc: "nonce policy gets the hash", in: "script-src 'nonce-abc' 'strict-dynamic'",
			want: "script-src 'nonce-abc' 'strict-dynamic' " + sh},
		{desc: "elem directives win", in: "script-src 'self'; script-src-elem 'self'",
			want: "script-src 'self'; script-src-elem 'self' " + sh},
		{desc: "other directives untouched", in: "img-src *; frame-ancestors 'none'",
			want: "img-src *; frame-ancestors 'none'"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := b.AllowInCSP(tc.in); got != tc.want {
				t.Fatalf("AllowInCSP(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
	if !strings.HasPrefix(sh, "'sha256-") || strings.Contains(string(b.Snippet()), "onclick") {
		t.Fatal("banner snippet")
	}
}
