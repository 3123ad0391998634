package detect

import (
	"github.com/veil-privacy/veil/redact"
)

// Address finds postal street addresses: a street with its house number, in the word orders of the
// supported countries ("Hauptstraße 5", "12 rue de la Paix", "Via Roma 5", "Calle Mayor, 5",
// "ul. Długa 5/7", "Strada Lalelelor nr. 5", "10 Downing Street"), optionally followed by the postcode
// and the town (", 10115 Berlin", ", 1012 AB Amsterdam", ", 00-950 Warszawa", ", London SW1A 2AA").
// A street without a type word is taken only when a postcode and town follow it.
type Address struct{}

// NewAddress returns the ADDRESS detector.
func NewAddress() *Address { return &Address{} }

// addressMaxLen bounds a reported address.
const addressMaxLen = 120

// Types implements redact.Detector.
func (*Address) Types() []redact.Type { return []redact.Type{redact.Address} }

// MaxLen implements redact.Detector.
func (*Address) MaxLen() int { return addressMaxLen }

const (
	addrConfTail   = 0.9  // street, number, postcode and town
	addrConfStreet = 0.8  // street type word and number
	addrConfWeak   = 0.65 // weak street word (Feld, Hill, Im …) with a context word before it
)

// Detect implements redact.Detector. Every address has a house number (or "s/n"), so the detector
// starts from house numbers and tries the address shapes only at the few tokens before them that a
// street name could span.
func (a *Address) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if sn := hasSinNumero(t); sn || t.Flags&redact.HasDigit == 0 {
		if !sn {
			return dst
		}
		// "Calle Mayor s/n" has no digit to start from: read every token.
		for i := 0; i < len(t.Tokens); i++ {
			i, dst = a.detectAt(t, i, dst)
		}
		return dst
	}
	// The list holds the house numbers that houseListed accepts: the others have no street name
	// before them (streetStart stops at the number before) and no word after them.
	w := windows{anchors: [2][]int32{numberTokens(t, listHouse)}, n: len(t.Tokens), span: func(h int) (int, int, bool) {
		lo := streetStart(t, h)
		if lo == h && !numberMayLead(t, h) {
			return 0, 0, false // no word before the number and none after it: no address here
		}
		return lo, h, true
	}}
	next := 0
	for lo, hi, ok := w.next(); ok; lo, hi, ok = w.next() {
		i := max(lo, next)
		for ; i <= hi; i++ {
			// At a number only numberFirst may match, and only with a word after the number
			// (most numbers of PII-dense text, the groups of IBANs, cards and phone numbers, have
			// none); at a word without a capital, only a street type or a particle: no call.
			if f := t.Tokens[i].Flags; f&redact.HasDigit != 0 && !numberMayLead(t, i) ||
				f&(redact.HasDigit|redact.HasUpper|redact.InitUpper) == 0 && !addrLowerMayStart(t, i) {
				continue
			}
			i, dst = a.detectAt(t, i, dst)
		}
		next = i
	}
	return dst
}

// detectAt reports the address that starts at token i, if any, and returns the token to continue
// after.
func (a *Address) detectAt(t *redact.Text, i int, dst []redact.Finding) (int, []redact.Finding) {
	toks := t.Tokens
	last, conf := a.matchAt(t, i)
	if last < 0 {
		return i, dst
	}
	start, end := toks[i].Start, toks[last].End
	if i >= 2 && unitWords.has(tokLower(t, i-2)) && (onlySpaces(gap(t, i-1)) || gap(t, i-1) == ". ") &&
		gap(t, i) == ", " && (toks[i-1].Flags&redact.HasDigit != 0 || toks[i-1].End-toks[i-1].Start <= 2 &&
		toks[i-1].Flags&redact.HasLower == 0) {
		start = toks[i-2].Start // "Flat 3, 12 High Street", "Bât. B, 7 allée des Cerisiers"
	} else if ts, ok := townBefore(t, i); ok {
		start = toks[ts].Start // "10115 Berlin, Hauptstraße 5"
	}
	if end < len(t.Norm) && t.Norm[end] == '.' && isAbbrevTok(toks[last]) {
		end++ // "s/n.", "izq."
	}
	if end-start > addressMaxLen {
		return i, dst
	}
	dst = append(dst, redact.Finding{Type: redact.Address, Start: start, End: end, Confidence: conf})
	return last, dst
}

