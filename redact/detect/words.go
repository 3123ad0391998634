package detect

import (
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// This file holds the token-level helpers and word tables shared by the context-driven detectors
// (person, address, date of birth, passport, driving licence, health). Word lists are written as
// phrases and compiled once into maps keyed by the lower-case text of their last token, so a detector
// walks t.Tokens and asks one map lookup per token.

// wordSet is a set of lower-case single words. A small bit filter on each word's length and first
// and last bytes answers most lookups of words outside the set without hashing the word.
type wordSet struct {
	m   map[string]struct{} // for ranging over the words
	idx wordIndex           // for looking them up
	f   wordFilter
}

// newWordSet builds a set from white-space separated lists of words.
func newWordSet(lists ...string) *wordSet {
	s := &wordSet{m: make(map[string]struct{})}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			s.add(strings.ToLower(w))
		}
	}
	return s
}

// add puts w (already lower-case) in s. Sets are built when the program starts, never during a scan.
func (s *wordSet) add(w string) {
	s.m[w] = struct{}{}
	if w != "" {
		s.idx.put(w, 1)
	}
	s.f.add(w)
}

// has reports whether w (already lower-case) is in s. It does not allocate.
func (s *wordSet) has(w string) bool {
	if !s.f.mayHave(w) {
		return false
	}
	_, ok := s.idx.get(w)
	return ok
}

// wordFilter is a 4,096-bit filter of words keyed on their length, first byte and last byte: a word
// whose bit is clear is not in the set. It costs a multiplication and a load.
type wordFilter struct{ bits [64]uint64 }

func wordFilterIndex(w string) uint64 {
	k := uint64(w[0]) | uint64(w[len(w)-1])<<8 | uint64(min(len(w), 255))<<16
	return (k * 0x9E3779B97F4A7C15) >> 52
}

func (f *wordFilter) add(w string) {
	if w != "" {
		i := wordFilterIndex(w)
		f.bits[i>>6] |= 1 << (i & 63)
	}
}

// mayHave reports whether w may be in the set.
func (f *wordFilter) mayHave(w string) bool {
	if w == "" {
		return false
	}
	i := wordFilterIndex(w)
	return f.bits[i>>6]&(1<<(i&63)) != 0
}

// phrase is a context phrase split into lower-case tokens, with a tag the detector chooses.
type phrase struct {
	words []string
	tag   uint8
}

// phraseSet finds context phrases that end at a given token.
type phraseSet struct {
	byLast map[string][]phrase // for ranging over the phrases
	lists  [][]phrase          // the values of byLast, indexed by lastIdx
	idx    wordIndex           // a last word's index into lists
	last   wordFilter          // of the keys of byLast
	maxLen int                 // most tokens in one phrase
}

// newPhraseSet compiles phrases, one per element, all tagged tag. A phrase is tokenized the way
// redact.Text tokenizes messages, so "d.o.b." and "je m'appelle" match whatever separates their parts.
func newPhraseSet() *phraseSet {
	return &phraseSet{byLast: make(map[string][]phrase)}
}

// add registers every phrase in list (separated by '|') with tag.
func (p *phraseSet) add(tag uint8, list string) *phraseSet {
	for _, s := range strings.Split(list, "|") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		t := redact.NewText(s)
		words := make([]string, len(t.Tokens))
		for i, k := range t.Tokens {
			words[i] = t.Lower[k.Start:k.End]
		}
		if len(words) == 0 {
			continue
		}
		last := words[len(words)-1]
		p.byLast[last] = append(p.byLast[last], phrase{words: words, tag: tag})
		if k, ok := p.idx.get(last); ok {
			p.lists[k] = p.byLast[last]
		} else {
			p.idx.put(last, int32(len(p.lists)))
			p.lists = append(p.lists, p.byLast[last])
		}
		p.last.add(last)
		p.maxLen = max(p.maxLen, len(words))
	}
	return p
}

