package detect

import (
	"strings"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// Person finds the full names of people without a language model: a name is a run of capitalised
// words introduced by a context phrase ("my name is", "je m'appelle"), a title ("Frau", "Sig.ra"),
// a role ("Patient", "Kontoinhaber:"), a sign-off ("Best regards,"), or, without context, a known
// given name followed by a capitalised word. The whole name (given names, initials, particles and
// surnames) is one span, so that no part of it is left behind.
type Person struct{}

// NewPerson returns the PERSON detector.
func NewPerson() *Person { return &Person{} }

// personMaxLen bounds a reported name.
const personMaxLen = 64

// Types implements redact.Detector.
func (*Person) Types() []redact.Type { return []redact.Type{redact.Person} }

// MaxLen implements redact.Detector.
func (*Person) MaxLen() int { return personMaxLen }

// Trigger kinds, from the most to the least telling.
const (
	trigNamePhrase uint8 = iota + 1 // "my name is": the name may even be written in lower case
	trigSelf                        // "I am", "je suis", "soy": capitalised, and known or two words
	trigLabel                       // "Name:", "Nom :": a colon must follow
	trigTitle                       // "Mr", "Frau", "Sig.ra": one capitalised word is enough
	trigRole                        // "Patient", "Kontoinhaber", "Please add": two capitalised words
	trigSignoff                     // "Kind regards", "Cordialement": two words, on the same or next line
	trigSignoffSep                  // "Thanks", "Danke", "Best": as trigSignoff, but a comma or line break must follow
	trigWeak                        // "contact", "spoke to": two words, one of them in the gazetteer
)

// Confidence per trigger kind; a name found without context gets personBare (personBareKnown if
// its surname is known too).
var personConf = [...]float64{
	trigNamePhrase: 0.85, trigSelf: 0.75, trigLabel: 0.8, trigTitle: 0.8, trigRole: 0.75,
	trigSignoff: 0.7, trigSignoffSep: 0.65, trigWeak: 0.65,
}

const (
	personConfBefore = 0.7
	personBare       = 0.55
	personBareKnown  = 0.7
)

// personMatch is a candidate name: tokens first..last (inclusive).
type personMatch struct {
	first, last int
	words       int  // name words, not counting initials and particles
	given       bool // the first word is a known given name
	sur         bool // the last word is a known surname
}

// Detect implements redact.Detector. It visits the tokens marked for it (see marks.go): those that
// may end a context phrase and the capitalised words. The cheap tests that rule out most of them
// (personTriggerMay, personPhraseMay, nameMayContinue) are made here, before a call that does more.
func (p *Person) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.MarkBits(detectMarker)&markPerson == 0 {
		return dst
	}
	next := 0 // the first token a name may start at
	for _, mk := range t.Marks(detectMarker) {
		i := int(mk.Tok)
		if mk.Bits&markPerson == 0 || i < next {
			continue
		}
		last := -1
		if f := personLastBits(mk.Bits); f != 0 && personTriggerMay(t, i, f) && personPhraseMay(t, i, f) {
			dst, last = afterPhrase(t, i, dst)
		}
		// Otherwise a name of two or more words may start here with a capitalised word.
		if last < 0 && mk.Bits&markPersonCap != 0 && nameMayContinue(t, i) {
			dst, last = nameAt(t, i, dst)
		}
		if last >= 0 {
			next = last + 1
		}
	}
	return dst
}

// afterPhrase reports the name that a context phrase ending at token i introduces, and returns the
// index of the name's last token, or -1. A token follows token i (personTriggerMay).
func afterPhrase(t *redact.Text, i int, dst []redact.Finding) ([]redact.Finding, int) {
	if _, tag, ok := personTriggers.matchEnd(t, i); ok {
		if m, ok := afterTrigger(t, i, tag); ok {
			return appendPerson(t, dst, m, personConf[tag]), m.last
		}
		if tag == trigSignoff || tag == trigSignoffSep {
			// "Grüße aus Bremen\nAnna Kowalska": a place between the greeting and the name
			if e, ok := skipPlace(t, i); ok {
				if m, ok := afterTrigger(t, e, tag); ok {
					return appendPerson(t, dst, m, personConf[tag]), m.last
				}
			}
		}
	}
	if _, _, ok := personColonLabels.matchEnd(t, i); ok {
		if m, ok := afterTrigger(t, i, trigLabel); ok {
			return appendPerson(t, dst, m, personConf[trigLabel]), m.last
		}
	}
	return dst, -1
}

