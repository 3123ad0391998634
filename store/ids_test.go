package store

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestParseID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want ID
		ok   bool
	}{
		{"0-0", ID{}, true},
		{"1700000000000-5", ID{1700000000000, 5}, true},
		{"18446744073709551615-18446744073709551615", MaxID, true},
		{"", ID{}, false},
		{"12", ID{}, false},
		{"1-", ID{}, false},
		{"-1", ID{}, false},
		{"a-1", ID{}, false},
		{"1-2-3", ID{}, false},
		{"18446744073709551616-0", ID{}, false},
	} {
		got, err := ParseID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseID(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseID(%q) error is not ErrInvalid", tc.in)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"9-0", "10-0", -1},
		{"10-0", "9-0", 1},
		{"5-9", "5-10", -1},
		{"5-1", "5-1", 0},
		{"5-1", "junk", -1},
		{"junk", "5-1", 1},
		{"a", "b", -1},
	} {
		if got := CompareIDs(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNextID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"5-1":                    "5-2",
		"5-18446744073709551615": "6-0",
	} {
		if got, err := NextID(in); err != nil || got != want {
			t.Errorf("NextID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := NextID("x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("NextID of junk = %v", err)
	}
}

func TestRangeBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, to string
		lo, hi   ID
		ok       bool
	}{
		{"-", "+", ID{}, MaxID, true},
		{"5", "7", ID{5, 0}, ID{7, math.MaxUint64}, true},
		{"5-3", "7-1", ID{5, 3}, ID{7, 1}, true},
		{"x", "+", ID{}, ID{}, false},
		{"-", "7-", ID{}, ID{}, false},
		{"+", "-", MaxID, ID{}, true},
	} {
		lo, hi, err := RangeBounds(tc.from, tc.to)
		if (err == nil) != tc.ok || lo != tc.lo || hi != tc.hi {
			t.Errorf("RangeBounds(%q, %q) = %v, %v, %v", tc.from, tc.to, lo, hi, err)
		}
	}
}

func ExampleCompareIDs() {
	fmt.Println(CompareIDs("9-0", "10-0"), CompareIDs("10-2", "10-1"))
	next, _ := NextID("1700000000000-4")
	fmt.Println(next)
	// Output:
	// -1 1
	// 1700000000000-5
}
