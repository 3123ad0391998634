package detect

import "testing"

// TestWordIndex checks lookups of packed and long words, and that words differing only by zero
// bytes or length are told apart.
func TestWordIndex(t *testing.T) {
	t.Parallel()
	var x wordIndex
	words := []string{"a", "de", "van", "straße", "abcdefg", "abcdefgh", "septiembre", "a\x00"}
	for i, w := range words {
		x.put(w, int32(i))
	}
	for i := range 100 { // grow the table past its first size
		x.put("w"+string(rune('a'+i%26))+string(rune('a'+i/26)), int32(100+i))
	}
	tests := []struct {
		desc string
		word string
		want int32
		ok   bool
	}{
		{desc: "one byte", word: "a", want: 0, ok: true},
		{desc: "packed", word: "van", want: 2, ok: true},
		{desc: "multi-byte letters", word: "straße", want: 3, ok: true},
		{desc: "longest packed", word: "abcdefg", want: 4, ok: true},
		{desc: "eight bytes", word: "abcdefgh", want: 5, ok: true},
		{desc: "long", word: "septiembre", want: 6, ok: true},
		{desc: "zero byte", word: "a\x00", want: 7, ok: true},
		{desc: "two zero bytes", word: "a\x00\x00", ok: false},
		{desc: "prefix", word: "va", ok: false},
		{desc: "absent", word: "zzz", ok: false},
		{desc: "empty", word: "", ok: false},
		{desc: "after growing", word: "wbc", want: 100 + 1 + 2*26, ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got, ok := x.get(tc.word)
			if ok != tc.ok || ok && got != tc.want {
				t.Errorf("get(%q) = %d, %v; want %d, %v", tc.word, got, ok, tc.want, tc.ok)
			}
		})
	}
}