// matchAt tries every address shape that starts at token i and returns the last token of the
// longest, or -1.
func (a *Address) matchAt(t *redact.Text, i int) (last int, conf float64) {
	last = -1
	if t.Tokens[i].Flags&redact.HasDigit != 0 {
		// Only a number can start a shape at a token with a digit: every other shape starts
		// with a word.
		return numberFirst(t, i)
	}
	try := func(e int, c float64) {
		if e > last || e == last && c > conf {
			last, conf = e, c
		}
	}
	if e, c := prefixStreet(t, i); e >= 0 {
		try(e, c)
	}
	if e, c := suffixStreet(t, i); e >= 0 {
		try(e, c)
	}
	if last < 0 {
		if e, c := bareStreetWithTail(t, i); e >= 0 {
			try(e, c)
		}
	}
	if last < 0 {
		if e, c := labeledStreet(t, i); e >= 0 {
			try(e, c)
		}
	}
	return last, conf
}

// addrLabels are the words of a form label that introduces an address ("Adres: Lange Voorhout 8").
var addrLabels = newWordSet("address adresse adres adresa adresă anschrift indirizzo dirección direccion",
	"domicilio lieferadresse rechnungsadresse woonadres afleveradres")

// labeledStreet: after an address label and a colon, capitalised words and a house number are a
// street even without a street word ("Adres: Lange Voorhout 84B", "Address: 4 Privet Drive").
func labeledStreet(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	if i == 0 || !isCapWord(toks[i]) || !addrLabels.has(tokLower(t, i-1)) {
		return -1, 0
	}
	if g := gap(t, i); g != ": " && g != " : " && g != ":" {
		return -1, 0
	}
	if !isCapWord(toks[i]) || nameStop.has(tokLower(t, i)) || funcWords.has(tokLower(t, i)) {
		return -1, 0
	}
	k := i
	for n := 0; n < 3 && k+1 < len(toks); n++ {
		g := gap(t, k+1)
		if g == "-" && isStreetCase(toks[k+1]) || g == " " && isCapWord(toks[k+1]) {
			k++
			continue
		}
		if g == " " && isLowerWord(toks[k+1]) && addrParticles.has(tokLower(t, k+1)) && k+2 < len(toks) &&
			gap(t, k+2) == " " && isCapWord(toks[k+2]) {
			k += 2
			continue
		}
		break
	}
	if k+1 >= len(toks) || gap(t, k+1) != " " || !houseNumberPlausible(t, k+1) {
		return -1, 0
	}
	e, ok := houseAfterName(t, k)
	if !ok {
		return -1, 0
	}
	if te, ok := addrTail(t, e); ok {
		return te, addrConfTail - 0.1
	}
	return e, addrConfWeak
}

// prefixStreet: TYPE name [,] [nr.] NUMBER [tail], as in "Via Roma 5", "ul. Długa 5/7, 00-950
// Warszawa", "Calle Mayor, 5", "Strada Lalelelor nr. 5", "Aleea Lisabona, Bloc 80".
func prefixStreet(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	w := tokLower(t, i)
	j := i + 1
	if len(w) == 1 && j+1 < len(toks) && gap(t, j) == "." && isLowerWord(toks[j]) {
		// "P.zza", "V.le", "C.so": a prefix abbreviated around a dot is two tokens
		if dw := t.Lower[toks[i].Start:toks[j].End]; streetPrefix.has(dw) {
			w = dw
			j++
		}
	}
	if toks[i].Flags&redact.HasDigit != 0 || !streetPrefix.has(w) {
		return -1, 0
	}
	if toks[i].Flags&redact.HasUpper != 0 && !toks[i].Is(redact.InitUpper) {
		return -1, 0 // "VIA" shouting or "cAlle": not a street word
	}
	if j >= len(toks) {
		return -1, 0
	}
	g := gap(t, j)
	if len(w) == 1 { // "C/ Mayor"
		if g != "/ " && g != "/" && g != ". " {
			return -1, 0
		}
	} else if g != " " && g != ". " && g != "." && g != "-" {
		return -1, 0
	}
	if w == "b" { // "b-dul"
		return -1, 0
	}
	nameEnd := streetName(t, j, true)
	if nameEnd < 0 {
		return -1, 0
	}
	e, ok := houseAfterName(t, nameEnd)
	if !ok {
		return -1, 0
	}
	if te, ok := addrTail(t, e); ok {
		return te, addrConfTail
	}
	if te, ok := buildingTownTail(t, e); ok {
		return te, addrConfTail
	}
	return e, addrConfStreet
}

// buildingTownTail reads ", Town" after Romanian building parts or a Bucharest sector (", ap. 14,
// Cluj-Napoca", ", sector 4, București"), where a town often follows without a postcode. The town
// must end the sentence or the line.
func buildingTownTail(t *redact.Text, e int) (int, bool) {
	toks := t.Tokens
	if e < 1 || !houseExtra.has(tokLower(t, e-1)) || e+1 >= len(toks) || gap(t, e+1) != ", " {
		return 0, false
	}
	ce := town(t, e+1)
	if ce < 0 {
		return 0, false
	}
	if end := toks[ce].End; end < len(t.Norm) {
		switch t.Norm[end] {
		case '.', '?', '!', ',', ')', '\n', ';', ' ':
		default:
			return 0, false
		}
	}
	return ce, true
}

