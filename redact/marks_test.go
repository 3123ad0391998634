package redact

import (
	"slices"
	"testing"
)

// TestMarks checks that a view computes its marks once, on first use, and again after Reset.
func TestMarks(t *testing.T) {
	t.Parallel()
	calls := 0
	// Mark the tokens with a digit, with their length as bits.
	m := NewMarker(func(t *Text, dst []Mark) ([]Mark, uint32) {
		calls++
		var union uint32
		for i, k := range t.Tokens {
			if k.Flags&HasDigit != 0 {
				dst = append(dst, Mark{Tok: int32(i), Bits: uint32(k.Len())})
				union |= uint32(k.Len())
			}
		}
		return dst, union
	})
	tests := []struct {
		desc     string
		text     string
		want     []Mark
		wantBits uint32
	}{
		{desc: "no digits", text: "hello world", want: []Mark{}},
		{desc: "digits", text: "call 0301 or 12345 now", want: []Mark{{1, 4}, {3, 5}}, wantBits: 4 | 5},
		{desc: "empty", text: "", want: []Mark{}},
	}
	var x Text
	for _, tc := range tests {
		x.Reset(tc.text)
		before := calls
		for range 3 {
			if got := x.Marks(m); !slices.Equal(got, tc.want) {
				t.Errorf("%s: marks %v, want %v", tc.desc, got, tc.want)
			}
			if got := x.MarkBits(m); got != tc.wantBits {
				t.Errorf("%s: mark bits %b, want %b", tc.desc, got, tc.wantBits)
			}
		}
		if calls != before+1 {
			t.Errorf("%s: the marker ran %d times for one view, want 1", tc.desc, calls-before)
		}
	}
}
