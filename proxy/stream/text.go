package stream

import (
	"strings"
	"unicode/utf8"
)

// Transformer rewrites text. Holdback(text) says how many trailing bytes of text could still be
// the start of a match if more text followed (e.g. "[EMA" could become "[EMAIL_7f3a2c]"), so a
// stream must not emit them yet. It must be consistent with Transform: for any split of a text into
// a+b, emitting Transform on the safe prefix and continuing must equal Transform(whole). That is,
// with c = len(a)-Holdback(a): Transform(a[:c]) + Transform(a[c:]+b) == Transform(a+b).
// Transform("") must be "". Implementations must be safe for concurrent use.
type Transformer interface {
	Transform(text string) string
	Holdback(text string) int
}

// TextStreamer is a stateful rewriter of a text that arrives in pieces: the concatenation of what
// Write and Close return is the rewritten text. *TextStream and Chain's result implement it.
type TextStreamer interface {
	// Write takes the next piece and returns the rewritten text that is safe to emit now.
	Write(piece string) string
	// Close returns the rest; the streamer is then ready for a new text.
	Close() string
}

// DefaultMaxHold is the hold-back cap NewTextStream uses when given maxHold <= 0.
const DefaultMaxHold = 256

// TextStream runs a Transformer over a text that arrives in pieces, holding back only what the
// Transformer's Holdback asks for (and an incomplete trailing UTF-8 sequence), so ordinary text is
// emitted as soon as it arrives. The concatenation of its outputs equals Transform of the whole
// text as long as no match is longer than maxHold; past maxHold bytes held, the oldest are
// transformed and emitted anyway. Outputs never split a UTF-8 sequence of the input. A TextStream
// is not safe for concurrent use.
type TextStream struct {
	t       Transformer
	maxHold int
	pending string
}

// NewTextStream returns a stream that rewrites with t and never holds more than maxHold bytes
// (DefaultMaxHold when maxHold <= 0; at least utf8.UTFMax), plus an incomplete character at the
// end. For exact results maxHold must be at least the longest match (Replacer.MaxLen).
func NewTextStream(t Transformer, maxHold int) *TextStream {
	if maxHold <= 0 {
		maxHold = DefaultMaxHold
	}
	return &TextStream{t: t, maxHold: max(maxHold, utf8.UTFMax)}
}

// Write adds piece to the text and returns the transformed part that can no longer change.
func (s *TextStream) Write(piece string) string {
	buf := piece
	if s.pending != "" {
		buf = s.pending + piece
	}
	if buf == "" {
		return ""
	}
	whole := len(buf) - partialRune(buf)
	cut := whole - s.t.Holdback(buf[:whole])
	cut = runeStart(buf, min(max(cut, 0), whole))
	if whole-cut > s.maxHold {
		// The safety cap: give up on the oldest bytes, keeping runes whole. (An incomplete
		// character at the end, at most 3 bytes, is held on top of the cap.)
		cut = min(runeStartAfter(buf, whole-s.maxHold), whole)
	}
	if cut == 0 {
		s.pending = buf
		return ""
	}
	// A copy, so that a large piece is not kept alive by the few bytes held from it.
	s.pending = strings.Clone(buf[cut:])
	return s.t.Transform(buf[:cut])
}

// Close transforms and returns what is still held.
func (s *TextStream) Close() string {
	buf := s.pending
	s.pending = ""
	if buf == "" {
		return ""
	}
	return s.t.Transform(buf)
}

// Held returns the number of bytes the stream is holding back.
func (s *TextStream) Held() int { return len(s.pending) }

// partialRune returns the length of an incomplete UTF-8 sequence at the end of s that more bytes
// could complete, 0 if there is none.
func partialRune(s string) int {
	for n := 1; n < utf8.UTFMax && n <= len(s); n++ {
		if c := s[len(s)-n]; utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRuneInString(s[len(s)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

// runeStart moves i back to the start of the valid UTF-8 sequence it falls inside, if any.
func runeStart(s string, i int) int {
	if i <= 0 || i >= len(s) || utf8.RuneStart(s[i]) {
		return i
	}
	for j := i - 1; j >= 0 && j > i-utf8.UTFMax; j-- {
		if utf8.RuneStart(s[j]) {
			if r, size := utf8.DecodeRuneInString(s[j:]); (r != utf8.RuneError || size > 1) && j+size > i {
				return j
			}
			return i
		}
	}
	return i
}

// runeStartAfter moves i forward to the end of the valid UTF-8 sequence it falls inside, if any.
func runeStartAfter(s string, i int) int {
	if j := runeStart(s, i); j < i {
		_, size := utf8.DecodeRuneInString(s[j:])
		return j + size
	}
	return i
}

// Chain returns a streamer that pipes each piece through ss in order: what the first emits is
// written to the second, and so on. It is consistent by construction (each stage's output
// concatenates to its transform of its whole input), so the result is
// ...T2(T1(whole)); the hold-back is the sum of the stages'. A Transformer-level chain cannot be
// made consistent in general: the second stage's hold-back is in transformed text, which has no
// position in the input to cut at.
func Chain(ss ...TextStreamer) TextStreamer { return chain(ss) }

type chain []TextStreamer

func (c chain) Write(piece string) string {
	for _, s := range c {
		piece = s.Write(piece)
	}
	return piece
}

func (c chain) Close() string {
	out := ""
	for _, s := range c {
		// What the earlier stages flushed passes through this one before it closes.
		out = s.Write(out)
		out += s.Close()
	}
	return out
}

var (
	_ TextStreamer = (*TextStream)(nil)
	_ TextStreamer = chain(nil)
)
