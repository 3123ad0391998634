package detect

import (
	"strings"

	"github.com/veil-privacy/veil/redact"
)

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
	k := t.Tokens[j]
	if k.Flags&(redact.HasDigit|redact.NonASCII) != redact.HasDigit || k.End-k.Start > 6 {
		return false // a non-ASCII byte would end the digits and not pass as a letter below
	}
	s := t.Norm[k.Start:k.End]
	if s[0] < '1' || s[0] > '9' {
		return false
	}
	if k.Flags&redact.HasLetter == 0 {
		return len(s) <= 5
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
