package vault

import "testing"

func TestRestorerHoldback(t *testing.T) {
	t.Parallel()
	r := newRestorer([]pair{
		{token: "[EMAIL_7f3a2c]", value: "a@example.com"},
		{token: "4111111111111111", value: "5500000000000004", wordL: true, wordR: true},
	})
	tests := []struct {
		desc string
		text string
		want int
	}{
		{desc: "no prefix", text: "hello there", want: 0},
		{desc: "bracket", text: "mail me at [", want: 1},
		{desc: "partial placeholder", text: "mail me at [EMAIL_7f", want: 9},
		{desc: "whole placeholder is done", text: "mail [EMAIL_7f3a2c]", want: 0},
		{desc: "partial card", text: "card 41111", want: 5},
		{desc: "whole card may still grow", text: "card 4111111111111111", want: 16},
		{desc: "mismatch", text: "[EMAIL_7f3a2d", want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := r.Holdback(tc.text); got != tc.want {
				t.Fatalf("Holdback(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
}