// townBefore finds "POSTCODE Town, " written before the street that starts at token i
// ("10115 Berlin, Hauptstraße 5") and returns the index of the postcode's first token.
func townBefore(t *redact.Text, i int) (int, bool) {
	toks := t.Tokens
	if i < 2 || gap(t, i) != ", " {
		return 0, false
	}
	k := i - 1 // the town's last word
	for n := 0; n < 3 && k >= 1 && isStreetCase(toks[k]); n++ {
		if nameStop.has(tokLower(t, k)) {
			return 0, false
		}
		g := gap(t, k)
		if g != " " && g != "-" {
			return 0, false
		}
		if toks[k-1].AllDigits() && g == " " {
			p := k - 1
			if ps := tokText(t, p); len(ps) == 4 || len(ps) == 5 {
				if p == 0 || numberStartGap(gap(t, p)) {
					if pe, ok := postcode(t, p); ok && pe == p {
						return p, true
					}
				}
			}
			return 0, false
		}
		k--
	}
	return 0, false
}

// numberMayLead reports whether a word follows house number h as numberFirst needs: a token
// without a digit after a space or a comma. Of the shapes, only numberFirst starts at a number, and
// every street word and name word it reads next is such a token.
func numberMayLead(t *redact.Text, h int) bool {
	if h+1 >= len(t.Tokens) || t.Tokens[h+1].Flags&redact.HasDigit != 0 {
		return false
	}
	g := gap(t, h+1)
	return g == " " || g == ", "
}

// numberFirst: NUMBER [,] TYPE name | NUMBER name SUFFIX, as in "12 rue de la Paix",
// "225 Boulevard de la Pompe, 22121 Perpignan", "10 Downing Street", "430 Pouros Hill".
// A street without a type word ("252 Broadway") needs a GB postcode tail.
func numberFirst(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	if toks[i].Flags&redact.HasDigit == 0 || !isHouseNumberTok(t, i) {
		return -1, 0
	}
	if i > 0 && !numberStartGap(gap(t, i)) {
		return -1, 0
	}
	j := i + 1
	if j+1 < len(toks) && gap(t, j) == " " && (tokLower(t, j) == "bis" || tokLower(t, j) == "ter") {
		j++ // "7 bis avenue …"
	}
	if j >= len(toks) {
		return -1, 0
	}
	if g := gap(t, j); g != " " && g != ", " {
		return -1, 0
	}
	var e int
	conf := addrConfStreet
	switch w := tokLower(t, j); {
	case streetPrefix.has(w) && toks[j].Flags&redact.HasDigit == 0 && len(w) > 1:
		if j+1 >= len(toks) {
			return -1, 0
		}
		if gg := gap(t, j+1); gg != " " && gg != ". " {
			return -1, 0
		}
		e = streetName(t, j+1, true)
		if e < 0 {
			return -1, 0
		}
	default:
		// name words ending in a suffix type
		e = streetName(t, j, false)
		if e < 0 {
			return -1, 0
		}
		lw := tokLower(t, e)
		switch {
		case streetSuffix.has(lw) && e > j:
		case streetSuffixWeak.has(lw) && e > j:
			conf = addrConfWeak + 0.1
		default:
			// "252 Broadway", "30 The Copse": only with a postcode after it
			if te, ok := addrTail(t, e); ok {
				return te, addrConfTail - 0.05
			}
			return -1, 0
		}
	}
	if te, ok := addrTail(t, e); ok {
		return te, addrConfTail
	}
	return e, conf
}

