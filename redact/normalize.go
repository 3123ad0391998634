package redact

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// isStable reports whether non-ASCII s is already in its normalized form: valid UTF-8, NFKC, and
// with no character that mapRune changes. Most accented European text is, and then needs no copy
// and no offset map. ASCII and the runes of stableTwoByte are NFKC segment starters that nothing
// composes with, so only the runs of other characters (with the starter before them) are checked
// with the NFKC quick check.
func isStable(s string) bool {
	prev := 0 // start of the last ASCII or stableTwoByte character
	for i := 0; i < len(s); {
		if i+8 <= len(s) && load64(s, i)&hiBits == 0 {
			prev, i = i+7, i+8
			continue
		}
		if s[i] < utf8.RuneSelf {
			prev = i
			i++
			continue
		}
		if r, ok := decode2(s, i); ok && stableTwoByte[r] {
			prev = i
			i += 2
			continue
		}
		j, ok := stableRun(s, prev, i)
		if !ok {
			return false
		}
		prev, i = j, j
	}
	return true
}

// stableRun checks the run of characters from s[i] on that are neither ASCII nor stableTwoByte, as
// isStable does: each must be valid and unchanged by mapRune, and the run with the character at
// prev before it (the start of the last ASCII or stableTwoByte one, or 0) must pass the NFKC
// quick check. It returns the end of the run, and ok false where isStable reports false.
func stableRun(s string, prev, i int) (end int, ok bool) {
	j := i
	for j < len(s) && s[j] >= utf8.RuneSelf {
		if r, ok := decode2(s, j); ok && stableTwoByte[r] {
			break
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == utf8.RuneError && size == 1 || mapRune(r) != r {
			return 0, false
		}
		j += size
	}
	return j, norm.NFKC.QuickSpanString(s[prev:j]) == j-prev
}

// stableTwoByte marks the runes below U+0800 that normalization leaves alone wherever they stand:
// NFKC-normal on their own, combining class 0, never composing with what precedes, and unchanged
// by mapRune. A text of ASCII and such runes is normalized. (Anything that could compose with
// them, a combining mark, is not in the table.)
var stableTwoByte = func() (t [0x800]bool) {
	for r := rune(0x80); r < 0x800; r++ {
		p := norm.NFKC.PropertiesString(string(r))
		t[r] = mapRune(r) == r && p.CCC() == 0 && p.BoundaryBefore() &&
			norm.NFKC.IsNormalString(string(r))
	}
	return t
}()

// normalize builds Norm and offs from s. ASCII runs are copied as they are; each island of
// non-ASCII characters, with the ASCII character before it (a possible base of a combining mark),
// goes through the NFKC iterator segment by segment. An ASCII character always starts a new NFKC
// segment, so islands normalize independently.
func (t *Text) normalize(s string) {
	buf := t.normBuf[:0]
	offs := t.offsBuf[:0]
	if cap(buf) < len(s)+8 {
		buf = make([]byte, 0, len(s)+len(s)/8+8)
	}
	if cap(offs) < len(s)+8 {
		offs = make([]int32, 0, len(s)+len(s)/8+8)
	}
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf {
			j++
		}
		if j == len(s) {
			buf, offs = appendASCII(buf, offs, s, i, j)
			break
		}
		k := max(j-1, i) // the ASCII character before the island belongs to it
		buf, offs = appendASCII(buf, offs, s, i, k)
		e := j
		for e < len(s) && s[e] >= utf8.RuneSelf {
			e++
		}
		buf, offs = appendIsland(&t.iter, buf, offs, s, k, e)
		i = e
	}
	offs = append(offs, int32(len(s)))
	t.normBuf, t.offsBuf = buf, offs
	t.Norm = bytesString(buf)
	t.offs = offs
}

// appendASCII copies s[i:j] (ASCII) to buf with the identity offset map.
func appendASCII(buf []byte, offs []int32, s string, i, j int) ([]byte, []int32) {
	buf = append(buf, s[i:j]...)
	for k := i; k < j; k++ {
		offs = append(offs, int32(k))
	}
	return buf, offs
}

// appendIsland normalizes s[i:j], a run that starts at an NFKC segment boundary and ends before an
// ASCII character or at the end of s. A character that fastRuneOut knows, followed by one that starts
// a segment of its own, is a segment by itself and is mapped through the table; the rest goes through
// the NFKC iterator in runs that end before such a character.
func appendIsland(it *norm.Iter, buf []byte, offs []int32, s string, i, j int) ([]byte, []int32) {
	for p := i; p < j; {
		out, size, ok := fastRuneOut(s, p)
		if ok && (p+size == j || fastStart(s, p+size)) {
			for k := 0; k < len(out); k++ {
				buf = append(buf, out[k])
				offs = append(offs, int32(p))
			}
			p += size
			continue
		}
		q := p + size
		for q < j && !fastStart(s, q) {
			_, n := utf8.DecodeRuneInString(s[q:])
			q += n
		}
		buf, offs = appendSegments(it, buf, offs, s, p, q)
		p = q
	}
	return buf, offs
}

