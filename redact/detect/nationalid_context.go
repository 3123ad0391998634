package detect

import (
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// Context words of the national-id and VAT detectors, compiled once into one index keyed by the
// lower-case text of a phrase's last token. A candidate's context is read in one walk over the few
// tokens around it, whatever the number of words, so the cost does not grow with the word lists.

// nidClass is a bit set of word classes: one bit per national-id scheme (its index in nidSchemes),
// and the classes below.
type nidClass uint64

const (
	nidClassNegative nidClass = 1 << (60 + iota) // order, invoice, tracking, phone… words
	nidClassGeneric                              // "id number", "national id"…
	nidClassVAT                                  // "VAT", "USt-IdNr", "TVA"…
)

type nidPhrase struct {
	words []string // lower-case tokens
	class nidClass
}

// nidPhrases maps the last token of each phrase to the phrases ending with it; nidPhrasesLast
// filters its keys.
var (
	nidPhrases     = map[string][]nidPhrase{}
	nidPhrasesLast wordFilter
	nidPhraseIdx   wordIndex     // a last word's index into nidPhraseLists
	nidPhraseLists [][]nidPhrase // the values of nidPhrases
)

func init() {
	if len(nidSchemes) > 60 {
		panic("detect: too many national-id schemes for nidClass")
	}
	for i, s := range nidSchemes {
		s.class = 1 << i
		nidAddPhrases(s.class, s.words)
	}
	nidAddPhrases(nidClassNegative, nidNegativeWords)
	nidAddPhrases(nidClassGeneric, nidGenericWords)
	nidAddPhrases(nidClassVAT, vatWords)
	for last, ps := range nidPhrases {
		nidPhrasesLast.add(last)
		nidPhraseIdx.put(last, int32(len(nidPhraseLists)))
		nidPhraseLists = append(nidPhraseLists, ps)
	}
}

// nidAddPhrases tokenizes each phrase the way redact.Text tokenizes messages (after the same
// normalization) and adds it with class; a phrase listed in several classes gets all of them.
func nidAddPhrases(class nidClass, list []string) {
	for _, p := range list {
		t := redact.NewText(p)
		if len(t.Tokens) == 0 {
			continue
		}
		words := make([]string, len(t.Tokens))
		for i, k := range t.Tokens {
			words[i] = t.Lower[k.Start:k.End]
		}
		last := words[len(words)-1]
		merged := false
		for i, q := range nidPhrases[last] {
			if strings.Join(q.words, " ") == strings.Join(words, " ") {
				nidPhrases[last][i].class |= class
				merged = true
			}
		}
		if !merged {
			nidPhrases[last] = append(nidPhrases[last], nidPhrase{words: words, class: class})
		}
	}
}

// nidClassesAt returns the classes of the phrases that end with token i.
func nidClassesAt(t *redact.Text, i int) nidClass {
	k := t.Tokens[i]
	w := t.Lower[k.Start:k.End]
	if !nidPhrasesLast.mayHave(w) {
		return 0
	}
	x, ok := nidPhraseIdx.get(w)
	if !ok {
		return 0
	}
	cands := nidPhraseLists[x]
	var c nidClass
	for _, ph := range cands {
		n := len(ph.words)
		if n > i+1 {
			continue
		}
		ok := true
		for m := 1; m < n && ok; m++ {
			j := i - m
			a, b := t.Tokens[j], t.Tokens[j+1]
			g := t.Norm[a.End:b.Start]
			ok = t.Lower[a.Start:a.End] == ph.words[n-1-m] && len(g) <= 3 && strings.IndexByte(g, '\n') < 0
		}
		if ok {
			c |= ph.class
		}
	}
	return c
}

// nidContext is the context of one candidate: the phrases that end shortly before it (with their
// end offsets) and those shortly after it. The words after it are read on first use: a phrase before
// the candidate usually decides.
type nidContext struct {
	n     int
	ends  [24]int // end offsets of the matches before the candidate, in text order
	masks [24]nidClass

	t         *redact.Text
	hi, end   int      // the first token that ends after the candidate, and the candidate's end
	afterRead bool     // after and nearAf are set
	after     nidClass // classes within nidCtxAfter bytes after
	nearAf    nidClass // classes within nidNegAfter bytes after
}

func newNIDContext(t *redact.Text, start, end int) nidContext {
	var c nidContext
	c.read(t, t.TokenAt(max(0, start-nidCtxBefore)), t.TokenAt(end), start, end)
	return c
}

// readTokens is newNIDContext for a candidate of whole tokens, i..j, read into c: the tokens
// around it are found by walking from it, not by searching the text for them.
func (c *nidContext) readTokens(t *redact.Text, i, j int) {
	start, end := t.Tokens[i].Start, t.Tokens[j].End
	lo := i // the first token that ends after start-nidCtxBefore, as TokenAt finds it
	for lo > 0 && t.Tokens[lo-1].End > start-nidCtxBefore {
		lo--
	}
	c.read(t, lo, j+1, start, end)
}

// read sets c to the context of the candidate Norm[start:end], read from the tokens lo (the first
// that ends after start-nidCtxBefore) and, when asked, hi (the first that ends after end) on.
func (c *nidContext) read(t *redact.Text, lo, hi, start, end int) {
	c.n = 0
	for i := lo; i < len(t.Tokens) && t.Tokens[i].End <= start; i++ {
		if m := nidClassesAt(t, i); m != 0 && c.n < len(c.ends) {
			c.ends[c.n], c.masks[c.n] = t.Tokens[i].End, m
			c.n++
		}
	}
	c.t, c.hi, c.end, c.afterRead = t, hi, end, false
}

// afterClasses returns the classes of the phrases within nidCtxAfter and within nidNegAfter bytes
// after the candidate.
func (c *nidContext) afterClasses() (after, nearAf nidClass) {
	if !c.afterRead {
		c.afterRead, c.after, c.nearAf = true, 0, 0
		t, end := c.t, c.end
		for i := c.hi; i < len(t.Tokens) && t.Tokens[i].Start < end+nidCtxAfter; i++ {
			if t.Tokens[i].Start < end {
				continue
			}
			m := nidClassesAt(t, i)
			c.after |= m
			if t.Tokens[i].Start < end+nidNegAfter {
				c.nearAf |= m
			}
		}
	}
	return c.after, c.nearAf
}

// lastEnd returns the end of the closest phrase of class before the candidate, or -1. Negative
// phrases count only within nidNegBefore bytes of start.
func (c *nidContext) lastEnd(class nidClass) int {
	for i := c.n - 1; i >= 0; i-- {
		if c.masks[i]&class != 0 {
			return c.ends[i]
		}
	}
	return -1
}

// has reports whether a phrase of class surrounds the candidate and is closer than any negative
// phrase before it.
func (c *nidContext) has(class nidClass, start int) bool {
	neg := c.negEnd(start)
	if e := c.lastEnd(class); e >= 0 && e >= neg {
		return true
	}
	if neg >= 0 {
		return false
	}
	after, _ := c.afterClasses()
	return after&class != 0
}

func (c *nidContext) negEnd(start int) int {
	e := c.lastEnd(nidClassNegative)
	if e >= 0 && start-e > nidNegBefore {
		return -1
	}
	return e
}

// negative reports whether an order, invoice, tracking or similar word marks the number.
func (c *nidContext) negative(start int) bool {
	if c.negEnd(start) >= 0 {
		return true
	}
	_, nearAf := c.afterClasses()
	return nearAf&nidClassNegative != 0
}
