package detect

import (
	"slices"
	"strings"
	"unicode"

	"github.com/veil-privacy/veil/redact"
)

// The tokens that Person, Health, MAC, Passport, DrivingLicence and DateOfBirth must look at are
// found in one pass over the tokens per view (redact.Text.Marks), instead of one walk over every
// token (or every token near a digit) per detector. Each test here is the first test the detector
// makes on a token, so a token left unmarked is one the detector would pass over.
const (
	markPersonCap uint32 = 1 << iota // a capitalised word, which may start a name
	markHealth                       // may be a health keyword
	markMAC                          // may start a MAC address
	markPassport                     // may end a passport context phrase
	markLicence                      // may end a driving-licence context phrase
	markDOB                          // may end a birth-date phrase, or is "geboren"

	// A token that may end a context phrase of Person carries its personLastFilter entry here.
	markPersonLastShift = 8
	markPerson          = markPersonCap | 0xff<<markPersonLastShift
)

// personLastBits returns the personLastFilter entry that a mark carries.
func personLastBits(bits uint32) uint8 { return uint8(bits >> markPersonLastShift) }

// detectMarker marks the tokens of a view for the detectors of this package.
var detectMarker = redact.NewMarker(markTokens)

// markTokens is the one pass: it appends to dst a mark for every token that some detector here
// must look at, and returns the union of the marks' bits. About every other token is marked, as
// unpredictable as a branch gets: a mark is written for every token and the count advances only
// for a marked one.
func markTokens(t *redact.Text, dst []redact.Mark) ([]redact.Mark, uint32) {
	toks, lower := t.Tokens, t.Lower
	base := len(dst)
	dst = slices.Grow(dst, len(toks))[:base+len(toks)]
	out := dst[base:]
	n := 0
	var union uint32
	for i, k := range toks {
		w := lower[k.Start:k.End]
		var bits uint32
		if k.Flags&redact.HasLetter != 0 || !markEndsLetters {
			bits = uint32(markEnds[markIndex(w)])
		}
		if isCapWord(k) {
			bits |= markPersonCap
		}
		if healthMay(k, w) {
			bits |= markHealth
		}
		if macStart(t.Norm, k) {
			bits |= markMAC
		}
		out[n] = redact.Mark{Tok: int32(i), Bits: bits}
		n += b2i(bits != 0)
		union |= bits
	}
	return dst[:base+n], union
}

// markEndsLetters is true when every phrase-end word behind markEnds has a letter: then a number
// (a token without one, a third of the tokens of PII-dense text) needs no lookup, and gets none of
// the filter's false marks.
var markEndsLetters = func() bool {
	var words []string
	for _, p := range []*phraseSet{personTriggers, personColonLabels, passportTriggers, licenceTriggers, dobTriggers} {
		for w := range p.byLast {
			words = append(words, w)
		}
	}
	for _, set := range []*wordSet{dobVerbFinal, healthWords, medications} {
		for w := range set.m {
			words = append(words, w)
		}
	}
	for _, w := range words {
		if !strings.ContainsFunc(w, unicode.IsLetter) {
			return false
		}
	}
	return true
}()

// markEnds holds, for each markIndex, the marks of the context words with that index: one lookup
// answers the filters of every detector's phrase-end words.
var markEnds = func() (m [1 << markIndexBits]uint16) {
	for i, f := range personLastFilter {
		m[i] = uint16(f) << markPersonLastShift
	}
	for _, l := range []struct {
		words map[string][]phrase
		mark  uint32
	}{
		{passportTriggers.byLast, markPassport},
		{licenceTriggers.byLast, markLicence},
		{dobTriggers.byLast, markDOB},
	} {
		for w := range l.words {
			m[markIndex(w)] |= uint16(l.mark)
		}
	}
	for w := range dobVerbFinal.m {
		m[markIndex(w)] |= uint16(markDOB)
	}
	for _, set := range []*wordSet{healthWords, medications} {
		for w := range set.m {
			m[markIndex(w)] |= uint16(markHealth)
		}
	}
	return m
}()

// markIndexBits is the size of markEnds's index in bits: 16,384 entries of 16 bits (the marks fit),
// 32 KB: a word of clean prose that ends no phrase gets a Person mark about one time in fifteen
// (with 8,192 entries, one in ten).
const markIndexBits = 14

// markIndex is markEnds's index of a word (not empty), a hash of its length and its first, second
// and last bytes. Keyed as a wordFilter is, without the second byte, the words of prose that share
// their length and first and last bytes with a phrase-end word ("and" and "add", "per" and "par",
// "der" and "dhr", "can" and "con") were marked for nothing: in clean text 4,025 tokens per 64 KB
// were marked as phrase ends for Person, 2,281 now, of which 1,779 are. (The other word filters
// keep their key: they are asked far less often than once per token.)
func markIndex(w string) uint64 {
	k := uint64(w[0]) | uint64(w[min(1, len(w)-1)])<<8 | uint64(w[len(w)-1])<<16 | uint64(min(len(w), 255))<<24
	return (k * 0x9E3779B97F4A7C15) >> (64 - markIndexBits)
}

// markBits is a filter of words keyed as markEnds is: a word whose markIndex bit is clear is not in
// it. The phrase-end filters below ask it once per token they visit, not once per token.
type markBits [1 << markIndexBits / 64]uint64

func (b *markBits) add(w string) {
	x := markIndex(w)
	b[x/64] |= 1 << (x % 64)
}

// has reports whether w (not empty) may be in b.
func (b *markBits) has(w string) bool {
	x := markIndex(w)
	return b[x/64]&(1<<(x%64)) != 0
}

// phraseEnds tells, for the phrases of some phrase sets, which last words end a phrase of one
// word and which words come before the last word of a longer one. Most words of prose that end a
// context phrase ("is" of "my name is" and "this is", "on" of "born on", "of" of "on behalf of")
// end only longer ones and follow other words, so the word before them rules out the phrase
// lookup: matchEnd compares the words before the last exactly.
type phraseEnds struct {
	oneWord markBits // the last words of one-word phrases
	prev    markBits // the words before the last of longer phrases
}

func newPhraseEnds(sets ...*phraseSet) *phraseEnds {
	e := &phraseEnds{}
	for _, p := range sets {
		for last, ps := range p.byLast {
			for _, ph := range ps {
				if n := len(ph.words); n == 1 {
					e.oneWord.add(last)
				} else {
					e.prev.add(ph.words[n-2])
				}
			}
		}
	}
	return e
}

// prevMay reports whether the word before token i may be the word before the last of a phrase of
// two or more words.
func (e *phraseEnds) prevMay(t *redact.Text, i int) bool {
	return i > 0 && e.prev.has(tokLower(t, i-1))
}

// may reports whether a phrase may end at token i: its word ends a one-word phrase, or prevMay.
func (e *phraseEnds) may(t *redact.Text, i int) bool {
	return e.oneWord.has(tokLower(t, i)) || e.prevMay(t, i)
}