// matchEnd returns the longest phrase that ends at token i, with the index of its first token.
// Consecutive phrase tokens may be separated by at most maxGap bytes without a line break.
func (p *phraseSet) matchEnd(t *redact.Text, i int) (start int, tag uint8, ok bool) {
	w := tokLower(t, i)
	if !p.last.mayHave(w) {
		return 0, 0, false
	}
	k, ok := p.idx.get(w)
	if !ok {
		return 0, 0, false
	}
	cands := p.lists[k]
	best := -1
	for _, ph := range cands {
		n := len(ph.words)
		if n > i+1 || n <= best {
			continue
		}
		match := true
		for k := 1; k < n && match; k++ {
			j := i - k
			if tokLower(t, j) != ph.words[n-1-k] || !smallGap(t, j, j+1) {
				match = false
			}
		}
		if match {
			best, tag = n, ph.tag
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return i - best + 1, tag, true
}

// smallGap reports whether tokens a and b (a < b) are separated by a short run of spaces or
// punctuation on one line, as the parts of one phrase are.
func smallGap(t *redact.Text, a, b int) bool {
	g := t.Norm[t.Tokens[a].End:t.Tokens[b].Start]
	return len(g) <= 3 && strings.IndexByte(g, '\n') < 0
}

// tokLower returns the lower-case text of token i.
func tokLower(t *redact.Text, i int) string {
	k := t.Tokens[i]
	return t.Lower[k.Start:k.End]
}

// tokText returns the text of token i as written.
func tokText(t *redact.Text, i int) string {
	k := t.Tokens[i]
	return t.Norm[k.Start:k.End]
}

// gap returns the text between token i-1 and token i (from the start of the text for i == 0).
func gap(t *redact.Text, i int) string {
	if i == 0 {
		return t.Norm[:t.Tokens[0].Start]
	}
	return t.Norm[t.Tokens[i-1].End:t.Tokens[i].Start]
}

// onlySpaces reports whether s is non-empty and made of ' ' and '\t' only.
func onlySpaces(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// isCapWord reports whether token k is a word written with an initial capital and some lower-case
// letters and no digits ("Anna", "McGlynn", "Łukasz").
func isCapWord(k redact.Token) bool {
	return k.Is(redact.InitUpper|redact.HasLower) && k.Flags&redact.HasDigit == 0
}

// isLowerWord reports whether token k is an all lower-case word.
func isLowerWord(k redact.Token) bool {
	return k.Flags&(redact.HasDigit|redact.HasUpper) == 0 && k.Flags&redact.HasLetter != 0
}

// atoiTok parses a token of at most 9 ASCII digits. ok is false for anything else.
func atoiTok(t *redact.Text, i int) (n int, ok bool) {
	s := tokText(t, i)
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// monthNames maps month names and their usual abbreviations in the supported languages to 1..12.
var monthNames = func() map[string]int {
	m := make(map[string]int)
	lists := [12]string{
		"january jan januar jänner jaenner janvier janv gennaio gen enero ene januari styczeń styczen stycznia sty ianuarie ian",
		"february feb februar feber février fevrier févr fevr febbraio febrero februari luty lutego lut februarie",
		"march mar märz maerz mär mrz mrt mars marzo maart marzec marca martie",
		"april apr avril avr aprile abril kwiecień kwiecien kwietnia kwi aprilie",
		"may mai maggio mag mayo mei maj maja",
		"june jun juni juin giugno giu junio czerwiec czerwca cze iunie",
		"july jul juli juillet juil luglio lug julio lipiec lipca lip iulie",
		"august aug août aout agosto ago augustus sierpień sierpien sierpnia sie",
		"september sep sept septembre settembre set septiembre setiembre wrzesień wrzesien września wrzesnia wrz septembrie",
		"october oct oktober okt octobre ottobre ott octubre październik pazdziernik października pazdziernika paź paz octombrie",
		"november nov novembre noviembre listopad listopada lis noiembrie noi",
		"december dec dezember dez décembre decembre déc dicembre dic diciembre grudzień grudzien grudnia gru decembrie",
	}
	for i, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = i + 1
		}
	}
	return m
}()

// monthFilter filters the keys of monthNames, and monthIndex looks them up.
var monthFilter, monthIndex = func() (f wordFilter, x wordIndex) {
	for w, m := range monthNames {
		f.add(w)
		x.put(w, int32(m))
	}
	return f, x
}()

// monthOf returns the month (1..12) that the lower-case word w names.
func monthOf(w string) (int, bool) {
	if !monthFilter.mayHave(w) {
		return 0, false
	}
	m, ok := monthIndex.get(w)
	return int(m), ok
}

// weekdayNames are weekday names in the supported languages.
var weekdayNames = newWordSet(
	"monday tuesday wednesday thursday friday saturday sunday",
	"montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
	"lundi mardi mercredi jeudi vendredi samedi dimanche",
	"lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica",
	"lunes martes miércoles miercoles jueves viernes sábado domingo",
	"maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
	"poniedziałek wtorek środa czwartek piątek sobota niedziela",
	"luni marți marti miercuri joi vineri sâmbătă sambata duminică duminica",
)

// The vocabulary of the ADDRESS detector: street types, house-number words and town-name words.

// streetPrefix are street-type words written before the street name ("rue", "Via", "ul.").
var streetPrefix = newWordSet(
	// fr, be, lu, ch
	"rue avenue av boulevard bd bld blvd chemin allée allee place pl impasse imp quai cours route rte",
	"passage voie square sentier faubourg fg cité cite villa hameau résidence residence esplanade parvis",
	"promenade montée montee ruelle traverse venelle ruelle",
	// it
	"via viale v.le piazza p.zza piazzale corso c.so largo vicolo strada contrada borgo rotonda incrocio",
	"lungomare lungotevere lungarno salita vico località localita frazione circonvallazione galleria",
	"traversa stradone piazzetta calata discesa",
	// es
	"calle c avenida avda plaza pza paseo camino carretera ctra ronda travesía travesia glorieta callejón",
	"callejon calleja cuesta rambla riera salida muelle extramuros explanada ramal urbanización urb vía",
	"pasaje bajada subida polígono poligono partida alameda acceso barrio carrera grupo jardines",
	"pasadizo plazuela prolongación prolongacion puente senda transversal vereda costanilla cañada",
	"diseminado lugar rúa",
	// pl
	"ul ulica al aleja aleje os osiedle plac rynek droga bulw bulwar ogród ogrod rondo skwer wyb park",
	"wybrzeże wybrzeze wyspa szosa trakt",
	// ro
	"str strada bulevardul bulevard b-dul bdul calea aleea intrarea șoseaua soseaua șos sos splaiul",
	"piața piata fundătura fundatura drumul pasajul prelungirea ulița ulita stradela",
	// pt and others written in front
	"rua travessa largo praça praca estrada",
)

// streetSuffix are street-type words written as their own word after the name ("Berliner Straße",
// "Baker Street").
var streetSuffix = newWordSet(
	"straße strasse str weg allee platz gasse ring damm ufer chaussee steig pfad stieg twiete",
	"street st road rd avenue ave lane ln drive dr close way court ct crescent cres place pl square sq",
	"terrace grove gardens gdns croft ridge grange yard orchard parade row mews walk rise vale",
	"meadow meadows wharf quay circus hollow copse dale heights boulevard brow chase path fold garth",
	"straat laan plein gracht kade singel dreef steeg",
)

// streetSuffixWeak are suffix words that are also ordinary nouns ("Feld", "Hill", "Park"): they make
// an address only after a context word or before a postcode.
var streetSuffixWeak = newWordSet(
	"feld markt hof berg graben kamp winkel wall tor garten brücke bruecke",
	"hill bank field fields side green park view end gate wood woods hall lea leys",
	"park hof pad dijk wal veld baan haven dam erf",
)

// streetCompound are endings of one-word street names ("Hauptstraße", "Kerkstraat", "Moldijk").
var streetCompound = []string{
	"straße", "strasse", "str", "weg", "allee", "platz", "gasse", "damm", "ufer", "chaussee", "steig",
	"pfad", "stieg", "ring", "markt", "graben", "kamp", "winkel", "hof", "feld", "berg", "garten",
	"straat", "laan", "plein", "gracht", "dijk", "kade", "singel", "plantsoen", "pad", "steeg", "dreef",
	"wal", "veld", "baan", "park", "haven", "dam", "burgwal", "hoeve",
	"gade", "vej", "gatan", "vägen", "väg", "gata", "veien", "gate", "gränd", "torg",
}

// streetCompoundWeak are compound endings that also end ordinary words or town names ("Heidelberg",
// "Bahnhof"): they need a context word before them or a postcode after the number.
var streetCompoundWeak = newWordSet("hof feld berg garten markt ring kamp park dam haven veld baan gate")

// streetLeadDE are the German prepositional openers of street names ("Am Markt", "Im Feld",
// "Auf dem Berg", "An der Kirche").
var streetLeadDE = newWordSet("am an auf im in zum zur hinter unter vor über ober bei neben alte alter alten neue neuer")

// houseMarker are words that may stand between a street name and its number ("nr. 5", "n. 5").
var houseMarker = newWordSet("nr no n nº núm num numero número number nummer")

// houseExtra are Romanian and Polish building parts after the number (", bl. A2, sc. 1, ap. 4").
var houseExtra = newWordSet("bloc bl scara sc etaj et ap apartament apt m lok lokal piso puerta esc sector sectorul")

// floorWords are Spanish floor names written after the number (", bajo", ", ático").
var floorWords = newWordSet("bajo bajos entlo entresuelo ático atico pral principal sótano sotano")

// addrStop are capitalised words that end a street or town name: what usually follows an address
// on the same line.
var addrStop = newWordSet("bitte please merci grazie gracias danke thanks thank bedankt dziękuję mulțumesc",
	"tel tel. telefon telephone phone téléphone telefono teléfono telefoon iban email e-mail mail call",
	"rufen appelez chiamate llamad bel zadzwoń sunați and und et en și or oder ou of lub sau",
	"ich je io yo ik ja eu we wir nous noi nosotros wij my")

// addrContext are words that announce an address and let weak street words count.
var addrContext = newWordSet(
	"address adresse indirizzo dirección direccion adres adresa adresă anschrift wohnhaft wohne live lives",
	"lieferadresse rechnungsadresse wohnadresse postadresse meldeadresse woonadres afleveradres postadres",
	"factuuradres domicilio domicile auf",
	"at to zu an nach bei in à a au en la pe op naar na pod w do deliver liefern livrer consegnare",
	"entregar bezorgen dostarczyć livrați",
)

// unitWords name a flat or unit written before the street ("Flat 3, 12 High Street").
var unitWords = newWordSet("flat apartment apt unit suite wohnung whg appartement appt appartamento apartamento",
	"piso mieszkanie apartament bât bat bâtiment batiment building bldg block haus gebäude edificio scala")

// addrParticles are lower-case words inside street and town names.
var addrParticles = newWordSet(
	"de la le les du des d l del della dello dei degli delle di da do dos das van der den het von vom a",
	"am an auf im in zum zur of the upon on under over sur sous en aan op bij nad pod i y e al el lui las los",
	"nell dell sull all nel sul t s",
)

// townQualifier are lower-case words that end Italian and other town names ("Montecatini terme").
var townQualifier = newWordSet("terme mare lido ligure veneto sardo emilia calabro marina scalo superiore inferiore",
	"alto alta basso bassa centro vecchio nuovo nuova")

// floorSide are the door words after a Spanish floor ("3º izq.", "2º B").
var floorSide = newWordSet("izq izda izquierda dcha dch der derecha ctro centro a b c d e f g h")
