package detect

import (
	"strings"

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
	w := windows{anchors: [2][]int32{t.DigitTokens()}, n: len(t.Tokens), span: func(h int) (int, int, bool) {
		return streetStart(t, h), h, isHouseNumberTok(t, h)
	}}
	next := 0
	for lo, hi, ok := w.next(); ok; lo, hi, ok = w.next() {
		i := max(lo, next)
		for ; i <= hi; i++ {
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
	try := func(e int, c float64) {
		if e > last || e == last && c > conf {
			last, conf = e, c
		}
	}
	if e, c := prefixStreet(t, i); e >= 0 {
		try(e, c)
	}
	if e, c := numberFirst(t, i); e >= 0 {
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
	if i == 0 || !addrLabels.has(tokLower(t, i-1)) {
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
	if !streetPrefix.has(w) || toks[i].Flags&redact.HasDigit != 0 {
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

// numberFirst: NUMBER [,] TYPE name | NUMBER name SUFFIX, as in "12 rue de la Paix",
// "225 Boulevard de la Pompe, 22121 Perpignan", "10 Downing Street", "430 Pouros Hill".
// A street without a type word ("252 Broadway") needs a GB postcode tail.
func numberFirst(t *redact.Text, i int) (int, float64) {
	toks := t.Tokens
	if !isHouseNumberTok(t, i) || toks[i].Flags&redact.HasDigit == 0 {
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
	j := i
	lead := false
	w := tokLower(t, j)
	switch {
	case streetLeadDE.has(w) && toks[j].Is(redact.InitUpper):
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

// streetName reads the name after a street type: capitalised words, particles, initials,
// apostrophe and hyphen compounds. It returns the last token of the name, or -1. With needCap the
// name must contain a capitalised word (after "rue", "Via", "ul.").
func streetName(t *redact.Text, j int, needCap bool) int {
	toks := t.Tokens
	last := -1
	start := toks[j].Start
	for k, words := j, 0; k < len(toks) && words < 7; k++ {
		if k > j {
			g := gap(t, k)
			switch {
			case g == " ", g == "-", isApostrophe(g):
			case g == ". " && isInitial(t, k-1):
			default:
				return last
			}
		}
		tok := toks[k]
		if toks[k].End-start > addressMaxLen/2 {
			return last
		}
		lw := tokLower(t, k)
		switch {
		case isStreetCase(tok) && tok.Flags&redact.HasDigit == 0:
			if addrStop.has(lw) {
				return last
			}
			last = k
			words++
		case isLowerWord(tok) && addrParticles.has(lw):
			// a particle; the name must go on after it
		case k > j && gap(t, k) == "-" && tok.Flags&redact.HasDigit == 0:
			// lower-case part of a hyphenated name ("Faubourg-Saint-Denis" is capitalised, but
			// "Johnston-under-Waters" is not)
		case isRoman(tokText(t, k)):
			last = k
			words++
		default:
			return last
		}
	}
	if needCap && last < 0 {
		return -1
	}
	return last
}

// houseAfterName parses [,] [nr.] NUMBER after the street name that ends at token e, and Romanian or
// Polish building parts after it. It returns the last token of the number part.
func houseAfterName(t *redact.Text, e int) (int, bool) {
	toks := t.Tokens
	j := e + 1
	if j >= len(toks) {
		return 0, false
	}
	g := gap(t, j)
	if g != " " && g != ", " && g != "," && g != ". " && g != ". , " {
		return 0, false
	}
	if g == ". " && !strings.HasSuffix(tokLower(t, e), "str") && len(tokText(t, e)) > 4 {
		return 0, false // the sentence ended after the name
	}
	// "s/n": sin número
	if tokLower(t, j) == "s" && j+1 < len(toks) && gap(t, j+1) == "/" && tokLower(t, j+1) == "n" {
		return j + 1, true
	}
	w := tokLower(t, j)
	if houseMarker.has(w) || w == "bloc" || w == "bl" {
		if j+1 >= len(toks) {
			return 0, false
		}
		if mg := gap(t, j+1); mg != " " && mg != ". " && mg != "." {
			return 0, false
		}
		j++
	}
	end, ok := houseNumber(t, j)
	if !ok || strings.IndexByte(g, ',') >= 0 && toks[j].AllDigits() && len(tokText(t, j)) > 4 {
		return 0, false // "rue de la Paix, 75002 Paris": a postcode, not a house number
	}
	// building parts: ", bl. A2, sc. 1, et. 3, ap. 14", Spanish floors: ", 3º izq.", ", 2ª B"
	for end+1 < len(toks) {
		g := gap(t, end+1)
		if g != ", " && g != " " {
			break
		}
		if isFloorTok(tokText(t, end+1)) || g == ", " && floorWords.has(tokLower(t, end+1)) {
			end++
			if end+1 < len(toks) && gap(t, end+1) == " " && floorSide.has(tokLower(t, end+1)) {
				end++
			}
			continue
		}
		if end+2 >= len(toks) {
			break
		}
		if !houseExtra.has(tokLower(t, end+1)) {
			break
		}
		mg := gap(t, end+2)
		if mg != " " && mg != ". " && mg != "." {
			break
		}
		k := toks[end+2]
		if k.Flags&redact.HasDigit == 0 && k.End-k.Start > 2 {
			break
		}
		end += 2
	}
	return end, true
}

// isAbbrevTok reports whether token k is a short lower-case word that a full stop may abbreviate.
func isAbbrevTok(k redact.Token) bool {
	return k.End-k.Start <= 4 && k.Flags&(redact.HasDigit|redact.HasUpper) == 0
}

// isFloorTok reports whether s is a Spanish floor such as "3o" or "2a" (NFKC of "3º", "2ª").
func isFloorTok(s string) bool {
	if len(s) == 3 && s[0] >= '1' && s[0] <= '9' && (s[1] == 'o' || s[1] == 'a') && s[2] >= 'A' && s[2] <= 'H' {
		return true // "4ºA"
	}
	return len(s) >= 2 && len(s) <= 3 && s[0] >= '0' && s[0] <= '9' && (s[len(s)-1] == 'o' || s[len(s)-1] == 'a') &&
		(len(s) == 2 || s[1] >= '0' && s[1] <= '9')
}

// houseNumber parses a house number at token j: "5", "12a", "221B", "5/7", "5-7", "12 bis",
// "738 II", "26b". It returns the last token.
func houseNumber(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	if !isHouseNumberTok(t, j) {
		return 0, false
	}
	end := j
	if end+1 < len(toks) {
		g := gap(t, end+1)
		next := tokText(t, end+1)
		switch {
		case (g == "/" || g == "-") && isHouseNumberTok(t, end+1):
			end++
		case g == "-" && isRoman(next) && len(next) <= 3:
			end++ // Dutch "127-II"
		case g == " " && (next == "hs" || next == "huis" || next == "bg" || next == "boven"):
			end++ // Dutch "263 hs" (ground floor), "12 boven"
		case g == " " && (next == "bis" || next == "ter" || next == "quater"):
			end++
		case g == " " && isRoman(next) && len(next) <= 3 && (end+2 >= len(toks) || gap(t, end+2) != " " ||
			!isCapWord(toks[end+2])):
			end++
		case g == " " && len(next) == 1 && next[0] >= 'a' && next[0] <= 'z' &&
			(end+2 >= len(toks) || !strings.HasPrefix(gap(t, end+2), " ") && !strings.HasPrefix(gap(t, end+2), ".")):
			end++ // "12 a,"
		}
	}
	return end, true
}

// isHouseNumberTok reports whether token j looks like a house number: 1 to 5 digits, maybe with up
// to two letters after them.
func isHouseNumberTok(t *redact.Text, j int) bool {
	s := tokText(t, j)
	if len(s) == 0 || len(s) > 6 || s[0] < '1' || s[0] > '9' {
		return false
	}
	d := 0
	for d < len(s) && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	if d > 5 || len(s)-d > 2 {
		return false
	}
	for k := d; k < len(s); k++ {
		c := s[k] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// houseNumberPlausible rejects numbers that look like years or counts in prose ("Im Jahr 2019").
func houseNumberPlausible(t *redact.Text, j int) bool {
	for j < len(t.Tokens) && houseMarker.has(tokLower(t, j)) {
		j++
	}
	if j >= len(t.Tokens) {
		return false
	}
	s := tokText(t, j)
	return len(s) <= 3 || len(s) == 4 && s[3] > '9'
}

// addrTail parses ", POSTCODE Town" (or ", Town POSTCODE" with a GB postcode) after token e and
// returns the last token of the town or postcode.
func addrTail(t *redact.Text, e int) (int, bool) {
	toks := t.Tokens
	j := e + 1
	if j >= len(toks) {
		return 0, false
	}
	switch g := gap(t, j); g {
	case ", ", " ", ",\n", "\n", ",", " - ":
	default:
		// an abbreviation before the comma: "s/n., 28013 Madrid", "3º izq., 28008 Madrid"
		if g != "., " || !isAbbrevTok(t.Tokens[e]) {
			return 0, false
		}
	}
	if pe, ok := postcode(t, j); ok {
		if pe+1 < len(toks) && gap(t, pe+1) == " " {
			if ce := town(t, pe+1); ce >= 0 {
				return ce, true
			}
		}
		return 0, false
	}
	// GB: ", Town POSTCODE" or ", Town, POSTCODE"
	if ce := town(t, j); ce >= 0 && ce+1 < len(toks) {
		if g := gap(t, ce+1); g == " " || g == ", " {
			if pe, ok := gbPostcode(t, ce+1); ok {
				return pe, true
			}
		}
	}
	if pe, ok := gbPostcode(t, j); ok {
		return pe, true
	}
	return 0, false
}

// postcode parses a continental postcode at token j: 5 digits (DE, FR, IT, ES), 4 digits (AT, BE,
// CH, DK, LU, HU), 4 digits and 2 capitals (NL), 2-3 digits (PL), 4-3 digits (PT), 6 digits (RO),
// optionally after a country letter ("D-10115").
func postcode(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	s := tokText(t, j)
	if len(s) <= 2 && toks[j].Flags&(redact.HasDigit|redact.HasLower) == 0 && j+1 < len(toks) &&
		gap(t, j+1) == "-" {
		j++ // "D-", "F-", "NL-"
		s = tokText(t, j)
	}
	if toks[j].Flags&redact.HasLetter != 0 {
		return 0, false
	}
	switch len(s) {
	case 5, 6:
		return j, true
	case 4:
		if j+1 < len(toks) && gap(t, j+1) == " " {
			n := tokText(t, j+1)
			if len(n) == 2 && toks[j+1].Flags&(redact.HasDigit|redact.HasLower) == 0 {
				return j + 1, true // NL "1012 AB"
			}
		}
		if j+1 < len(toks) && gap(t, j+1) == "-" && len(tokText(t, j+1)) == 3 && toks[j+1].AllDigits() {
			return j + 1, true // PT "1000-001"
		}
		return j, true
	case 2:
		if j+1 < len(toks) && gap(t, j+1) == "-" && len(tokText(t, j+1)) == 3 && toks[j+1].AllDigits() {
			return j + 1, true // PL "00-950"
		}
	}
	return 0, false
}

// gbPostcode parses a UK postcode at token j: an outward code (A9, A99, AA9, AA99, A9A, AA9A) and an
// inward code of three characters starting with a digit.
func gbPostcode(t *redact.Text, j int) (int, bool) {
	toks := t.Tokens
	if j+1 >= len(toks) || gap(t, j+1) != " " {
		return 0, false
	}
	out, in := tokText(t, j), tokText(t, j+1)
	if len(out) < 2 || len(out) > 4 || len(in) != 3 {
		return 0, false
	}
	if toks[j].Flags&redact.HasLower != 0 || toks[j+1].Flags&redact.HasLower != 0 {
		return 0, false
	}
	letters := 0
	for letters < len(out) && out[letters] >= 'A' && out[letters] <= 'Z' {
		letters++
	}
	if letters == 0 || letters > 2 || letters == len(out) || out[letters] < '0' || out[letters] > '9' {
		return 0, false
	}
	if in[0] < '0' || in[0] > '9' {
		return 0, false
	}
	return j + 1, true
}

// town reads a town name at token j: capitalised words, hyphenated compounds in any case
// ("Johnston-under-Waters"), lower-case particles between capitalised words ("Rüsselsheim am Main",
// "Santiago de Compostela") and trailing qualifiers ("Montecatini terme"). It returns the last token
// or -1.
func town(t *redact.Text, j int) int {
	toks := t.Tokens
	if j >= len(toks) || !isStreetCase(toks[j]) || toks[j].Flags&redact.HasDigit != 0 || nameStop.has(tokLower(t, j)) {
		return -1
	}
	last := j
	for k := j + 1; k < len(toks) && k-j < 8; k++ {
		g := gap(t, k)
		tok := toks[k]
		if tok.Flags&redact.HasDigit != 0 {
			break
		}
		lw := tokLower(t, k)
		if g == "-" || isApostrophe(g) {
			if k == last+1 || addrParticles.has(tokLower(t, k-1)) {
				last = k
				continue
			}
			break
		}
		if g != " " {
			break
		}
		if isStreetCase(tok) {
			if addrStop.has(lw) || nameStop.has(lw) {
				break
			}
			if k != last+1 && !particleRun(t, last+1, k) {
				break
			}
			last = k
			continue
		}
		if isLowerWord(tok) && townQualifier.has(lw) && (k == last+1 || particleRun(t, last+1, k)) {
			last = k
			continue
		}
		if isLowerWord(tok) && addrParticles.has(lw) {
			continue // kept only if a capitalised word follows
		}
		break
	}
	return last
}

// particleRun reports whether tokens a..b-1 are all lower-case particles.
func particleRun(t *redact.Text, a, b int) bool {
	for k := a; k < b; k++ {
		if !isLowerWord(t.Tokens[k]) || !addrParticles.has(tokLower(t, k)) {
			return false
		}
	}
	return true
}

// compoundSuffix reports whether the lower-case word w ends in a street word and is longer than it.
// It looks the word's endings up in a map, after a one-lookup filter on the last two bytes.
func compoundSuffix(w string) (string, bool) {
	if len(w) < 5 || !compoundTails.has(w[len(w)-2:]) {
		return "", false
	}
	for n := 2; n <= compoundMaxLen && n <= len(w)-3; n++ {
		if sfx := w[len(w)-n:]; streetCompoundSet.has(sfx) {
			return sfx, true
		}
	}
	return "", false
}

var (
	streetCompoundSet = newWordSet(strings.Join(streetCompound, " "))
	compoundTails     = func() *wordSet {
		s := newWordSet()
		for _, c := range streetCompound {
			s.add(c[len(c)-2:])
		}
		return s
	}()
	compoundMaxLen = func() int {
		n := 0
		for _, c := range streetCompound {
			n = max(n, len(c))
		}
		return n
	}()
)

// isStreetCase reports whether token k starts with a capital and has no digits ("Rue", "Długa").
func isStreetCase(k redact.Token) bool {
	return k.Is(redact.InitUpper|redact.HasLetter) && k.Flags&redact.HasDigit == 0
}

// joinedBefore reports whether token i continues a name that started before it (joined by a hyphen
// or apostrophe, or after a capitalised word on the same line).
func joinedBefore(t *redact.Text, i int) bool {
	g := gap(t, i)
	if g == "-" || isApostrophe(g) {
		return true
	}
	if g == " " && isStreetCase(t.Tokens[i-1]) && !nameStop.has(tokLower(t, i-1)) &&
		!softStop.has(tokLower(t, i-1)) && !addrContext.has(tokLower(t, i-1)) {
		return true
	}
	if g == " " && isLowerWord(t.Tokens[i-1]) && (tokLower(t, i-1) == "van" || tokLower(t, i-1) == "de") {
		return true
	}
	return false
}

// numberStartGap reports whether a house number may start after gap g (not inside a longer number).
func numberStartGap(g string) bool {
	if g == "" {
		return false
	}
	switch g[len(g)-1] {
	case ' ', '\n', '\t', '(', ':', '"', '\'':
		return true
	}
	return false
}

// isRoman reports whether s is a short upper-case Roman numeral (floor or name part: "II", "XX").
func isRoman(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'I', 'V', 'X', 'L', 'C':
		default:
			return false
		}
	}
	return true
}

var _ redact.Detector = (*Address)(nil)
