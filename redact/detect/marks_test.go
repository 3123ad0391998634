package detect

import (
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestMarkEnds(t *testing.T) {
	t.Parallel()
	// Every phrase-end word gets the marks of the detectors whose phrases end with it, every
	// health keyword that is a whole word gets Health's.
	for _, l := range []struct {
		desc  string
		words map[string][]phrase
		mark  uint32
	}{
		{"person", personTriggers.byLast, uint32(personAnyLast) << markPersonLastShift},
		{"person labels", personColonLabels.byLast, uint32(personAnyLast) << markPersonLastShift},
		{"passport", passportTriggers.byLast, markPassport},
		{"licence", licenceTriggers.byLast, markLicence},
		{"birth date", dobTriggers.byLast, markDOB},
	} {
		for w := range l.words {
			if got := uint32(markEnds[markIndex(w)]); got&l.mark == 0 {
				t.Errorf("%s: markEnds[markIndex(%q)] = %#x, want the bits %#x", l.desc, w, got, l.mark)
			}
		}
	}
	for _, l := range []struct {
		desc string
		set  *wordSet
		mark uint32
	}{
		{"birth-date verb", dobVerbFinal, markDOB},
		{"health word", healthWords, markHealth},
		{"medication", medications, markHealth},
	} {
		for w := range l.set.m {
			if got := uint32(markEnds[markIndex(w)]); got&l.mark == 0 {
				t.Errorf("%s: markEnds[markIndex(%q)] = %#x, want the bits %#x", l.desc, w, got, l.mark)
			}
		}
	}
	// Every stem passes healthMay: the marks pass marks every keyword one way or the other.
	for w := range healthStems.m {
		if !healthHead(w) {
			t.Errorf("healthHead(%q) = false", w)
		}
	}
}

func TestMarkIndex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		word   string
		person bool // marked as a possible end of a Person context phrase
	}{
		{"a phrase end", "is", true},
		{"a one-byte phrase end", "m", true},
		{"a title", "herr", true},
		{"the key of \"add\"", "and", false},
		{"the key of \"con\"", "can", false},
		{"the key of \"par\" and \"por\"", "per", false},
		{"the key of \"dhr\"", "der", false},
		{"the key of \"owner\"", "order", false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := personLastBits(uint32(markEnds[markIndex(tc.word)])) != 0; got != tc.person {
				t.Errorf("%q marked for Person: %v, want %v", tc.word, got, tc.person)
			}
		})
	}
}

func TestPhraseEnds(t *testing.T) {
	t.Parallel()
	// The end of every phrase passes may, and the word before the last of every longer phrase
	// passes prevMay.
	for _, l := range []struct {
		desc string
		set  *phraseSet
		ends *phraseEnds
	}{
		{"person", personTriggers, personEnds},
		{"person labels", personColonLabels, personEnds},
		{"birth date", dobTriggers, dobEnds},
	} {
		for _, ps := range l.set.byLast {
			for _, ph := range ps {
				in := "x " + strings.Join(ph.words, " ")
				txt := redact.NewText(in)
				if i := len(txt.Tokens) - 1; !l.ends.may(txt, i) || len(ph.words) > 1 && !l.ends.prevMay(txt, i) {
					t.Errorf("%s: may or prevMay at the end of %q = false", l.desc, in)
				}
			}
		}
	}
}
