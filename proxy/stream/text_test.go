package stream

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

var tokens = map[string]string{
	"[EMAIL_7f3a2c]": "jane@example.com",
	"[EMAIL_7f3a2d]": "joe@example.org",
	"[PHONE_01ab99]": "+49 30 1234567",
	"[NAME_aa]":      "Zoë",
}

func TestReplacer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc     string
		keys     map[string]string
		text     string
		want     string
		holdback int
	}{
		{desc: "no keys", keys: nil, text: "hello [EMAIL", want: "hello [EMAIL"},
		{desc: "tokens", keys: tokens, text: "Mail [EMAIL_7f3a2c] or [PHONE_01ab99].", want: "Mail jane@example.com or +49 30 1234567."},
		{desc: "unknown token stays", keys: tokens, text: "[EMAIL_000000]", want: "[EMAIL_000000]"},
		{desc: "unfinished token held", keys: tokens, text: "Mail [EMA", want: "Mail [EMA", holdback: 4},
		{desc: "bracket held", keys: tokens, text: "a [", want: "a [", holdback: 1},
		{desc: "near miss not held", keys: tokens, text: "a [EMAIL_7f3a2x and", want: "a [EMAIL_7f3a2x and"},
		{desc: "held from the earliest open candidate", keys: tokens, text: "[EMAIL_7f[NAME_a", want: "[EMAIL_7f[NAME_a", holdback: 7},
		{desc: "longest key wins", keys: map[string]string{"ab": "1", "abcd": "2"}, text: "abcd abc ab", want: "2 1c 1", holdback: 2},
		{desc: "complete key held while a longer one may follow", keys: map[string]string{"ab": "1", "abcd": "2"}, text: "xab", want: "x1", holdback: 2},
		{desc: "overlapping keys scan left to right", keys: map[string]string{"ab": "1", "bcd": "2"}, text: "abcd", want: "1cd"},
		{desc: "decision past the end of a match", keys: map[string]string{"ab": "1", "abcd": "2", "cz": "3"}, text: "abcxc", want: "1cxc", holdback: 1},
		{desc: "replacement to empty", keys: map[string]string{"x": ""}, text: "axbx", want: "ab"},
		{desc: "multi-byte keys", keys: map[string]string{"é": "e", "😀": ":)"}, text: "café 😀", want: "cafe :)"},
		{desc: "empty key ignored", keys: map[string]string{"": "boom"}, text: "abc", want: "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := NewReplacer(tc.keys)
			if got := r.Transform(tc.text); got != tc.want {
				t.Errorf("Transform = %q, want %q", got, tc.want)
			}
			if got := r.Holdback(tc.text); got != tc.holdback {
				t.Errorf("Holdback = %d, want %d", got, tc.holdback)
			}
		})
	}
}

func TestTextStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc   string
		pieces []string
		want   []string // one output per piece, then Close's
	}{
		{desc: "ordinary text is not delayed", pieces: []string{"Hello", ", wor", "ld!"}, want: []string{"Hello", ", wor", "ld!", ""}},
		{desc: "token split over pieces", pieces: []string{"Mail [E", "MAIL_7f", "3a2c] now"},
			want: []string{"Mail ", "", "jane@example.com now", ""}},
		{desc: "near miss released", pieces: []string{"a [EMA", "X] b"}, want: []string{"a ", "[EMAX] b", ""}},
		{desc: "held at the end", pieces: []string{"x [PHONE_01"}, want: []string{"x ", "[PHONE_01"}},
		{desc: "rune split over pieces", pieces: []string{"caf\xc3", "\xa9 \xf0\x9f", "\x98", "\x80"}, want: []string{"caf", "é ", "", "😀", ""}},
		{desc: "invalid bytes are not held", pieces: []string{"a\xff", "\xc3("}, want: []string{"a\xff", "\xc3(", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			s := NewTextStream(NewReplacer(tokens), 64)
			var got []string
			for _, p := range tc.pieces {
				got = append(got, s.Write(p))
			}
			got = append(got, s.Close())
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestTextStreamMaxHold(t *testing.T) {
	t.Parallel()
	r := NewReplacer(map[string]string{strings.Repeat("a", 20) + "!": "X"})
	s := NewTextStream(r, 8)
	var out strings.Builder
	for range 30 {
		out.WriteString(s.Write("a"))
		if s.Held() > 8+3 {
			t.Fatalf("holding %d bytes, cap 8", s.Held())
		}
	}
	out.WriteString(s.Close())
	if out.String() != strings.Repeat("a", 30) {
		t.Errorf("got %q", out.String())
	}
	// The cap never splits a rune.
	s = NewTextStream(NewReplacer(map[string]string{"ééééé!": "X"}), 5)
	for range 4 {
		if o := s.Write("é"); !utf8.ValidString(o) {
			t.Fatalf("split rune: %q", o)
		}
	}
}

func TestChain(t *testing.T) {
	t.Parallel()
	first := NewReplacer(map[string]string{"[T1]": "<A>", "x": "[T"})
	second := NewReplacer(map[string]string{"<A>": "alpha", "[T2]": "beta"})
	whole := "go [T1] and x2] then [T1]"
	want := second.Transform(first.Transform(whole))
	for _, size := range []int{1, 2, 3, 5, 100} {
		c := Chain(NewTextStream(first, 0), NewTextStream(second, 0))
		var got strings.Builder
		for p := range chunks(whole, size) {
			got.WriteString(c.Write(p))
		}
		got.WriteString(c.Close())
		if got.String() != want {
			t.Errorf("pieces of %d: got %q, want %q", size, got.String(), want)
		}
	}
}

// chunks yields s in pieces of n bytes.
func chunks(s string, n int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// fuzzKeys overlap in every way the scan has to get right.
var fuzzKeys = map[string]string{
	"[EMAIL_7f3a2c]": "jane@example.com", "[EMAIL_7f3a2d]": "[EMAIL_7f3a2c]", "[EMAIL_7f": "?",
	"ab": "1", "abcd": "2", "bc": "3", "cz": "4", "é": "e", "😀😀": "two", "4111": "card", "41": "",
}

// buildText makes a text of keys, proper prefixes of keys and filler from ops.
func buildText(keys []string, filler string, ops []byte) string {
	var b strings.Builder
	for i := 0; i+1 < len(ops); i += 2 {
		k := keys[int(ops[i+1])%len(keys)]
		switch ops[i] % 4 {
		case 0, 1:
			b.WriteString(k)
		case 2:
			b.WriteString(k[:int(ops[i])%len(k)])
		default:
			if filler != "" {
				j := int(ops[i+1]) % len(filler)
				b.WriteString(filler[j:min(len(filler), j+int(ops[i]%8))])
			}
		}
	}
	return b.String()
}

func FuzzReplacerStream(f *testing.F) {
	f.Add("", "hello [EMAIL_7f3a2c] wörld", []byte{0, 0, 2, 1, 3, 5, 1, 7}, uint64(1))
	f.Add("[X]\x00[X]Y", "abcdabc 4111 41", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint64(7))
	f.Fuzz(func(t *testing.T, keyBlob, filler string, ops []byte, seed uint64) {
		if len(ops) > 256 || len(filler) > 256 {
			return // the all-splits check below is quadratic
		}
		pairs := make(map[string]string, len(fuzzKeys)+4)
		for k, v := range fuzzKeys {
			pairs[k] = v
		}
		for i, k := range strings.SplitN(keyBlob, "\x00", 5) {
			if k != "" && len(k) <= 32 {
				pairs[k] = fmt.Sprint(i)
			}
		}
		keys := make([]string, 0, len(pairs))
		for k := range pairs {
			keys = append(keys, k)
		}
		// Map order is random: sort for reproducible texts.
		slices.Sort(keys)
		r := NewReplacer(pairs)
		whole := buildText(keys, filler, ops) + filler
		want := r.Transform(whole)

		// Consistency of Holdback with Transform at every split.
		for i := 0; i <= len(whole); i++ {
			a := whole[:i]
			c := len(a) - r.Holdback(a)
			if c < 0 || c > len(a) {
				t.Fatalf("Holdback(%q) out of range", a)
			}
			if got := r.Transform(a[:c]) + r.Transform(whole[c:]); got != want {
				t.Fatalf("cut at %d of %q: %q, want %q", c, whole, got, want)
			}
		}

		// Streaming at random byte boundaries equals the whole transform.
		rng := rand.New(rand.NewPCG(seed, seed>>1))
		s := NewTextStream(r, r.MaxLen())
		var got strings.Builder
		validIn := utf8.ValidString(whole)
		for rest := whole; rest != ""; {
			n := min(len(rest), 1+rng.IntN(8))
			out := s.Write(rest[:n])
			if validIn && !utf8.ValidString(out) {
				t.Fatalf("output %q splits a rune", out)
			}
			got.WriteString(out)
			rest = rest[n:]
		}
		got.WriteString(s.Close())
		if got.String() != want {
			t.Fatalf("streamed %q\nwant     %q\ntext     %q", got.String(), want, whole)
		}

		// The same through a TextReader, and through a chain whose second stage matches the
		// first one's output.
		out, err := io.ReadAll(NewTextReader(&splitReader{[]byte(whole), ops}, NewTextStream(r, r.MaxLen())))
		if err != nil || string(out) != want {
			t.Fatalf("TextReader: %q, %v; want %q", out, err, want)
		}
		second := NewReplacer(map[string]string{"jane@": "J", "1c": "X", "e2": "Y", "[EMAIL_7f3a2c]": "Z"})
		c := Chain(NewTextStream(r, r.MaxLen()), NewTextStream(second, second.MaxLen()))
		got.Reset()
		for p := range chunks(whole, 1+int(seed%7)) {
			got.WriteString(c.Write(p))
		}
		got.WriteString(c.Close())
		if want2 := second.Transform(want); got.String() != want2 {
			t.Fatalf("chain: %q, want %q", got.String(), want2)
		}
	})
}

func TestTextReader(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	whole := "Dear [NAME_aa], we mailed [EMAIL_7f3a2c] (not [EMAIL_7f3a2x]) — grüße [PHONE_01ab99"
	for _, cuts := range [][]byte{nil, {0}, {3, 1, 4, 1, 5, 9, 2, 6}} {
		out, err := io.ReadAll(NewTextReader(&splitReader{[]byte(whole), cuts}, NewTextStream(r, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if want := r.Transform(whole); string(out) != want {
			t.Errorf("cuts %v: got %q, want %q", cuts, out, want)
		}
	}
	boom := errors.New("boom")
	_, err := io.ReadAll(NewTextReader(iotest.ErrReader(boom), NewTextStream(r, 0)))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}
