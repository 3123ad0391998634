package detect

import (
	"regexp"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"github.com/veil-privacy/veil/redact"
)

// Phone candidate limits. E.164 numbers have at most 15 digits; a written number may add a
// "(0)" trunk digit, a leading "+" or "00" and separators. Longer spans are not phone numbers.
const (
	phoneMinDigits = 7
	phoneMaxDigits = 15
	phoneMaxLen    = 32
	phoneMaxTokens = 8
	// phoneMaxChecks bounds library validations per candidate run (each costs microseconds).
	phoneMaxChecks = 3
)

// DefaultPhoneRegions are the regions whose national formats are tried when none are configured.
var DefaultPhoneRegions = []string{"DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "RO", "SE", "DK",
	"FI", "PT", "IE", "GB"}

// phoneWords near a number say it is a phone number, in the languages Veil serves.
var phoneWords = []string{
	"tel", "tél", "tlf", "mob", "tfn", "gsm", "fax", "sms", "dial", "ruf", "rufe", "rufen", "bel",
	"portable", "puhelin", "soita", "erreichbar", "joignable", "raggiungibile", "reperibile", "risponde",
	"localizable", "bereikbaar", "contactabil", "numer", "contact", "kontakt", "contatto",
	"contacto", "ligar", "ligue", "call", "calls", "called", "calling", "callback", "ring", "ringa",
	"ringe", "ringer", "ringt", "bellen", "belt", "gebeld", "cell", "numerem",
}

// phoneNumberWords name a number of any kind ("numero"); right after a possessive or "new" ("il mio
// nuovo numero", "my new number", "cambiado de número") they mean the writer's phone number.
var phoneNumberWords = newWordSet("number numero número numéro nummer numer număr numărul nr")

// phoneNumberOwn are the words before a number word that make it the writer's phone number.
var phoneNumberOwn = newWordSet("my new mio nuovo mi nuevo de mon nouveau ma meine neue mijn nieuwe mój moj nowy",
	"meu nou noul your il tuo su vostro votre uw twój changed cambiato cambiado changé geänderte zmieniłem zmieniłam")

// phoneStems start words of the phone vocabulary in all their inflections ("chiamate",
// "oddzwonić", "anrufen", "llámame", "calling").
var phoneStems = []string{
	"telef", "teléf", "télép", "telep", "phone", "mobil", "móvil", "movil", "cellul", "celular",
	"cellphone", "handy", "whatsapp", "anruf", "rückruf", "zurückruf", "appel",
	"rappel", "chiam", "richiam", "llam", "llám", "terugbel", "zadzwo", "oddzwo", "dzwo", "sună",
	"suna", "sunaț", "telemóvel", "telemovel",
}

// phoneNotWords near a number say it is some other kind of number.
var phoneNotWords = []string{
	"order", "invoice", "customer", "account", "reference", "ref", "tracking", "serial", "sku",
	"ticket", "case", "id", "iban", "bic", "version", "isbn", "imei", "model", "part", "product",
	"batch", "lot", "policy", "claim", "booking", "reservation", "confirmation", "parcel",
	"shipment", "passport", "licence", "license", "tax", "vat", "member", "membership", "contract",
	"bestellung", "bestellnummer", "rechnung", "rechnungsnummer", "auftrag", "auftragsnummer",
	"kundennummer", "kunden", "konto", "vertrag", "vertragsnummer", "versicherungsnummer",
	"mitgliedsnummer", "sendungsnummer", "seriennummer", "ausweis", "reisepass", "steuernummer",
	"commande", "facture", "série", "serie", "dossier", "contrat", "ordine", "fattura", "seriale",
	"pratica", "pedido", "factura", "póliza", "bestelling", "bestelnummer", "ordernummer",
	"klantnummer", "factuur", "factuurnummer", "serienummer", "polis", "zamówienie", "zamówienia",
	"faktura", "faktury", "klienta", "konta", "rachunku", "seryjny", "seryjnego", "seria", "paczki",
	"przesyłki", "umowy", "polisy", "comanda", "comenzii", "facturii", "clientului", "contului",
	"ordre", "ordrenummer", "kundenummer", "tilaus", "lasku", "sarjanumero", "encomenda", "fatura",
	"nip", "pesel", "regon", "bsn", "nif", "nie", "dni", "cnp", "svnr",
}

