package detect

import (
	"time"

	"github.com/veil-privacy/veil/redact"
)

// DateOfBirth finds dates that the text introduces as a birth date ("born on 14.03.1985",
// "geb. 14. März 1985", "date de naissance : 1er mars 1985", "data urodzenia 14 marca 1985"). Other
// dates (appointments, deliveries) are left alone. The date must exist in the calendar and its year
// must lie between 1900 and the current year.
type DateOfBirth struct{}

// NewDateOfBirth returns the DATE_OF_BIRTH detector.
func NewDateOfBirth() *DateOfBirth { return &DateOfBirth{} }

// dobMaxLen is the longest date form: "29 de septiembre de 1985" and its neighbours.
const dobMaxLen = 40

const dobConf = 0.9

// Types implements redact.Detector.
func (*DateOfBirth) Types() []redact.Type { return []redact.Type{redact.DateOfBirth} }

// MaxLen implements redact.Detector.
func (*DateOfBirth) MaxLen() int { return dobMaxLen }

// dobTriggers introduce a birth date in the supported languages.
var dobTriggers = newPhraseSet().add(1, "born|born on|was born|date of birth|dob|d.o.b|birth date|birthdate|"+
	"birthday|date of birth is|"+
	"geboren|geboren am|geb|geburtsdatum|geburtstag|"+
	"né|née|né le|née le|né e|date de naissance|naissance|"+
	"nato|nata|nato il|nata il|data di nascita|nascita|"+
	"nacido|nacida|nacido el|nacida el|fecha de nacimiento|nacimiento|f. nac|fec. nac|fecha de nac|fecha nac|"+
	"f. de nac|"+
	"geboren op|geboortedatum|geb. datum|"+
	"urodził się|urodziła się|urodziłem się|urodziłam się|urodzil sie|urodzila sie|urodzilem sie|urodzilam sie|"+
	"urodzony|urodzona|ur|data urodzenia|dzień urodzenia|"+
	"nací|naci|nació|nacio|vine al mondo|"+
	"născut|născută|nascut|nascuta|născut pe|născută pe|născut la|data nașterii|data nasterii|data naşterii|"+
	"nascido|nascida|data de nascimento")

// dobFiller are the short words allowed between a trigger and the date ("geboren am", "né le",
// "ist der", "is the").
var dobFiller = newWordSet("on the am der den le l il el op pe la is ist es est è e era was w dnia dia de em",
	"in at my mine his her sein ihr son sa suo sua su zijn haar mój moja meu mea", "a as date datum",
	"dd mm yyyy yy tt jjjj jj aaaa gg rrrr ll zz")

// Detect implements redact.Detector. It visits the tokens marked as possible ends of a birth-date
// phrase or as "geboren" (see marks.go) and reads a date in the few tokens around each.
func (d *DateOfBirth) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 || t.MarkBits(detectMarker)&markDOB == 0 {
		return dst // a date holds a digit, and a phrase introduces it
	}
	next := 0
	digits, p := t.DigitTokens(), 0 // digits[p] is the first digit token after the mark
	for _, mk := range t.Marks(detectMarker) {
		if i := int(mk.Tok); mk.Bits&markDOB != 0 && i >= next {
			for p < len(digits) && int(digits[p]) <= i {
				p++
			}
			i, dst = d.detectAt(t, i, p < len(digits) && int(digits[p])-i <= dobReach && dobEnds.may(t, i), dst)
			next = i + 1
		}
	}
	return dst
}

// dobReach bounds the tokens from a phrase's end to the last token of the date it introduces: up to
// four steps of at most four tokens (a filler word, a birth place with its preposition), then a date
// of at most five. Every date holds a digit token, so a phrase with none that close needs no look.
const dobReach = 32

// dobEnds rules out the phrase lookups at most words of prose that end a birth-date phrase ("on",
// "is", "le", "el" end only longer ones): in clean text 124 of the 135 tokens per 64 KB with a digit
// in reach, in PII-dense text 304 of 620.
var dobEnds = newPhraseEnds(dobTriggers)

