package detect

import (
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// nameOpts tunes parseName.
type nameOpts struct {
	lower         bool // the first word may be lower case; later lower-case words must be known names
	lowerAny      bool // after "my name is": later lower-case words need not be known names
	particleStart bool // the name may begin with a particle ("Herr van der Meer")
	strict        bool // no context: soft stop words end the name
	caps          bool // words may be written in capitals ("Name: JOHN SMITH")
}

// personMaxWords bounds the words of one name ("María de los Ángeles Uribe Casares" has five).
const personMaxWords = 6

// parseName reads a name starting at token j: capitalised words (hyphenated and apostrophe
// compounds included), middle initials ("F."), and particles between words ("van der", "de la").
func parseName(t *redact.Text, j int, o nameOpts) (personMatch, bool) {
	toks := t.Tokens
	m := personMatch{first: j, last: -1}
	start := toks[j].Start
	softFirst := false
	k := j
	for k < len(toks) && m.words < personMaxWords {
		if k > j {
			if g := gap(t, k); !onlySpaces(g) || len(g) > 2 {
				break
			}
		}
		// a name word, maybe a compound
		if o.caps && isCapsWord(t, k) && toks[k].End-start <= personMaxLen {
			m.words++
			m.last = k
			k++
			continue
		}
		if nw, ok := nameWord(t, k, o.lower && k == j, o.strict, m.words == 0); ok {
			e := nw.last
			if toks[e].End-start > personMaxLen {
				break
			}
			if m.words == 0 {
				m.given = nw.head.has(kindGiven)
				softFirst = nw.soft
			}
			m.sur = m.words > 0 && nw.tail.has(kindSurname|kindGiven)
			m.words++
			m.last = e
			k = e + 1
			continue
		}
		// a lower-case surname after a lower-case given name ("my name is anna kowalska")
		if o.lower && m.words > 0 && isLowerWord(toks[k]) && nameKinds(tokLower(t, k)).has(kindSurname) {
			m.sur = true
			m.words++
			m.last = k
			k++
			continue
		}
		// after "my name is" any lower-case word that is not a function or common word
		if o.lowerAny && m.words > 0 && m.words < 3 {
			if e, ok := lowerNameWord(t, k); ok && toks[e].End-start <= personMaxLen {
				m.words++
				m.last = e
				k = e + 1
				continue
			}
		}
		// a middle initial: "John F. Smith"
		if m.words > 0 && isInitial(t, k) && k+1 < len(toks) {
			if g := gap(t, k+1); g == ". " || g == "." {
				if nw, ok := nameWord(t, k+1, false, o.strict, false); ok && toks[nw.last].End-start <= personMaxLen {
					m.words++
					m.sur = nw.tail.has(kindSurname)
					m.last = nw.last
					k = nw.last + 1
					continue
				}
			}
			break
		}
		// particles: "van der", "de la", "di"
		if (m.words > 0 || o.particleStart) && isLowerWord(toks[k]) && personParticles.has(tokLower(t, k)) {
			e := k
			for e < len(toks) && e-k < 3 && isLowerWord(toks[e]) && personParticles.has(tokLower(t, e)) {
				if e > k && !onlySpaces(gap(t, e)) && !(gap(t, e) == " '" && tokLower(t, e) == "t") {
					break
				}
				e++
			}
			if e < len(toks) && onlySpaces(gap(t, e)) {
				if nw, ok := nameWord(t, e, false, o.strict, m.words == 0); ok && toks[nw.last].End-start <= personMaxLen {
					m.words++
					m.sur = nw.tail.has(kindSurname)
					m.last = nw.last
					k = nw.last + 1
					continue
				}
			}
			break
		}
		break
	}
	if m.words == 0 || softFirst && m.words < 2 {
		return m, false
	}
	return m, true
}

// nameWordAt is a name word that nameWord found.
type nameWordAt struct {
	last       int      // the index of its last token
	head, tail nameKind // the lists that hold its first and its last token
	soft       bool     // a soft stop word
}

// nameWord reports whether a name word starts at token k and returns where it ends, which lists
// hold its first and last tokens, and whether the word is a soft stop word. Compounds joined by
// '-' or an apostrophe without spaces ("Anne-Marie", "O'Brien", "D'Angelo") are one word. With
// lower the word may be in lower case.
func nameWord(t *redact.Text, k int, lower, strict, first bool) (nameWordAt, bool) {
	toks := t.Tokens
	tok := toks[k]
	w := tokLower(t, k)
	var kind nameKind
	soft := false
	switch {
	case isCapWord(tok):
		kind = nameKinds(w)
		if kind.has(kindNameStop) || first && kind&(kindFunc|kindGiven) == kindFunc {
			return nameWordAt{}, false
		}
		soft = kind.has(kindSoftStop)
		if soft && strict {
			return nameWordAt{}, false
		}
	case lower && isLowerWord(tok) && utf8.RuneCountInString(w) >= 2:
		kind = nameKinds(w)
		if kind.has(kindLowerStop | kindNameStop | kindSoftStop | kindParticle) {
			return nameWordAt{}, false
		}
		e, tail := k, kind // a lower-case compound: "anne-marie"
		for e+1 < len(toks) && gap(t, e+1) == "-" && isLowerWord(toks[e+1]) {
			nk := nameKinds(tokLower(t, e+1))
			if nk.has(kindLowerStop) {
				break
			}
			e, tail = e+1, nk
		}
		return nameWordAt{last: e, head: kind, tail: tail}, true
	case isInitial(t, k) && k+1 < len(toks) && isApostrophe(gap(t, k+1)) && isCapWord(toks[k+1]):
		// "O'Brien": the single capital is the first part of the compound
		kind = nameKinds(w)
	case isInitial(t, k) && k+1 < len(toks) && isC1(gap(t, k+1)) && isLowerWord(toks[k+1]):
		// "Ã\u0096mer": "Ömer" decoded twice; the control character splits the word
		return nameWordAt{last: k + 1, head: nameKinds(w), tail: nameKinds(tokLower(t, k+1))}, true
	default:
		return nameWordAt{}, false
	}
	e, tail := k, kind
	for e+1 < len(toks) {
		g := gap(t, e+1)
		if g != "-" && !isApostrophe(g) {
			break
		}
		var nk nameKind
		capWord := isCapWord(toks[e+1])
		if capWord {
			nk = nameKinds(tokLower(t, e+1))
		}
		if !capWord || nk.has(kindNameStop|kindSoftStop) {
			if g == "-" && capWord {
				return nameWordAt{}, false // "Karl-Marx-Str": a compound with a common word is no name
			}
			break
		}
		e, tail = e+1, nk
	}
	if e == k && !isCapWord(tok) {
		return nameWordAt{}, false
	}
	return nameWordAt{last: e, head: kind, tail: tail, soft: soft && e == k}, true
}

// isCapsWord reports whether token k is a word in capitals that may be a name ("SMITH"): letters
// only, at least two of them, and not a known non-name word ("IBAN", "PESEL").
func isCapsWord(t *redact.Text, k int) bool {
	tok := t.Tokens[k]
	if tok.Flags&(redact.HasDigit|redact.HasLower) != 0 || !tok.Is(redact.HasUpper) || tok.End-tok.Start < 2 {
		return false
	}
	return !nameKinds(tokLower(t, k)).has(kindNameStop | kindSoftStop)
}

// isC1 reports whether g is one C1 control character, the trace of text decoded twice.
func isC1(g string) bool {
	r, n := utf8.DecodeRuneInString(g)
	return n == len(g) && r >= 0x80 && r <= 0x9f
}

// isInitial reports whether token k is one capital letter.
func isInitial(t *redact.Text, k int) bool {
	tok := t.Tokens[k]
	return tok.Is(redact.InitUpper) && utf8.RuneCountInString(tokText(t, k)) == 1
}

func isApostrophe(g string) bool { return g == "'" || g == "’" }