// nameAt reports the name without a context phrase that starts at the capitalised word i, and
// returns the index of its last token, or -1. A second name word may follow (nameMayContinue).
func nameAt(t *redact.Text, i int, dst []redact.Finding) ([]redact.Finding, int) {
	// Neither parseName nor bareName starts a name with a stop word or with a function word that
	// is no given name: most capitalised words before another ("Vielen Dank", "Ihre Hilfe") are
	// one, and one lookup rules them out.
	if k := nameKinds(tokLower(t, i)); k.has(kindNameStop) || k&(kindFunc|kindGiven) == kindFunc {
		return dst, -1
	}
	if i == 0 || !onlySpaces(gap(t, i)) || !isCapWord(t.Tokens[i-1]) {
		if m, ok := parseName(t, i, nameOpts{}); ok && m.words >= 2 {
			if nameBeforeHere(t, i, m) || nameBeforeDetails(t, m) {
				return appendPerson(t, dst, m, personConfBefore), m.last
			}
		}
	}
	if m, ok := bareName(t, i); ok {
		conf := personBare
		if m.sur {
			conf = personBareKnown
		}
		return appendPerson(t, dst, m, conf), m.last
	}
	return dst, -1
}

func appendPerson(t *redact.Text, dst []redact.Finding, m personMatch, conf float64) []redact.Finding {
	if n := m.last + 1; n < len(t.Tokens) && onlySpaces(gap(t, n)) && companySuffix.has(tokLower(t, n)) {
		return dst // "Thomas Cook Ltd", "Anna Schmidt GmbH": a company named after people
	}
	return append(dst, redact.Finding{
		Type: redact.Person, Start: t.Tokens[m.first].Start, End: t.Tokens[m.last].End, Confidence: conf,
	})
}

// afterTrigger parses the name that a trigger of kind tag, ending at token i, introduces.
func afterTrigger(t *redact.Text, i int, tag uint8) (personMatch, bool) {
	j := i + 1
	g := gap(t, j)
	if !triggerGapOK(g, tag) {
		return personMatch{}, false
	}
	if tag == trigTitle && titleNeedsDot.has(tokLower(t, i)) && g != ". " {
		return personMatch{}, false
	}
	lower := tag == trigNamePhrase
	if (tag == trigLabel || tag == trigSelf) && isLowerWord(t.Tokens[j]) {
		// "name: john smith", "i'm sophie": lower case only for a known, unambiguous given name
		lower = nameKinds(tokLower(t, j))&(kindGiven|kindAmbiguous) == kindGiven
	}
	caps := tag == trigNamePhrase || tag == trigLabel
	particleStart := tag != trigSelf && tag != trigSignoff && tag != trigSignoffSep && tag != trigWeak
	lowerAny := tag == trigNamePhrase && isLowerWord(t.Tokens[j])
	m, ok := parseName(t, j, nameOpts{lower: lower, lowerAny: lowerAny, caps: caps, particleStart: particleStart})
	if !ok {
		return m, false
	}
	switch tag {
	case trigNamePhrase, trigLabel, trigTitle:
		return m, true
	case trigSelf:
		return m, m.words >= 2 || m.given
	case trigRole, trigSignoff, trigSignoffSep:
		return m, m.words >= 2
	case trigWeak:
		return m, m.words >= 2 && (m.given || m.sur)
	}
	return m, false
}