// phoneWordKinds classifies the context words: phoneWordYes for phoneWords, phoneWordNo for
// phoneNotWords.
var phoneWordKinds = func() map[string]uint8 {
	m := make(map[string]uint8, len(phoneWords)+len(phoneNotWords))
	for _, w := range phoneWords {
		m[w] = phoneWordYes
	}
	for _, w := range phoneNotWords {
		m[w] = phoneWordNo
	}
	return m
}()

const (
	phoneWordYes = 1
	phoneWordNo  = 2
)

// phoneContext looks at the words in the 48 bytes before a number that starts at token i; the
// nearest context word decides whether it is introduced as a phone number (yes) or as another
// kind of number (no).
func phoneContext(t *redact.Text, i, start int) (yes, no bool) {
	for j := i - 1; j >= 0; j-- {
		k := t.Tokens[j]
		if k.Start < start-48 {
			break
		}
		if !k.Is(redact.HasLetter) {
			continue
		}
		w := t.Lower[k.Start:k.End]
		switch phoneWordKind(w) {
		case phoneWordYes:
			return true, false
		case phoneWordNo:
			return false, true
		}
		if phoneNumberWords.has(w) && j > 0 && phoneNumberOwn.has(tokLower(t, j-1)) {
			return true, false
		}
	}
	return false, false
}

// phoneWordKind classifies one lower-case word.
func phoneWordKind(w string) uint8 {
	if k := phoneWordKinds[w]; k != 0 {
		return k
	}
	for _, stem := range phoneStems {
		if strings.HasPrefix(w, stem) {
			return phoneWordYes
		}
	}
	return 0
}

// phoneCountry is what validation needs to know about a calling code.
type phoneCountry struct {
	cc      int32
	region  string // main region, "001" for non-geographic codes
	prefix  string // national (trunk) prefix, "" where there is none
	lengths uint32 // bit n set: a national significant number may have n digits

	mds   []*phonenumbers.PhoneMetadata // every region sharing the code
	once  sync.Once
	descs map[string]*phoneDescs // by region id, compiled on first use
}

// phoneCountries maps calling codes to their metadata, built once from the library's tables.
var phoneCountries = sync.OnceValue(func() map[int32]*phoneCountry {
	m := make(map[int32]*phoneCountry)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		c := m[cc]
		if c == nil {
			c = &phoneCountry{cc: cc, region: phonenumbers.GetRegionCodeForCountryCode(int(cc))}
			m[cc] = c
		}
		c.mds = append(c.mds, md)
		if md.GetId() == c.region || c.region == "001" {
			c.prefix = md.GetNationalPrefix()
		}
		c.lengths |= phoneLengths(md.GetGeneralDesc(), ^uint32(0))
	}
	return m
})

// phoneDesc is one number type of a region: its possible lengths and its pattern, compiled once.
type phoneDesc struct {
	lengths uint32
	re      *regexp.Regexp
}

// phoneDescs holds a region's general description and its number types (fixed line, mobile,
// toll free, premium rate, shared cost, VoIP, personal, pager, UAN, voicemail).
type phoneDescs struct {
	general phoneDesc
	types   []phoneDesc
}

// valid reports what libphonenumber's IsValidNumberForRegion reports for the national significant
// number nsn: it matches the general description and at least one number type. It compiles each
// pattern once instead of concatenating and looking it up on every call, so it does not allocate.
func (d *phoneDescs) valid(nsn []byte) bool {
	if !d.general.match(nsn) {
		return false
	}
	for _, t := range d.types {
		if t.match(nsn) {
			return true
		}
	}
	return false
}

