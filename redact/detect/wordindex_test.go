package detect

import "testing"

// TestWordIndex checks lookups of packed and long words, and that words differing only by zero
// bytes or length are told apart.
func TestWordIndex(t *testing.T) {
	t.Parallel()
	var x wordIndex
	words := []string{"a", "de", "van", "straße", "abcdefg", "abcdefgh", "septiembre", "a\x00",
		"abcdefghijklmno", "abcdefghijklmnop", "abcdefgh\x00", "ab", "abc", "abcd"}
	for i, w := range words {
		x.put(w, int32(i))
	}
	for i := range 100 { // grow the tables past their first size
		x.put("w"+string(rune('a'+i%26))+string(rune('a'+i/26)), int32(100+i))
		x.put("wordword"+string(rune('a'+i%26))+string(rune('a'+i/26)), int32(200+i))
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
		{desc: "longest packed in two", word: "abcdefghijklmno", want: 8, ok: true},
		{desc: "longer", word: "abcdefghijklmnop", want: 9, ok: true},
		{desc: "long with a zero byte", word: "abcdefgh\x00", want: 10, ok: true},
		{desc: "two bytes", word: "ab", want: 11, ok: true},
		{desc: "three bytes", word: "abc", want: 12, ok: true},
		{desc: "four bytes", word: "abcd", want: 13, ok: true},
		{desc: "long prefix", word: "abcdefghijklmn", ok: false},
		{desc: "long with two zero bytes", word: "abcdefgh\x00\x00", ok: false},
		{desc: "two zero bytes", word: "a\x00\x00", ok: false},
		{desc: "prefix", word: "va", ok: false},
		{desc: "absent", word: "zzz", ok: false},
		{desc: "empty", word: "", ok: false},
		{desc: "after growing", word: "wbc", want: 100 + 1 + 2*26, ok: true},
		{desc: "long after growing", word: "wordwordbc", want: 200 + 1 + 2*26, ok: true},
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

// TestPackWord checks packWord and packWord2 against the bytes of the words they pack.
func TestPackWord(t *testing.T) {
	t.Parallel()
	w := "abcdefghijklmnopq"
	for n := 1; n <= maxPacked2; n++ {
		var lo, hi uint64
		for i := 0; i < n; i++ {
			if i < 8 {
				lo |= uint64(w[i]) << (8 * i)
			} else {
				hi |= uint64(w[i]) << (8 * (i - 8))
			}
		}
		if n <= maxPacked {
			if got, want := packWord(w[:n]), lo|uint64(n)<<56; got != want {
				t.Errorf("packWord(%q) = %x, want %x", w[:n], got, want)
			}
			continue
		}
		if gl, gh := packWord2(w[:n]); gl != lo || gh != hi|uint64(n)<<56 {
			t.Errorf("packWord2(%q) = %x, %x; want %x, %x", w[:n], gl, gh, lo, hi|uint64(n)<<56)
		}
	}
}