// triggerGapOK checks what separates a trigger from the name after it.
func triggerGapOK(g string, tag uint8) bool {
	switch tag {
	case trigSignoff, trigSignoffSep:
		if len(g) > 8 || len(g) == 0 {
			return false
		}
		sep := false
		for i := 0; i < len(g); i++ {
			switch g[i] {
			case ',', '\n', '!', '.', '-':
				sep = true
			case ' ', '\t', '\r':
			default:
				return false
			}
		}
		return sep || tag == trigSignoff
	case trigLabel:
		return strings.IndexByte(g, ':') >= 0 && len(g) <= 4 && strings.IndexByte(g, '\n') < 0 ||
			g == "\t"
	case trigTitle:
		return g == " " || g == ". " || g == "  "
	default:
		if len(g) == 0 || len(g) > 3 {
			return false
		}
		for i := 0; i < len(g); i++ {
			if g[i] != ' ' && g[i] != ':' {
				return false
			}
		}
		return true
	}
}

// bareName finds a name without context: a known, unambiguous given name in capitals followed by
// another capitalised word that is not a common word, a month or a place.
func bareName(t *redact.Text, i int) (personMatch, bool) {
	k := t.Tokens[i]
	if !isCapWord(k) {
		return personMatch{}, false
	}
	kind := nameKinds(tokLower(t, i))
	if kind&(kindGiven|kindNameStop|kindSoftStop) != kindGiven {
		return personMatch{}, false
	}
	// Inside a longer run of capitalised words ("Hotel Maria Theresia", "Aleea Anghel Saligny")
	// the given name is more likely part of a place or an organisation.
	if i > 0 && onlySpaces(gap(t, i)) && isCapWord(t.Tokens[i-1]) {
		if p := nameKinds(tokLower(t, i-1)); !p.has(kindNameStop) || p.has(kindSoftStop) {
			return personMatch{}, false
		}
	}
	m, ok := parseName(t, i, nameOpts{strict: true})
	if !ok || m.words < 2 {
		return personMatch{}, false
	}
	if kind.has(kindAmbiguous) && !m.sur {
		return personMatch{}, false
	}
	if _, ok := brandPersons[t.Lower[t.Tokens[m.first].Start:t.Tokens[m.last].End]]; ok {
		return personMatch{}, false
	}
	return m, true
}

// nameBeforeDetails reports whether a comma and a birth date or passport context follow the name m
// of two or more capitalised words ("Jan Kowalski, ur. 12.03.1980", "Ana Pop, pașaport 05123456").
func nameBeforeDetails(t *redact.Text, m personMatch) bool {
	n := m.last + 1
	if n >= len(t.Tokens) {
		return false
	}
	switch gap(t, n) {
	case ", ":
	case " ", " (":
		// "Anna Kowalska born 1 May 1990", "Anna Kowalska (geb. 1.5.1990)": only a birth date
		return dobTriggerWord(t, n)
	default:
		return false
	}
	for k := n; k < len(t.Tokens) && k < n+4; k++ {
		if _, _, ok := dobTriggers.matchEnd(t, k); ok && dobTriggerStart(t, k) == n {
			return true
		}
		if _, _, ok := passportTriggers.matchEnd(t, k); ok {
			return true
		}
	}
	return false
}

// lowerNameWord reports whether a lower-case name word (maybe a hyphenated compound) starts at
// token k, for names written in lower case after "my name is", and returns its last token.
func lowerNameWord(t *redact.Text, k int) (int, bool) {
	if g := gap(t, k); !onlySpaces(g) || len(g) > 2 {
		return 0, false
	}
	w := tokLower(t, k)
	if !isLowerWord(t.Tokens[k]) || utf8.RuneCountInString(w) < 2 {
		return 0, false
	}
	if kind := nameKinds(w); kind.has(kindLowerStop|kindFunc|kindNameStop|kindParticle) ||
		kind&(kindSoftStop|kindSurname) == kindSoftStop || dobTriggerWord(t, k) {
		return 0, false
	}
	e := k
	for e+1 < len(t.Tokens) && gap(t, e+1) == "-" && isLowerWord(t.Tokens[e+1]) {
		e++
	}
	return e, true
}

// dobTriggerWord reports whether token k starts or is a birth-date phrase ("born", "geb").
func dobTriggerWord(t *redact.Text, k int) bool {
	for e := k; e < len(t.Tokens) && e < k+3; e++ {
		if s, _, ok := dobTriggers.matchEnd(t, e); ok && s == k {
			return true
		}
	}
	return false
}