// detectAt reports the birth date that a phrase ending at token i introduces, or that "geboren" at
// token i closes, and returns the token to continue after. phraseMay tells whether a digit token
// follows within dobReach tokens and dobEnds lets a phrase end at token i.
func (d *DateOfBirth) detectAt(t *redact.Text, i int, phraseMay bool, dst []redact.Finding) (int, []redact.Finding) {
	toks := t.Tokens
	// A date ends with a number (its year, or the last of its numbers): "geboren" closes one only
	// after a digit token.
	if i > 0 && toks[i-1].Flags&redact.HasDigit != 0 && dobVerbFinal.has(tokLower(t, i)) {
		// "Ich bin am 3. Oktober 1990 geboren", "ik ben op 4 mei 1972 geboren"
		if first, last, ok := dateEndingAt(t, i-1); ok && gap(t, i) == " " {
			dst = append(dst, redact.Finding{
				Type: redact.DateOfBirth, Start: toks[first].Start, End: toks[last].End, Confidence: dobConf,
			})
		}
	}
	if !phraseMay {
		return i, dst
	}
	if _, _, ok := dobTriggers.matchEnd(t, i); !ok {
		return i, dst
	}
	// skip up to three filler words, then the date must start
	j := i + 1
	for n := 0; j < len(toks) && n <= 3; n++ {
		if g := gap(t, j); len(g) > 4 {
			break
		}
		if first, last, ok := parseDate(t, j); ok {
			dst = append(dst, redact.Finding{
				Type: redact.DateOfBirth, Start: toks[first].Start, End: toks[last].End, Confidence: dobConf,
			})
			return last, dst
		}
		if e, ok := dobPlace(t, j); ok {
			// "born in London on", "nacida en Sevilla el", "născută în Iași pe"
			j = e + 1
			continue
		}
		if !dobFiller.has(tokLower(t, j)) {
			break
		}
		j++
	}
	return i, dst
}

// dobPlacePrep are the prepositions that put a birth place between the trigger and the date.
var dobPlacePrep = newWordSet("in en a à au în in w we te à")

// dobPlaceLink are the words between a birth place and the date ("in London on 3 May 1990").
var dobPlaceLink = newWordSet("on the am le il el op pe la dnia w em")

// dobPlace reads a birth place that starts with a preposition at token j: one to three words, then
// a link word or the date itself. It returns the index of the place's last token.
func dobPlace(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	if !dobPlacePrep.has(tokLower(t, j)) {
		return 0, false
	}
	k := j + 1
	for w := 0; k < len(toks) && w < 3; w++ {
		if g := gap(t, k); g != " " && g != "-" || toks[k].Flags&redact.HasDigit != 0 ||
			dobPlaceLink.has(tokLower(t, k)) {
			break
		}
		if _, ok := monthOf(tokLower(t, k)); ok {
			break
		}
		k++
	}
	if k == j+1 || k >= len(toks) || gap(t, k) != " " && gap(t, k) != ", " {
		return 0, false
	}
	if dobPlaceLink.has(tokLower(t, k)) {
		return k - 1, true
	}
	if _, _, ok := parseDate(t, k); ok {
		return k - 1, true
	}
	return 0, false
}

// dobVerbFinal are the participles that German and Dutch put after the date ("am … geboren").
var dobVerbFinal = newWordSet("geboren")

// dateEndingAt finds a date whose last token is e.
func dateEndingAt(t *redact.Text, e int) (first, last int, ok bool) {
	for j := e; j >= 0 && j > e-6; j-- {
		if f, l, ok := parseDate(t, j); ok && l == e {
			return f, l, true
		}
	}
	return 0, 0, false
}

// parseDate reads a date that starts at token j and returns its first and last tokens.
func parseDate(t *redact.Text, j int) (first, last int, ok bool) {
	if e, ok := numericDate(t, j); ok {
		return j, e, true
	}
	if e, ok := longDate(t, j); ok {
		return j, e, true
	}
	return 0, 0, false
}

