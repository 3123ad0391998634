package redact

// Anchor lists: the indices of the tokens that most detectors start from, built once per view on
// first use, so that a detector visits a few anchors instead of every token.

// anchorLists caches the anchor token indices of one view.
type anchorLists struct {
	built bool
	digit []int32 // tokens with a digit
	upper []int32 // tokens with an upper-case letter
	caps  []int32 // tokens with an upper-case letter and no lower-case one
	pairs []int32 // ASCII tokens that start with two upper-case letters
}

// DigitTokens returns the indices, in order, of the tokens that hold a digit. The slice belongs to
// the view: do not change or keep it.
func (t *Text) DigitTokens() []int32 {
	t.buildAnchors()
	return t.anchors.digit
}

// UpperTokens returns the indices, in order, of the tokens that hold an upper-case letter. The
// slice belongs to the view: do not change or keep it.
func (t *Text) UpperTokens() []int32 {
	t.buildAnchors()
	return t.anchors.upper
}

// CapsTokens returns the indices, in order, of the tokens that hold an upper-case letter and no
// lower-case one: acronyms, codes and values written in capitals ("AB", "X1234567", "I"). The
// slice belongs to the view: do not change or keep it.
func (t *Text) CapsTokens() []int32 {
	t.buildAnchors()
	return t.anchors.caps
}

// UpperPairTokens returns the indices, in order, of the ASCII tokens that start with two upper-case
// letters: codes with a country prefix ("DE123456789", "ATU12345678") and acronyms. The slice
// belongs to the view: do not change or keep it.
func (t *Text) UpperPairTokens() []int32 {
	t.buildAnchors()
	return t.anchors.pairs
}

func (t *Text) buildAnchors() {
	a := &t.anchors
	if a.built {
		return
	}
	a.built = true
	a.digit, a.upper, a.caps, a.pairs = a.digit[:0], a.upper[:0], a.caps[:0], a.pairs[:0]
	if t.Flags&(HasDigit|HasUpper) == 0 {
		return
	}
	s, toks := t.Norm, t.Tokens
	for i := range toks {
		k := &toks[i]
		f := k.Flags
		if f&(HasDigit|HasUpper) == 0 {
			continue // most words: no store of the loop's variables, which the appends below make
		}
		if f&HasDigit != 0 {
			a.digit = append(a.digit, int32(i))
		}
		if f&HasUpper != 0 {
			a.upper = append(a.upper, int32(i))
			if f&HasLower == 0 {
				a.caps = append(a.caps, int32(i))
			}
			// An ASCII token with a capital starts with one or has another letter first.
			if f&NonASCII == 0 && k.End-k.Start >= 2 && s[k.Start]-'A' < 26 && s[k.Start+1]-'A' < 26 {
				a.pairs = append(a.pairs, int32(i))
			}
		}
	}
}

// reset forgets the lists of the previous view, keeping their memory unless it grew past keep.
func (a *anchorLists) reset(keep int) {
	a.built = false
	a.digit, a.upper, a.caps, a.pairs = a.digit[:0], a.upper[:0], a.caps[:0], a.pairs[:0]
	if cap(a.caps) > keep {
		a.caps = nil
	}
	if cap(a.pairs) > keep {
		a.pairs = nil
	}
	if cap(a.digit) > keep {
		a.digit = nil
	}
	if cap(a.upper) > keep {
		a.upper = nil
	}
}