func (d phoneDesc) match(nsn []byte) bool {
	return d.re != nil && len(nsn) < 32 && d.lengths&(1<<len(nsn)) != 0 && d.re.Match(nsn)
}

// regions returns the compiled descriptions of the regions sharing c's calling code.
func (c *phoneCountry) regions() map[string]*phoneDescs {
	c.once.Do(func() {
		c.descs = make(map[string]*phoneDescs, len(c.mds))
		for _, md := range c.mds {
			gen := md.GetGeneralDesc()
			d := &phoneDescs{general: phoneCompile(gen, 0)}
			for _, t := range []*phonenumbers.PhoneNumberDesc{md.GetFixedLine(), md.GetMobile(),
				md.GetTollFree(), md.GetPremiumRate(), md.GetSharedCost(), md.GetVoip(),
				md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
				if t != nil && t.GetNationalNumberPattern() != "" {
					d.types = append(d.types, phoneCompile(t, d.general.lengths))
				}
			}
			c.descs[md.GetId()] = d
		}
	})
	return c.descs
}

// phoneCompile compiles a number description the way the library matches it: the whole number
// against the pattern, and the length against the listed possible lengths (or inherit, if none).
func phoneCompile(d *phonenumbers.PhoneNumberDesc, inherit uint32) phoneDesc {
	re, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
	if err != nil {
		return phoneDesc{}
	}
	if inherit == 0 {
		inherit = ^uint32(0)
	}
	return phoneDesc{lengths: phoneLengths(d, inherit), re: re}
}

// phoneLengths returns the possible-length mask of d; a description without lengths has those
// of the general description (inherit). A length of -1 means the type does not exist.
func phoneLengths(d *phonenumbers.PhoneNumberDesc, inherit uint32) uint32 {
	ls := d.GetPossibleLength()
	if len(ls) == 0 {
		return inherit
	}
	var m uint32
	for _, l := range ls {
		if l > 0 && l < 32 {
			m |= 1 << l
		}
	}
	return m
}

// phoneRegion is a region whose national format (no + or 00) is tried.
type phoneRegion struct {
	code    string
	prefix  string
	lengths uint32
	country *phoneCountry
}

// Phone finds telephone numbers. It picks candidates from runs of digit tokens joined by phone
// separators, filters them by shape and context, and validates the survivors with libphonenumber:
// international numbers (+ or 00) for any country, national numbers for the configured regions.
type Phone struct {
	regions []phoneRegion
}

// NewPhone returns the phone number detector. regions are ISO 3166-1 alpha-2 codes whose national
// formats are tried, in order; empty means DefaultPhoneRegions. Unknown regions are ignored.
func NewPhone(regions []string) *Phone {
	if len(regions) == 0 {
		regions = DefaultPhoneRegions
	}
	p := &Phone{}
	for _, r := range regions {
		r = strings.ToUpper(strings.TrimSpace(r))
		cc := int32(phonenumbers.GetCountryCodeForRegion(r))
		if cc == 0 {
			continue
		}
		c := phoneCountries()[cc]
		if c == nil {
			continue
		}
		pr := phoneRegion{code: r, prefix: phonenumbers.GetNddPrefixForRegion(r, true), lengths: c.lengths, country: c}
		p.regions = append(p.regions, pr)
	}
	return p
}

// Types implements redact.Detector.
func (*Phone) Types() []redact.Type { return []redact.Type{redact.Phone} }

// MaxLen implements redact.Detector.
func (*Phone) MaxLen() int { return phoneMaxLen }