// skipPlace reads the place after a greeting that ends at token i ("aus Bremen", "z miasta Lublin",
// "desde Granada") and returns the index of its last token; a line break must follow it.
func skipPlace(t *redact.Text, i int) (int, bool) {
	toks := t.Tokens
	j := i + 1
	if j >= len(toks) || !onlySpaces(gap(t, j)) || !personPlacePreps.has(tokLower(t, j)) {
		return 0, false
	}
	j++
	if j < len(toks) && onlySpaces(gap(t, j)) && (tokLower(t, j) == "miasta" || tokLower(t, j) == "the") {
		j++
	}
	e := -1
	for n := 0; j < len(toks) && n < 3; n++ {
		if g := gap(t, j); !onlySpaces(g) && g != "-" || !isCapWord(toks[j]) {
			break
		}
		e = j
		j++
	}
	if e < 0 || e+1 >= len(toks) || strings.IndexByte(gap(t, e+1), '\n') < 0 {
		return 0, false
	}
	return e, true
}

// nameBeforeHere reports whether its writer follows the name m of two or more capitalised words,
// which starts at token i, with "here" at the start of a message or after a greeting ("hi, Anna
// Kowalska here", "Jan Novák hier").
func nameBeforeHere(t *redact.Text, i int, m personMatch) bool {
	if g := gap(t, i); i > 0 && !strings.ContainsAny(g, ",!\n") {
		return false
	}
	n := m.last + 1
	if n >= len(t.Tokens) || !onlySpaces(gap(t, n)) || !personHere.has(tokLower(t, n)) {
		return false
	}
	if n+1 < len(t.Tokens) && onlySpaces(gap(t, n+1)) && isLowerWord(t.Tokens[n+1]) {
		return false // "Anna Kowalska hier kaufen": not a self-introduction
	}
	return true
}

// personTriggerMay reports whether a context phrase that ends at token i may introduce a name: the
// token after it is no number, and either holds a capital, or is a lower-case word that afterTrigger
// may take after a phrase that ends with token i: any word after "my name is" ("my name is anna"),
// a known given name after a label or a self-introduction ("Name: anna", "I'm sophie"), a particle
// after a title, role, label or "my name is" ("Herr van Dijk"), a place preposition after a
// greeting ("Grüße aus Bremen"). It rules out most tokens of prose before any phrase lookup, and
// most phrase ends before an article ("la", "de", "das" are particles too). f is token i's entry in
// personLastFilter, not 0.
func personTriggerMay(t *redact.Text, i int, f uint8) bool {
	toks := t.Tokens
	j := i + 1
	if j >= len(toks) {
		return false
	}
	g := t.Norm[toks[i].End:toks[j].Start]
	if len(g) == 0 || len(g) > 8 || toks[j].Flags&redact.HasDigit != 0 {
		return false
	}
	if toks[j].Flags&redact.HasUpper != 0 {
		return true
	}
	lower := personLowerLast
	if len(g) == 1 { // most gaps are one byte: no call to search them
		if g[0] == ':' || g[0] == '\t' {
			lower = personLowerLabelLast
		}
	} else if strings.IndexByte(g, ':') >= 0 {
		lower = personLowerLabelLast
	}
	if !isLowerWord(toks[j]) {
		return f&lower != 0
	}
	w := tokLower(t, j)
	return f&lower != 0 && (f&personNameLast != 0 || nameKinds(w)&(kindGiven|kindAmbiguous) == kindGiven) ||
		f&personParticleLast != 0 && personParticles.has(w) ||
		f&personPlaceLast != 0 && personPlacePreps.has(w)
}

