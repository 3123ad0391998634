package redact

import (
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Text is the view of a message that detectors read: the original bytes, a normalized copy
// (NFKC, zero-width characters and soft hyphens removed, every space variant turned into ' ',
// every dash variant into '-', every decimal digit into its ASCII digit), an ASCII-case-folded
// copy of the same length, and its word tokens. Offsets found in Norm map back to Orig with OrigSpan.
//
// A Text may share memory with the buffers it reuses: Reset invalidates the Norm, Lower and Tokens
// of the previous view, so a detector must not keep them (or substrings of them) after Detect returns.
// Offsets are kept in int32: a message must be shorter than 2 GiB (the proxy caps bodies far below).
type Text struct {
	Orig string
	// Norm is the normalized text detectors match on. It equals Orig when Orig needs no change.
	Norm string
	// Lower is Norm with letters lower-cased wherever that keeps the byte length, so an index into
	// Lower is an index into Norm. Use it for case-insensitive context-word checks.
	Lower string
	// Tokens are the maximal runs of letters, digits and combining marks in Norm, in order.
	Tokens []Token
	// Flags is the union of the flags of all tokens: a detector can return at once when, say, no
	// token has a digit (t.Flags&HasDigit == 0).
	Flags TokenFlag

	// offs[i] is the offset in Orig of the normalization segment that produced Norm[i];
	// offs[len(Norm)] == len(Orig). nil when Norm == Orig.
	offs []int32

	normBuf  []byte   // backing store of Norm when it differs from Orig
	lowerBuf []byte   // backing store of Lower when it differs from Norm
	offsBuf  []int32  // backing store of offs
	wbits    []uint64 // WordSet lexicon bits of the tokens, looked up on demand (0: not yet)
	sortBuf  []int32  // the buckets of sortFindings
	anchors  anchorLists
	marker   *Marker // whose marks are in marks; nil until asked in this view
	marks    []Mark
	markBits uint32  // the union of the marks' Bits
	lister   *Lister // whose lists are in lists; nil until asked in this view
	lists    [][]int32
	iter     norm.Iter
}

// NewText normalizes and tokenizes s.
func NewText(s string) *Text {
	t := &Text{}
	t.Reset(s)
	return t
}

// Reset makes t the view of s, reusing t's buffers. The strings and tokens of the previous view
// are invalid afterwards.
func (t *Text) Reset(s string) {
	t.Orig = s
	t.Tokens = t.Tokens[:0]
	t.wbits = t.wbits[:0]
	t.anchors.reset(1 << 20)
	t.marker, t.marks = nil, t.marks[:0]
	t.lister = nil
	t.offs = nil
	t.Norm = s
	if !t.tokenize(true) { // most text is already normal: checked while tokenized
		t.normalize(s)
		t.tokenize(false)
	}
}

// release drops every reference to the message and zeroes the copies of it in the buffers it keeps,
// so a pooled Text holds no personal data. Buffers that grew past keepCap are dropped.
func (t *Text) release() {
	const keepCap = 1 << 20
	clear(t.normBuf)
	clear(t.lowerBuf)
	t.normBuf, t.lowerBuf = t.normBuf[:0], t.lowerBuf[:0]
	t.Orig, t.Norm, t.Lower, t.offs, t.Flags = "", "", "", nil, 0
	t.Tokens = t.Tokens[:0]
	t.wbits = t.wbits[:0]
	t.anchors.reset(keepCap / 16)
	t.marker, t.marks = nil, t.marks[:0]
	t.resetLists(keepCap / 16)
	if cap(t.marks) > keepCap/8 {
		t.marks = nil
	}
	if cap(t.wbits) > keepCap/8 {
		t.wbits = nil
	}
	if cap(t.sortBuf) > keepCap/8 {
		t.sortBuf = nil
	}
	if cap(t.normBuf) > keepCap {
		t.normBuf = nil
	}
	if cap(t.lowerBuf) > keepCap {
		t.lowerBuf = nil
	}
	if cap(t.offsBuf) > keepCap {
		t.offsBuf = nil
	}
	if cap(t.Tokens) > keepCap/16 {
		t.Tokens = nil
	}
}

// OrigSpan maps a span of Norm to the span of Orig that produced it. A span that starts or ends
// inside a normalization segment (a ligature, a composed character) or inside a multi-byte
// character is widened to the whole segment or character, so the result is always a valid span of
// whole characters of Orig. Out-of-range offsets are clamped.
func (t *Text) OrigSpan(start, end int) (int, int) {
	n := len(t.Norm)
	start = min(max(start, 0), n)
	end = min(max(end, start), n)
	if t.offs == nil {
		// Norm == Orig: only widen to whole UTF-8 characters.
		s := t.Orig
		for start > 0 && start < len(s) && !utf8.RuneStart(s[start]) {
			start--
		}
		for end < len(s) && end > 0 && !utf8.RuneStart(s[end]) {
			end++
		}
		return start, end
	}
	os := int(t.offs[start])
	if end == n {
		return os, len(t.Orig)
	}
	// The end is exclusive: the original end is the start of the segment holding Norm[end],
	// unless end falls inside a segment, which then counts as included.
	oe := int(t.offs[end])
	if end > start && t.offs[end-1] == t.offs[end] {
		j := end + 1
		for j < n && t.offs[j] == t.offs[end] {
			j++
		}
		oe = int(t.offs[j])
	}
	return os, oe
}

// Before returns up to n bytes of Lower that precede pos, cut at a rune boundary.
func (t *Text) Before(pos, n int) string {
	pos = min(max(pos, 0), len(t.Lower))
	lo := max(pos-n, 0)
	for lo > 0 && lo < pos && !utf8.RuneStart(t.Lower[lo]) {
		lo++
	}
	return t.Lower[lo:pos]
}

// After returns up to n bytes of Lower that follow pos, cut at a rune boundary.
func (t *Text) After(pos, n int) string {
	pos = min(max(pos, 0), len(t.Lower))
	hi := min(pos+n, len(t.Lower))
	for hi < len(t.Lower) && hi > pos && !utf8.RuneStart(t.Lower[hi]) {
		hi--
	}
	return t.Lower[pos:hi]
}

// TokenAt returns the index of the first token that ends after pos (the token containing pos, or
// the next one), or len(t.Tokens) if there is none.
func (t *Text) TokenAt(pos int) int {
	lo, hi := 0, len(t.Tokens)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.Tokens[m].End <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// TokenText returns the normalized text of token i.
func (t *Text) TokenText(i int) string {
	k := t.Tokens[i]
	return t.Norm[k.Start:k.End]
}

// hiBits has the high bit of each byte of a word: the bits that only non-ASCII bytes set.
const hiBits = 0x8080808080808080

// load64 returns the 8 bytes of s at i as a little-endian word (the compiler makes it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// bytesString returns a string that shares b's memory. The caller must not change b while the
// string is in use: Text only rewrites its buffers on Reset, which invalidates the previous view.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