// Detect implements redact.Detector.
func (p *Phone) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 {
		return dst
	}
	s, toks := t.Norm, t.Tokens
	lastEnd := -1
	next := 0 // the first token a match may start at
	for _, a := range t.DigitTokens() {
		i := int(a)
		k := toks[i]
		if i < next || !k.AllDigits() || k.Is(redact.NonASCII) || !phoneFresh(s, toks, i, lastEnd) {
			continue
		}
		end, last, conf := p.match(t, i)
		if end < 0 {
			continue
		}
		start := phoneSpanStart(s, k.Start)
		dst = append(dst, redact.Finding{Type: redact.Phone, Start: start, End: end, Confidence: conf})
		lastEnd = end
		next = last + 1
	}
	return dst
}

// phoneFresh reports whether token i can start a number: it is not the continuation of a longer
// number, code or reference glued to the token before it.
func phoneFresh(s string, toks []redact.Token, i, lastEnd int) bool {
	start := toks[i].Start
	if start == 0 {
		return true
	}
	c := s[start-1]
	if c == '+' || c == '(' {
		if start == 1 {
			return true
		}
		c2 := s[start-2]
		return !phoneWordByte(c2) && c2 != '+' && c2 != '-' && c2 != '.'
	}
	if i > 0 {
		prev := toks[i-1]
		gap := start - prev.End
		// Glued by punctuation to the token before ("INV-0301234567", "12.0301234567",
		// "3704 0044" inside an IBAN): part of something longer, unless that was a phone number.
		if prev.End > lastEnd && gap <= 3 && prev.Is(redact.HasDigit) && phoneSepOnly(s[prev.End:start]) {
			return false
		}
		if gap == 1 && (c == '-' || c == '/' || c == '.' || c == '_' || c == '#') {
			return false
		}
	}
	return c != '#' && c != '$' && c != '@' && c != '=' && c != '&'
}

// phoneSpanStart widens a number's start over a '+' and an opening parenthesis.
func phoneSpanStart(s string, start int) int {
	if start > 0 && s[start-1] == '(' {
		start--
	}
	if start > 0 && s[start-1] == '+' {
		start--
	}
	if start > 0 && s[start-1] == '(' {
		start--
	}
	return start
}

// match finds the longest valid number starting at token i and returns its end, the index of its
// last token and a confidence, or end -1.
func (p *Phone) match(t *redact.Text, i int) (end, last int, conf float64) {
	s, toks := t.Norm, t.Tokens
	start := phoneSpanStart(s, toks[i].Start)
	intl := strings.IndexByte(s[start:toks[i].Start], '+') >= 0
	zeroZero := !intl && strings.HasPrefix(s[toks[i].Start:], "00")

	// Gather the run: digit tokens joined by short separator gaps, and the digit count up to
	// each token. A "(0)" after an international prefix is the trunk digit and not dialled.
	var digits [phoneMaxDigits + 4]byte
	var upto [phoneMaxTokens]int // digits[:upto[j]] are the digits up to token i+j
	var seps [phoneMaxTokens]byte
	n, j := 0, 0
	for ; j < phoneMaxTokens && i+j < len(toks); j++ {
		k := toks[i+j]
		if j > 0 {
			prev := toks[i+j-1]
			gap := s[prev.End:k.Start]
			if !k.AllDigits() || k.Is(redact.NonASCII) || len(gap) > 3 || !phoneSepOnly(gap) || k.End-start > phoneMaxLen {
				break
			}
			seps[j] = phoneGapSep(gap)
		}
		w := s[k.Start:k.End]
		if (intl || zeroZero) && w == "0" && j > 0 && s[k.Start-1] == '(' && k.End < len(s) && s[k.End] == ')' {
			upto[j] = n
			continue
		}
		if n+len(w) > len(digits) {
			break
		}
		n += copy(digits[n:], w)
		upto[j] = n
	}
	if j == 0 {
		return -1, 0, 0
	}

	// A grouped card number ("4111 1111 1111 1111") has phone-like groups: leave it alone.
	if all := digits[:upto[j-1]]; len(all) >= 13 && cardValid(string(all)) {
		return -1, 0, 0
	}

	ctxKnown, ctx, neg := false, false, false
	checks := 0
	for m := j - 1; m >= 0 && checks < phoneMaxChecks; m-- {
		d := digits[:upto[m]]
		e := toks[i+m].End
		if zeroZero {
			d = d[2:]
		}
		if len(d) < phoneMinDigits || len(d) > phoneMaxDigits {
			continue
		}
		// A number cut out of a longer code ("302-4411873-0918273") is not a number: only a
		// space or the end of the run may follow it.
		if m < j-1 && seps[m+1] != ' ' {
			continue
		}
		if !phoneEndOK(s, e) || phoneIsDate(s, toks[i:i+m+1]) || phoneNearMoney(s, start, e) {
			continue
		}
		if len(d) >= 13 && cardValid(string(d)) {
			continue
		}
		if !ctxKnown {
			ctx, neg = phoneContext(t, i, start)
			ctxKnown = true
		}
		national := !intl && !zeroZero
		trunk := national && d[0] == '0'
		switch {
		case !national:
			conf = 0.85
		case ctx:
			conf = 0.8
		case neg:
			continue
		case trunk && (m > 0 || len(d) <= 12):
			conf = 0.75
		case !trunk && m == j-1 && phoneGrouped(toks[i:i+m+1], seps[1:m+1]):
			conf = 0.6
		default:
			continue
		}
		checks++
		if p.valid(d, national) {
			if ctx {
				conf = max(conf, 0.9)
			}
			return e, i + m, conf
		}
	}
	return -1, 0, 0
}