// fastRuneOut returns the normalized form of the character at s[p] and its size when the tables
// know it (ok), assuming it forms an NFKC segment on its own.
func fastRuneOut(s string, p int) (out string, size int, ok bool) {
	c := s[p]
	if c < utf8.RuneSelf {
		return s[p : p+1], 1, true
	}
	if r, ok2 := decode2(s, p); ok2 {
		if stableTwoByte[r] {
			return s[p : p+2], 2, true
		}
		e := fastTwoByte[r]
		return e.out, 2, e.ok
	}
	r, size := utf8.DecodeRuneInString(s[p:])
	switch {
	case r >= 0x2000 && r < 0x2070:
		e := fastGeneral[r-0x2000]
		return e.out, size, e.ok
	case r >= 0xFF00 && r < 0xFFF0:
		e := fastWide[r-0xFF00]
		return e.out, size, e.ok
	case r == 0x3000:
		return " ", size, true
	case r == 0xFEFF:
		return "", size, true
	}
	return "", size, false
}

// fastStart reports whether the character at s[p] always starts an NFKC segment and fastRuneOut
// knows it.
func fastStart(s string, p int) bool {
	_, _, ok := fastRuneOut(s, p)
	return ok
}

// fastEntry is the normalized form of one character that starts a segment (combining class 0,
// nothing composes with what precedes it).
type fastEntry struct {
	out string
	ok  bool
}

// The tables of fastRuneOut: two-byte characters that change (NBSP, soft hyphen, compatibility
// letters), General Punctuation (spaces, zero-width characters, dashes, bidi controls), and the
// half-width and full-width forms.
var (
	fastTwoByte = fastTable(0, 0x800)
	fastGeneral = fastTable(0x2000, 0x2070)
	fastWide    = fastTable(0xFF00, 0xFFF0)
)

func fastTable(lo, hi rune) []fastEntry {
	t := make([]fastEntry, hi-lo)
	for r := max(lo, utf8.RuneSelf); r < hi; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		p := norm.NFKC.PropertiesString(string(r))
		if p.CCC() != 0 || !p.BoundaryBefore() {
			continue
		}
		var out []byte
		for _, m := range norm.NFKC.String(string(r)) {
			if m >= utf8.RuneSelf {
				m = mapRune(m)
			}
			if m >= 0 {
				out = utf8.AppendRune(out, m)
			}
		}
		t[r-lo] = fastEntry{string(out), true}
	}
	return t
}

// appendSegments normalizes s[i:j] with the NFKC iterator, segment by segment.
func appendSegments(it *norm.Iter, buf []byte, offs []int32, s string, i, j int) ([]byte, []int32) {
	it.InitString(norm.NFKC, s[i:j])
	for !it.Done() {
		segStart := int32(i + it.Pos())
		seg := it.Next()
		for k := 0; k < len(seg); {
			c := seg[k]
			if c < utf8.RuneSelf {
				buf = append(buf, c)
				offs = append(offs, segStart)
				k++
				continue
			}
			r, size := utf8.DecodeRune(seg[k:])
			k += size
			m := mapRune(r)
			if m < 0 {
				continue // dropped: zero-width, soft hyphen, byte-order mark
			}
			before := len(buf)
			buf = utf8.AppendRune(buf, m)
			for range len(buf) - before {
				offs = append(offs, segStart)
			}
		}
	}
	return buf, offs
}

// mapRune returns the replacement for a non-ASCII rune after NFKC: -1 to drop it. Invalid UTF-8
// decodes to U+FFFD and stays so: Norm is always valid UTF-8.
func mapRune(r rune) rune {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x034F:
		return -1
	case 0x2212, 0x2043, 0xFE63, 0xFF0D: // minus sign, hyphen bullet, small and full-width hyphen-minus
		return '-'
	}
	if r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF { // variation selectors
		return -1
	}
	if unicode.IsSpace(r) { // NBSP, narrow NBSP, en/em/thin spaces, ideographic space, NEL, U+2028/9
		return ' '
	}
	if unicode.Is(unicode.Pd, r) { // hyphen, non-breaking hyphen, figure, en and em dashes, ...
		return '-'
	}
	if unicode.Is(unicode.Cf, r) { // other invisible format characters (bidi marks, tags)
		return -1
	}
	if d := digitValue(r); d >= 0 { // Arabic-Indic, Devanagari and other decimal digits NFKC keeps
		return '0' + rune(d)
	}
	return r
}

// digitValue returns the decimal value of a Unicode decimal digit (category Nd), or -1. Every Nd
// range in the Unicode tables is a whole number of 0-9 runs starting at a zero.
func digitValue(r rune) int {
	if r < utf8.RuneSelf {
		if '0' <= r && r <= '9' {
			return int(r - '0')
		}
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if r < rune(rg.Lo) {
			return -1
		}
		if r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r < rune(rg.Lo) {
			return -1
		}
		if r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return -1
}