// personPhraseMay reports whether a context phrase that introduces a name may end at token i, whose
// personLastFilter entry is f (and personTriggerMay passed): a one-word phrase ends with it (a
// label only if a colon or a tab follows it), or the word before it may be the word before the
// last of a longer one. Most words of prose that end a phrase end only longer ones ("is" of "my
// name is" and "this is", "est" of "mon nom est") or are labels without a colon ("to", "de",
// "van", "por"): in clean text, 135 of the 583 tokens per 64 KB that pass personTriggerMay pass.
func personPhraseMay(t *redact.Text, i int, f uint8) bool {
	return f&personOneWordLast != 0 || f&personOneWordLabel != 0 && triggerGapOK(gap(t, i+1), trigLabel) ||
		personEnds.prevMay(t, i)
}

// personEnds holds the words before the last of the longer phrases, for personPhraseMay.
var personEnds = newPhraseEnds(personTriggers, personColonLabels)

// The bits of personLastFilter.
const (
	personAnyLast        uint8 = 1 << iota // the last word of a context phrase
	personLowerLast                        // of a phrase after which a name may be written in lower case
	personLowerLabelLast                   // of such a label (before a colon or a tab)
	personNameLast                         // of a phrase after which any lower-case word may be a name
	personParticleLast                     // of a phrase after which a name may start with a particle
	personPlaceLast                        // of a greeting after which a place may come before the name
	personOneWordLast                      // of a phrase of one word that is no label ("Frau", "Thanks")
	personOneWordLabel                     // of a label of one word ("to", "Name"), before a colon or a tab
)

// personLastFilter holds, for each entry of markEnds (markIndex), which of the filters on the last
// words of context phrases have it.
var personLastFilter = func() (f [1 << markIndexBits]uint8) {
	add := func(w string, bit uint8) {
		if w != "" {
			f[markIndex(w)] |= bit
		}
	}
	for last, ps := range personTriggers.byLast {
		add(last, personAnyLast)
		for _, p := range ps {
			switch {
			case len(p.words) == 1 && p.tag == trigLabel:
				add(last, personOneWordLabel)
			case len(p.words) == 1:
				add(last, personOneWordLast)
			}
			switch p.tag {
			case trigNamePhrase:
				add(last, personLowerLast|personLowerLabelLast|personNameLast|personParticleLast)
			case trigSelf:
				add(last, personLowerLast|personLowerLabelLast)
			case trigLabel:
				add(last, personLowerLabelLast|personParticleLast)
			case trigTitle, trigRole:
				add(last, personParticleLast)
			case trigSignoff, trigSignoffSep:
				add(last, personPlaceLast)
			}
		}
	}
	for last, ps := range personColonLabels.byLast {
		add(last, personAnyLast|personLowerLabelLast|personParticleLast)
		for _, p := range ps {
			if len(p.words) == 1 {
				add(last, personOneWordLabel)
			}
		}
	}
	return f
}()

// nameMayContinue reports whether a second name word can follow the word that starts at token i:
// after the parts joined to it by hyphens or apostrophes, one or two spaces and a word with a
// capital or a particle ("de", "van"). Every name of two or more words
// passes; most capitalised words in prose (a sentence's first word, German nouns) do not.
func nameMayContinue(t *redact.Text, i int) bool {
	toks := t.Tokens
	e := i
	for e+1 < len(toks) && e-i < personMaxLen/2 {
		if g := gap(t, e+1); g != "-" && !isApostrophe(g) {
			break
		}
		e++
	}
	k := e + 1
	if k >= len(toks) {
		return false
	}
	if g := gap(t, k); !onlySpaces(g) || len(g) > 2 {
		return false
	}
	// parseName takes a lower-case word after the first name word only as a particle.
	return toks[k].Flags&redact.HasUpper != 0 || isLowerWord(toks[k]) &&
		toks[k].End-toks[k].Start <= personParticleMaxLen && personParticles.has(tokLower(t, k))
}

// personParticleMaxLen is the length of the longest particle ("della").
var personParticleMaxLen = func() int {
	n := 0
	for w := range personParticles.m {
		n = max(n, len(w))
	}
	return n
}()

// dobTriggerStart returns the first token of the birth-date phrase that ends at token k.
func dobTriggerStart(t *redact.Text, k int) int {
	s, _, _ := dobTriggers.matchEnd(t, k)
	return s
}

var _ redact.Detector = (*Person)(nil)