// phoneGrouped reports the typical written grouping of a number without a trunk prefix or context:
// two or more groups of 2–4 digits joined by one repeated separator (a space, '-' or '/').
func phoneGrouped(toks []redact.Token, seps []byte) bool {
	if len(toks) < 2 {
		return false
	}
	for j, k := range toks {
		if n := k.End - k.Start; n < 2 || n > 4 {
			return false
		}
		if j > 0 && (seps[j-1] != seps[0] || seps[j-1] == '.' || seps[j-1] == 0) {
			return false
		}
	}
	return true
}

// phoneEndOK reports whether the number may end at e: not glued to more digits by punctuation
// (a decimal part, a longer code) and not followed by a unit or currency.
func phoneEndOK(s string, e int) bool {
	if e+1 < len(s) {
		switch s[e] {
		case '.', ',', '-', '/', ':', '_':
			if cardDigit(s[e+1]) {
				return false
			}
		}
	}
	return true
}

// phoneNearMoney reports a currency sign or code, or a percent sign, next to the number.
func phoneNearMoney(s string, start, end int) bool {
	i := start
	for i > 0 && s[i-1] == ' ' && start-i < 2 {
		i--
	}
	j := end
	for j < len(s) && s[j] == ' ' && j-end < 2 {
		j++
	}
	return phoneMoney(s[max(0, i-3):i], false) || phoneMoney(s[j:min(len(s), j+3)], true)
}

// phoneMoney reports whether w, the bytes just after (or before) a number, start (or end) with a
// currency sign, a percent sign or a three-letter currency code.
func phoneMoney(w string, after bool) bool {
	if w == "" {
		return false
	}
	for _, sym := range [...]string{"€", "$", "£", "%"} {
		if after && strings.HasPrefix(w, sym) || !after && strings.HasSuffix(w, sym) {
			return true
		}
	}
	if len(w) < 3 {
		return false
	}
	for _, code := range [...]string{"eur", "usd", "chf", "gbp", "pln", "sek", "dkk", "ron", "huf", "czk"} {
		if strings.EqualFold(w, code) {
			return true
		}
	}
	return false
}

