package detect

import (
	"strings"

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

// phoneRegion is a region whose national format (no + or 00) is tried.
type phoneRegion struct {
	code    string
	prefix  string
	lengths uint32
	descs   *phoneDescs // the region's descriptions, nil if the metadata has none
}

// Phone finds telephone numbers. It picks candidates from runs of digit tokens joined by phone
// separators, filters them by shape and context, and validates the survivors with libphonenumber:
// international numbers (+ or 00) for any country, national numbers for the configured regions.
type Phone struct {
	regions  []phoneRegion
	national *phoneNationalIndex // which regions may take a national number; nil: try them all
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
		// Every national candidate is tried in these regions, and an international number of
		// their codes in every region sharing the code: compiled now (about 3 ms for the
		// default regions, once per process), so that no message pays for it (see WarmPhones).
		c.warm()
		pr := phoneRegion{code: r, prefix: phonenumbers.GetNddPrefixForRegion(r, true), lengths: c.lengths, descs: c.regions()[r]}
		p.regions = append(p.regions, pr)
	}
	p.national = newPhoneNationalIndex(p.regions)
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
	for _, a := range numberTokens(t, listPhone) {
		i := int(a)
		k := toks[i]
		// The list holds the ASCII numbers that phoneFresh accepts when a number that ends at
		// the token before is the last one found: ask again with the last one found.
		if i < next || !phoneFresh(s, toks, i, lastEnd) {
			continue
		}
		// A number too short to dial on its own with no digit token close after it (a house
		// number, a postcode, a day) is a run of one token that match would reject.
		if k.End-k.Start < phoneMinDigits && (i+1 == len(toks) || toks[i+1].Start-k.End > 3 || !toks[i+1].AllDigits()) {
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
		for p := 0; p < len(w); p++ { // groups are short: no call to copy them
			digits[n+p] = w[p]
		}
		n += len(w)
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
	// Candidates passed over before the context was read, whose check counts if it says yes
	// (pendIfCtx) or if it does not say no (pendUnlessNeg).
	pendIfCtx, pendUnlessNeg := 0, 0
	moneyChecked := false
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
		if !phoneEndOK(s, e) || phoneIsDate(s, toks[i:i+m+1]) || phoneMoneyAfter(s, e) {
			continue
		}
		if !moneyChecked {
			// The same for every end: money before the run rules out all of them.
			if phoneMoneyBefore(s, start) {
				return -1, 0, 0
			}
			moneyChecked = true
		}
		if len(d) >= 13 && cardValid(string(d)) {
			continue
		}
		national := !intl && !zeroZero
		trunk := national && d[0] == '0'
		// laidOut: a national number validated without a context word, unless a word says it is
		// another kind of number.
		laidOut := trunk && (m > 0 || len(d) <= 12) ||
			national && !trunk && m == j-1 && phoneGrouped(toks[i:i+m+1], seps[1:m+1])
		if national && p.nationalRegions(d) == 0 {
			// Valid in no region whatever its context: no context read and no validation, but
			// the check it would have used counts, once its context is known.
			switch {
			case ctxKnown:
				checks += b2i(ctx || !neg && laidOut)
			case laidOut:
				pendUnlessNeg++
			default:
				pendIfCtx++
			}
			continue
		}
		if !ctxKnown {
			ctx, neg = phoneContext(t, i, start)
			ctxKnown = true
			checks += pendIfCtx*b2i(ctx) + pendUnlessNeg*b2i(!neg)
			if checks >= phoneMaxChecks {
				return -1, 0, 0 // the checks ran out before this candidate
			}
		}
		switch {
		case !national:
			conf = 0.85
		case ctx:
			conf = 0.8
		case neg:
			continue
		case laidOut && trunk:
			conf = 0.75
		case laidOut:
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

// phoneMoneyBefore reports a currency sign or code, or a percent sign, before a number that
// starts at start (up to two spaces between them).
func phoneMoneyBefore(s string, start int) bool {
	i := start
	for i > 0 && s[i-1] == ' ' && start-i < 2 {
		i--
	}
	return phoneMoney(s[max(0, i-3):i], false)
}

// phoneMoneyAfter reports a currency sign or code, or a percent sign, after a number that ends
// at end (up to two spaces between them).
func phoneMoneyAfter(s string, end int) bool {
	j := end
	for j < len(s) && s[j] == ' ' && j-end < 2 {
		j++
	}
	return phoneMoney(s[j:min(len(s), j+3)], true)
}

// phoneMoney reports whether w, the bytes just after (or before) a number, start (or end) with a
// currency sign, a percent sign or a three-letter currency code.
func phoneMoney(w string, after bool) bool {
	if w == "" {
		return false
	}
	// The byte next to the number rules out the signs before comparing them: the first byte of
	// "€", "$", "£" and "%" after it, their last byte before it.
	edge := w[0]
	if !after {
		edge = w[len(w)-1]
	}
	switch edge {
	case '$', '%', 0xE2, 0xC2, 0xAC, 0xA3:
	default:
		return phoneMoneyCode(w)
	}
	for _, sym := range [...]string{"€", "$", "£", "%"} {
		if after && strings.HasPrefix(w, sym) || !after && strings.HasSuffix(w, sym) {
			return true
		}
	}
	return phoneMoneyCode(w)
}

// phoneMoneyCode reports whether w, three bytes next to a number, is a currency code.
func phoneMoneyCode(w string) bool {
	if len(w) < 3 {
		return false
	}
	// w has three bytes: it folds to a three-letter code only when it is that code in ASCII letters
	// of either case, and only the two cases of a letter give that letter with the 0x20 bit set.
	switch string([]byte{w[0] | 0x20, w[1] | 0x20, w[2] | 0x20}) {
	case "eur", "usd", "chf", "gbp", "pln", "sek", "dkk", "ron", "huf", "czk":
		return true
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

var _ redact.Detector = (*Phone)(nil)