// numericDate reads "14.03.1985", "14/03/1985", "14-03-1985", "14.03.85", "1985-03-14" and, when the
// day-first reading is impossible, the US "03/14/1985".
func numericDate(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	if j+2 >= len(toks) {
		return 0, false
	}
	// The separators first: they rule out nearly every digit token (groups of phone numbers, IBANs
	// and cards are joined by spaces) before any number is parsed.
	s1, s2 := gap(t, j+1), gap(t, j+2)
	if s1 != s2 || s1 != "." && s1 != "/" && s1 != "-" && s1 != ". " {
		return 0, false
	}
	a, ok1 := atoiTok(t, j)
	b, ok2 := atoiTok(t, j+1)
	c, ok3 := atoiTok(t, j+2)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	la, lb, lc := len(tokText(t, j)), len(tokText(t, j+1)), len(tokText(t, j+2))
	switch {
	case la == 4 && lb <= 2 && lc <= 2: // ISO
		if validDate(a, b, c) {
			return j + 2, true
		}
	case la <= 2 && lb <= 2 && (lc == 4 || lc == 2):
		y := c
		if lc == 2 {
			y = expandYear(c)
		}
		if validDate(y, b, a) || validDate(y, a, b) {
			return j + 2, true
		}
	}
	return 0, false
}

// longDate reads dates with a month name: "14. März 1985", "14 de marzo de 1985", "1er mars 1985",
// "14th of March 1985", "14 marca 1985", "March 14, 1985", "14-Mar-1985".
func longDate(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	n := len(toks)
	// day first
	if day, ok := dayTok(t, j); ok {
		k := j + 1
		if k < n && isSep(gap(t, k)) && (tokLower(t, k) == "de" || tokLower(t, k) == "of") {
			k++
		}
		if k < n && isSep(gap(t, k)) && toks[k].Flags&redact.HasDigit == 0 { // month names have no digit
			if m, ok := monthOf(tokLower(t, k)); ok {
				k++
				if k < n && isSep(gap(t, k)) && (tokLower(t, k) == "de" || tokLower(t, k) == "del") {
					k++
				}
				if k < n && isSep(gap(t, k)) {
					if y, ok := atoiTok(t, k); ok && len(tokText(t, k)) == 4 && validDate(y, m, day) {
						return k, true
					}
				}
			}
		}
	}
	// month first
	if toks[j].Flags&redact.HasDigit != 0 {
		return 0, false // month names have no digit
	}
	if m, ok := monthOf(tokLower(t, j)); ok && j+2 < n && isSep(gap(t, j+1)) {
		if day, ok := dayTok(t, j+1); ok && isSep(gap(t, j+2)) {
			if y, ok := atoiTok(t, j+2); ok && len(tokText(t, j+2)) == 4 && validDate(y, m, day) {
				return j + 2, true
			}
		}
	}
	return 0, false
}

// dayTok reads a day of the month: "14", "1er", "1st", "2nd", "3rd", "14th", "1o" (Spanish "1º").
func dayTok(t *redact.Text, j int) (int, bool) {
	s := tokText(t, j)
	d, k := 0, 0
	for k < len(s) && k < 2 && s[k] >= '0' && s[k] <= '9' {
		d = d*10 + int(s[k]-'0')
		k++
	}
	if k == 0 || d < 1 || d > 31 {
		return 0, false
	}
	switch s[k:] {
	case "", "er", "st", "nd", "rd", "th", "o", "e":
		return d, true
	}
	return 0, false
}

// isSep reports whether g may separate the parts of a long date.
func isSep(g string) bool {
	switch g {
	case " ", ". ", ", ", "-", ".", "/", " - ":
		return true
	}
	return false
}

// expandYear turns a two-digit year into the most recent past year with those digits.
func expandYear(y int) int {
	now := time.Now().Year()
	full := now/100*100 + y
	if full > now {
		full -= 100
	}
	return full
}

// validDate reports whether y-m-d exists and y is a plausible birth year.
func validDate(y, m, d int) bool {
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return false
	}
	// Only a year after the one the program started in can be in the future: most dates cost no
	// reading of the clock.
	if y > startYear && y > time.Now().Year() {
		return false
	}
	return d <= daysIn(y, m)
}

// startYear is the current year when the program started.
var startYear = time.Now().Year()

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var _ redact.Detector = (*DateOfBirth)(nil)
