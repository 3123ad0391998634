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
			bits = markEnds[wordFilterIndex(w)]
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
	for w := range dobVerbFinal.m {
		words = append(words, w)
	}
	for _, w := range words {
		if !strings.ContainsFunc(w, unicode.IsLetter) {
			return false
		}
	}
	return true
}()

// markEnds holds, for each entry of a wordFilter, the marks of the context words with that entry:
// one lookup answers the filters of every detector's phrase-end words.
var markEnds = func() (m [1 << 12]uint32) {
	for i := range m {
		m[i] = uint32(personLastFilter[i]) << markPersonLastShift
		for _, f := range []struct {
			filter *wordFilter
			mark   uint32
		}{
			{&passportTriggers.last, markPassport},
			{&licenceTriggers.last, markLicence},
			{&dobTriggers.last, markDOB},
			{&dobVerbFinal.f, markDOB},
		} {
			if f.filter.bits[i>>6]&(1<<(i&63)) != 0 {
				m[i] |= f.mark
			}
		}
	}
	return m
}()
