package redact

import (
	"slices"
	"testing"
)

// TestLists checks that a view computes its lists once, on first use, and again after Reset.
func TestLists(t *testing.T) {
	t.Parallel()
	calls := 0
	// List the tokens with a digit, and those of four bytes.
	l := NewLister(2, func(t *Text, lists [][]int32) {
		calls++
		for i, k := range t.Tokens {
			if k.Flags&HasDigit != 0 {
				lists[0] = append(lists[0], int32(i))
			}
			if k.Len() == 4 {
				lists[1] = append(lists[1], int32(i))
			}
		}
	})
	tests := []struct {
		desc   string
		text   string
		digits []int32
		fours  []int32
	}{
		{desc: "digits", text: "call 0301 or 12345 now", digits: []int32{1, 3}, fours: []int32{0, 1}},
		{desc: "no digits", text: "hello world", digits: []int32{}, fours: []int32{}},
		{desc: "empty", text: "", digits: []int32{}, fours: []int32{}},
	}
	var x Text
	for _, tc := range tests {
		x.Reset(tc.text)
		before := calls
		for range 3 {
			got := x.Lists(l)
			if len(got) != 2 || !slices.Equal(got[0], tc.digits) || !slices.Equal(got[1], tc.fours) {
				t.Errorf("%s: lists %v, want [%v %v]", tc.desc, got, tc.digits, tc.fours)
			}
		}
		if calls != before+1 {
			t.Errorf("%s: the lister ran %d times for one view, want 1", tc.desc, calls-before)
		}
	}
}
