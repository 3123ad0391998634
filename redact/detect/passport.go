package detect

import (
	"github.com/veil-privacy/veil/redact"
)

// Passport finds passport numbers. A passport number has no checksum that all countries share, so
// it is taken only right after a context word ("passport", "Reisepass", "passeport", "paszport" …):
// an alphanumeric value of 6 to 10 characters with digits in it, as the EU countries issue them
// (9 digits in GB, "C01X00T47" in DE, "12AB34567" in FR, "YA1234567" in IT and PL, "ABC123456" in ES,
// "NX…" in NL, 8 digits in RO).
type Passport struct{ docNumber }

// DrivingLicence finds driving-licence numbers after a context word ("driving licence",
// "Führerschein", "permis de conduire", "prawo jazdy" …): an alphanumeric value of 5 to 20 characters
// with digits in it, possibly in parts joined by '-' or '/'.
type DrivingLicence struct{ docNumber }

// NewPassport returns the PASSPORT detector.
func NewPassport() *Passport {
	return &Passport{docNumber{typ: redact.Passport, triggers: passportTriggers, mark: markPassport, minLen: 6,
		maxLen: 10, conf: 0.85}}
}

// NewDrivingLicence returns the DRIVING_LICENCE detector.
func NewDrivingLicence() *DrivingLicence {
	return &DrivingLicence{docNumber{typ: redact.DrivingLicence, triggers: licenceTriggers, mark: markLicence,
		minLen: 5, maxLen: 20, conf: 0.8, joined: true}}
}

// docNumber is an identifier found after a context phrase.
type docNumber struct {
	typ            redact.Type
	triggers       *phraseSet
	mark           uint32 // the mark of the tokens that may end one of triggers (see marks.go)
	minLen, maxLen int
	conf           float64
	joined         bool // the value may consist of parts joined by '-' or '/'
}

// Types implements redact.Detector.
func (d *docNumber) Types() []redact.Type { return []redact.Type{d.typ} }

// MaxLen implements redact.Detector.
func (d *docNumber) MaxLen() int { return d.maxLen }

var passportTriggers = newPhraseSet().add(1, "passport|passport number|passport no|passport nr|"+
	"reisepass|reisepassnummer|reisepass-nr|pass-nr|pass nr|passnummer|passnr|"+
	"passeport|numéro de passeport|n° de passeport|"+
	"passaporto|numero di passaporto|numero passaporto|"+
	"pasaporte|número de pasaporte|numero de pasaporte|"+
	"paspoort|paspoortnummer|"+
	"paszport|paszportu|numer paszportu|"+
	"pașaport|pasaport|paşaport|pașaportul|pasaportul|numărul pașaportului|"+
	"passaporte")

var licenceTriggers = newPhraseSet().add(1, "driving licence|driving license|driver's license|driver's licence|"+
	"drivers license|drivers licence|driver license|driver licence|licence number|license number|"+
	"dl number|dl no|"+
	"führerschein|führerscheinnummer|führerschein-nr|fuehrerschein|"+
	"permis de conduire|numéro de permis|"+
	"patente|patente di guida|numero patente|numero di patente|"+
	"carnet de conducir|carné de conducir|carnet de conducer|permiso de conducir|licencia de conducir|"+
	"rijbewijs|rijbewijsnummer|"+
	"prawo jazdy|prawa jazdy|numer prawa jazdy|"+
	"permis de conducere|permisul de conducere|permis auto|permisului de conducere")

// docFiller are the words allowed between a context phrase and the number ("Passport no.", "n.º",
// "Pass-Nr.:", "ist", "number is").
var docFiller = newWordSet("no nr n o nº num number nummer numéro numero número numer număr nr. id",
	"is ist est è es jest este my mein meine mon ma mio mia mi mijn mój moja meu mea",
	"de del du di van des of the", "card karte carte")

// Detect implements redact.Detector. It visits the tokens marked as possible ends of its context
// phrases (see marks.go) and reads a value in the few tokens after each.
func (d *docNumber) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&(redact.HasDigit|redact.HasUpper) == 0 || t.MarkBits(detectMarker)&d.mark == 0 {
		return dst // a value holds a digit or is written in capitals, and a phrase introduces it
	}
	next := 0
	for _, mk := range t.Marks(detectMarker) {
		if i := int(mk.Tok); mk.Bits&d.mark != 0 && i >= next {
			var e int
			if e, dst = d.detectAt(t, i, dst); e > i {
				next = e + 1
			}
		}
	}
	return dst
}

// detectAt reports the value that a context phrase ending at token i introduces and returns the
// token to continue after.
func (d *docNumber) detectAt(t *redact.Text, i int, dst []redact.Finding) (int, []redact.Finding) {
	toks := t.Tokens
	if _, _, ok := d.triggers.matchEnd(t, i); !ok {
		return i, dst
	}
	j := i + 1
	for n := 0; j < len(toks) && n <= 4; n++ {
		if g := gap(t, j); len(g) > 5 {
			break
		}
		if last, ok := d.value(t, j); ok {
			dst = append(dst, redact.Finding{Type: d.typ, Start: toks[j].Start, End: toks[last].End,
				Confidence: d.conf})
			return last, dst
		}
		if !docFiller.has(tokLower(t, j)) {
			break
		}
		j++
	}
	return i, dst
}

// value reports whether an identifier starts at token j and returns its last token.
func (d *docNumber) value(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	last := j
	if d.joined {
		for last+1 < len(toks) {
			g := gap(t, last+1)
			if (g == "-" || g == "/") && toks[last+1].Flags&redact.HasLower == 0 {
				last++
				continue
			}
			break
		}
	}
	// the value must stand alone: not glued to more characters by '.', '-' or '/'
	if last+1 < len(toks) {
		if g := gap(t, last+1); g == "." || g == "-" || g == "/" || g == "," || g == ":" {
			return 0, false
		}
	}
	if j > 0 {
		if g := gap(t, j); len(g) > 0 && (g[len(g)-1] == '-' || g[len(g)-1] == '/') && len(g) == 1 {
			return 0, false
		}
	}
	n, digits, lower, vowels := 0, 0, 0, 0
	for k := j; k <= last; k++ {
		s := tokText(t, k)
		for x := 0; x < len(s); x++ {
			c := s[x]
			switch {
			case c >= '0' && c <= '9':
				digits++
			case c >= 'a' && c <= 'z':
				lower++
			case c >= 'A' && c <= 'Z':
				if c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' {
					vowels++
				}
			default:
				return 0, false // non-ASCII: a word, not a number
			}
			n++
		}
	}
	if n < d.minLen || toks[last].End-toks[j].Start > d.maxLen {
		return 0, false
	}
	// German documents use a vowel-free alphabet, so a number may have no digit at all
	// ("CFGHJKLMN"); any other value needs digits.
	if digits == 0 && (lower > 0 || vowels > 0 || n < 8) || digits == 1 && lower > 0 {
		return 0, false
	}
	if lower > 0 && digits < n/2 {
		return 0, false // a lower-case word with a few digits in it
	}
	return last, true
}

var (
	_ redact.Detector = (*Passport)(nil)
	_ redact.Detector = (*DrivingLicence)(nil)
)