// suffixStreet: name ending in a street word, then NUMBER [tail], as in "Hauptstraße 5",
// "Berliner Str. 12a", "Carlo-Mierendorff-Str. 4", "van der Veldelaan 929a", "Im Staderfeld 99c",
// "Auf dem Blahnenhof 719".
func suffixStreet(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	// the street name: optional German opener or Dutch particles, then capitalised words joined by
	// spaces or hyphens, the last of which is or ends in a street word
	if toks[i].Flags&redact.HasDigit != 0 {
		return -1, 0 // neither a street word nor a lead word ("Am", "van") holds a digit
	}
	j := i
	lead := false
	w := tokLower(t, j)
	switch {
	case toks[j].Is(redact.InitUpper) && streetLeadDE.has(w):
		lead = true
		j++
		if j < len(toks) && (tokLower(t, j) == "dem" || tokLower(t, j) == "der" || tokLower(t, j) == "den") &&
			onlySpaces(gap(t, j)) {
			j++
		}
	case isLowerWord(toks[j]) && (w == "van" || w == "ter" || w == "ten"):
		for j < len(toks) && j-i < 3 && isLowerWord(toks[j]) && addrParticles.has(tokLower(t, j)) {
			j++
		}
		lead = true
	}
	if j >= len(toks) || j > i && !onlySpaces(gap(t, j)) {
		return -1, 0
	}
	if !isStreetCase(toks[j]) || toks[j].Flags&redact.HasDigit != 0 {
		return -1, 0
	}
	if i > 0 && !lead && joinedBefore(t, i) {
		return -1, 0 // the street starts earlier; the scan reaches it there
	}
	// walk capitalised words (spaces or hyphens) up to 4, remember where a street word ends one
	weak, found, lastWord := false, -1, -1
	for k, words := j, 0; k < len(toks) && words < 5; k++ {
		if k > j {
			g := gap(t, k)
			if g != "-" && g != " " {
				break
			}
		}
		tok := toks[k]
		if tok.Flags&redact.HasDigit != 0 || !tok.Is(redact.HasLetter) {
			break
		}
		lw := tokLower(t, k)
		if k > j && gap(t, k) == " " && !isStreetCase(tok) {
			break
		}
		words++
		lastWord = k
		switch {
		case streetSuffix.has(lw) && k > j:
			found, weak = k, false
		case streetSuffixWeak.has(lw) && k > j:
			found, weak = k, true
		case isStreetCase(tok):
			if sfx, ok := compoundSuffix(lw); ok {
				found, weak = k, streetCompoundWeak.has(sfx)
			}
		}
		if found == k {
			break
		}
	}
	if found < 0 && lead && streetLeadDE.has(tokLower(t, i)) && lastWord >= 0 && addrContextBefore(t, i) {
		found, weak = lastWord, true // "Adresse: Auf der Heide 80"
	}
	if found < 0 {
		return -1, 0
	}
	e, ok := houseAfterName(t, found)
	if !ok {
		return -1, 0
	}
	if te, ok := addrTail(t, e); ok {
		return te, addrConfTail
	}
	if weak || lead && streetLeadDE.has(tokLower(t, i)) {
		if addrContextBefore(t, i) && houseNumberPlausible(t, found+1) {
			return e, addrConfWeak
		}
		return -1, 0
	}
	return e, addrConfStreet
}

// addrContextBefore reports whether an address context word ("Adresse:", "wohne in", "at")
// stands right before token i.
func addrContextBefore(t *redact.Text, i int) bool {
	if i == 0 || !addrContext.has(tokLower(t, i-1)) {
		return false
	}
	g := gap(t, i)
	return onlySpaces(g) || g == ": " || g == " : " || g == ":"
}

// bareStreetWithTail: Name NUMBER, POSTCODE Town — a street without a type word, taken only when a
// postcode and town follow ("Winterberg 31c, 46707 Nord Livstadt").
func bareStreetWithTail(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	if !isCapWord(toks[i]) || i > 0 && joinedBefore(t, i) {
		return -1, 0
	}
	if w := tokLower(t, i); nameStop.has(w) || funcWords.has(w) || weekdayNames.has(w) {
		return -1, 0 // "Windows 10, 2004 Update"
	}
	if _, ok := monthOf(tokLower(t, i)); ok {
		return -1, 0
	}
	k := i
	if streetLeadDE.has(tokLower(t, i)) { // "Auf dem Bohnbüchel 6, 79013 …"
		if k+1 < len(toks) && onlySpaces(gap(t, k+1)) && (tokLower(t, k+1) == "dem" || tokLower(t, k+1) == "der" ||
			tokLower(t, k+1) == "den") {
			k++
		}
		if k+1 >= len(toks) || !onlySpaces(gap(t, k+1)) || !isCapWord(toks[k+1]) {
			return -1, 0
		}
		k++
	}
	for n := 0; n < 3; n++ {
		if k+1 >= len(toks) {
			return -1, 0
		}
		g := gap(t, k+1)
		if g == "-" && isStreetCase(toks[k+1]) || g == " " && isCapWord(toks[k+1]) {
			k++
			continue
		}
		break
	}
	e, ok := houseAfterName(t, k)
	if !ok || gap(t, k+1) != " " {
		return -1, 0
	}
	te, ok := addrTail(t, e)
	if !ok {
		return -1, 0
	}
	return te, addrConfTail - 0.15
}

var _ redact.Detector = (*Address)(nil)