// phoneIsDate reports whether three digit tokens read as a calendar date (12.10.2023, 2023-10-12,
// 1/2/24): day, month and year in range, in either order.
func phoneIsDate(s string, toks []redact.Token) bool {
	if len(toks) != 3 {
		return false
	}
	var v [3]int
	var w [3]int
	for j, k := range toks {
		w[j] = k.End - k.Start
		v[j] = cardPrefix(s[k.Start:k.End], w[j])
	}
	dm := func(a, b int) bool {
		return a >= 1 && a <= 31 && b >= 1 && b <= 12 || b >= 1 && b <= 31 && a >= 1 && a <= 12
	}
	switch {
	case w[0] <= 2 && w[1] <= 2 && (w[2] == 2 || w[2] == 4):
		return dm(v[0], v[1])
	case w[0] == 4 && w[1] <= 2 && w[2] <= 2:
		return dm(v[2], v[1])
	}
	return false
}

// phoneSepOnly reports whether gap holds only phone separators: spaces, '-', '.', '/' and
// parentheses.
func phoneSepOnly(gap string) bool {
	if gap == "" {
		return false
	}
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case ' ', '-', '.', '/', '(', ')':
		default:
			return false
		}
	}
	return true
}

// phoneGapSep returns the separator a gap stands for: its first non-space character, or ' '.
// Parentheses count as 0, a layout no grouping rule accepts without a trunk prefix.
func phoneGapSep(gap string) byte {
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case ' ':
		case '(', ')':
			return 0
		default:
			if len(gap) == 1 {
				return gap[i]
			}
			return 0
		}
	}
	return ' '
}

func phoneWordByte(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// phoneBufs hold the digits handed to the regular expressions, which keep a reference to their
// input and so would move a stack buffer to the heap on every call.
var phoneBufs = sync.Pool{New: func() any { return new([phoneMaxDigits + 4]byte) }}

// valid validates the digits d of a national or international (after + or 00) number.
func (p *Phone) valid(d []byte, national bool) bool {
	buf := phoneBufs.Get().(*[phoneMaxDigits + 4]byte)
	n := copy(buf[:], d)
	var ok bool
	if national {
		ok = p.validNational(buf[:n])
	} else {
		ok = phoneValidIntl(buf[:n])
	}
	phoneBufs.Put(buf)
	return ok
}

// validNational reports whether d, dialled nationally, is a valid number in one of p's regions.
func (p *Phone) validNational(d []byte) bool {
	for _, r := range p.regions {
		nsn := d
		if r.prefix != "" {
			if !strings.HasPrefix(string(d), r.prefix) {
				continue
			}
			nsn = d[len(r.prefix):]
		}
		if len(nsn) == 0 || len(nsn) >= 32 || r.lengths&(1<<len(nsn)) == 0 {
			continue
		}
		if ds := r.country.regions()[r.code]; ds != nil && ds.valid(nsn) {
			return true
		}
	}
	return false
}

// phoneValidIntl reports whether d (digits after + or 00) is a valid international number: a
// calling code and a national significant number valid in one of the regions sharing that code.
func phoneValidIntl(d []byte) bool {
	countries := phoneCountries()
	for l := 1; l <= 3 && l < len(d); l++ {
		c := countries[int32(cardPrefix(string(d[:l]), l))]
		if c == nil {
			continue
		}
		nsn := d[l:]
		// "+49 030 …": a trunk prefix written after the country code is not dialled.
		if c.prefix != "" && strings.HasPrefix(string(nsn), c.prefix) && phoneValidIn(c, nsn[len(c.prefix):]) {
			return true
		}
		return phoneValidIn(c, nsn) // calling codes are prefix-free: no longer code can match
	}
	return false
}

// phoneValidIn reports whether nsn is valid in any region of c.
func phoneValidIn(c *phoneCountry, nsn []byte) bool {
	if len(nsn) == 0 || len(nsn) >= 32 || c.lengths&(1<<len(nsn)) == 0 {
		return false
	}
	for _, ds := range c.regions() {
		if ds.valid(nsn) {
			return true
		}
	}
	return false
}

var _ redact.Detector = (*Phone)(nil)
