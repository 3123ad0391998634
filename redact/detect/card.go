package detect

import "github.com/veil-privacy/veil/redact"

// cardMaxLen is the longest card number span: 19 digits printed 4-4-4-4-3 with four separators.
const cardMaxLen = 19 + 4

// cardGroupings are the printed layouts accepted for separated numbers, longest first.
var cardGroupings = [][]uint8{
	{4, 4, 4, 4, 3}, // 19-digit Visa, Maestro, UnionPay
	{4, 4, 4, 4},    // most cards
	{4, 6, 5},       // American Express
	{4, 6, 4},       // Diners Club
	{4, 4, 4, 3},    // 15 digits in fours
	{4, 4, 4, 2},    // 14 digits in fours
	{4, 4, 4, 1},    // 13-digit Visa
	{4, 4, 5},       // 13-digit Visa
}

// cardGroupingsCtx are rarer layouts, accepted only after a card word.
var cardGroupingsCtx = [][]uint8{
	{4, 3, 3, 3}, // 13 digits
	{4, 3, 4, 4}, // 15 digits
}

// cardWords name a payment card in the supported languages.
var cardWords = newWindowWords(
	"card", "cards", "credit card", "debit card", "karte", "kreditkarte", "carte", "carte bancaire", "carta",
	"tarjeta", "kaart", "creditcard", "karta", "kartą", "karty", "cardul", "cardului", "visa", "mastercard",
	"pay", "paid", "payment", "zahlung", "bezahlt", "paiement", "payé", "pagamento", "pagato", "pago",
	"pagado", "betaling", "betaald", "płatność", "zapłacić", "plata", "plătit",
)

// CreditCard finds payment card numbers: 13–19 digits, compact or grouped with spaces, dashes or
// dots (one separator throughout, a double space as printed on some receipts), that pass the Luhn
// check and fall in a known issuer (IIN) range with a length it issues.
type CreditCard struct{}

// NewCreditCard returns the payment card detector.
func NewCreditCard() *CreditCard { return &CreditCard{} }

// Types implements redact.Detector.
func (*CreditCard) Types() []redact.Type { return []redact.Type{redact.CreditCard} }

// MaxLen implements redact.Detector.
func (*CreditCard) MaxLen() int { return cardMaxLen }

// Detect implements redact.Detector.
func (*CreditCard) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 {
		return dst
	}
	s, toks := t.Norm, t.Tokens
	next := 0 // the first token a match may start at
	for _, a := range numberTokens(t, listCard) {
		i := int(a)
		k := toks[i]
		if i < next {
			continue
		}
		if n := k.End - k.Start; n >= 13 && n <= 19 {
			if cardIsolated(s, k.Start, k.End) && cardValid(s[k.Start:k.End]) {
				dst = append(dst, redact.Finding{Type: redact.CreditCard, Start: k.Start, End: k.End, Confidence: 0.97})
			}
			continue
		}
		last, ok := cardGrouped(s, toks, i, cardGroupings)
		if !ok {
			// The rarer layouts need a card word before the number: look for one only when the
			// groups have such a layout.
			if l, lok := cardGrouped(s, toks, i, cardGroupingsCtx); lok && cardWords.in(t.Before(k.Start, 40)) {
				last, ok = l, true
			}
		}
		if ok {
			dst = append(dst, redact.Finding{Type: redact.CreditCard, Start: k.Start, End: toks[last].End, Confidence: 0.97})
			next = last + 1
		}
	}
	return dst
}

// cardStart reports whether a card number may start at token i, a token with a digit: an ASCII
// number of 13–19 digits, or a group of four followed by a separator and not itself after another
// group joined by one.
func cardStart(s string, toks []redact.Token, i int) bool {
	k := toks[i]
	if !k.AllDigits() || k.Is(redact.NonASCII) {
		return false
	}
	n := k.End - k.Start
	if n >= 13 && n <= 19 {
		return true
	}
	if n != 4 || k.End >= len(s) || !cardSep(s[k.End]) {
		return false
	}
	// A group of four after another group joined by a separator is inside a longer number (an
	// IBAN's digits, a reference, a version): a card starts the run.
	return !(i > 0 && toks[i-1].Is(redact.HasDigit) && k.Start-toks[i-1].End <= 2 &&
		cardSepGap(s[toks[i-1].End:k.Start]))
}

// cardGrouped tries the layouts of cardGroupings on the tokens from i, joined by one repeated
// separator, and returns the index of the last token of the first valid number. The groups are
// read once, and each layout is compared with their widths.
func cardGrouped(s string, toks []redact.Token, i int, layouts [][]uint8) (int, bool) {
	sep := s[toks[i].End]
	sepLen := 1
	if sep == ' ' && toks[i].End+1 < len(s) && s[toks[i].End+1] == ' ' {
		sepLen = 2 // "4111  1111  1111  1111"
	}
	var run cardRun
	run.read(s, toks, i, sep, sepLen)
	for _, layout := range layouts {
		if sep == '.' && len(layout) != 4 {
			continue // dots only in the common 4-4-4-4 layout: other dotted runs are versions, dates
		}
		if !run.has(layout) {
			continue
		}
		last := i + len(layout) - 1
		if !cardIsolated(s, toks[i].Start, toks[last].End) {
			continue
		}
		// The layout must not stop inside a longer run of groups of four or more digits; a short
		// group after it may be an expiry date or a security code.
		if last+1 < len(toks) {
			if nx := toks[last+1]; nx.Start == toks[last].End+sepLen && s[nx.Start-1] == sep &&
				nx.AllDigits() && nx.End-nx.Start >= 4 {
				continue
			}
		}
		if cardValid(string(run.digits[:run.upto[len(layout)-1]])) {
			return last, true
		}
	}
	return 0, false
}

// cardMaxGroups and cardMaxGroup are the most groups of a layout and the widest group.
const (
	cardMaxGroups = 5
	cardMaxGroup  = 6
)

// cardRun is the run of digit groups that a grouped card number may take its groups from: ASCII
// numbers of at most cardMaxGroup digits, each joined to the one before by one repeated separator.
type cardRun struct {
	n      int                                // groups
	widths [cardMaxGroups]int                 // digits of each group
	upto   [cardMaxGroups]int                 // digits[:upto[j]] are the digits up to group j
	digits [cardMaxGroups * cardMaxGroup]byte // the digits of the groups
}

// read reads the run of groups from token i, joined by sepLen bytes ending in sep (as cardGrouped's
// layouts need them).
func (r *cardRun) read(s string, toks []redact.Token, i int, sep byte, sepLen int) {
	nd := 0
	for j := 0; j < cardMaxGroups && i+j < len(toks); j++ {
		g := toks[i+j]
		w := g.End - g.Start
		if w > cardMaxGroup || !g.AllDigits() || g.Is(redact.NonASCII) ||
			j > 0 && (g.Start != toks[i+j-1].End+sepLen || s[g.Start-1] != sep || s[g.Start-sepLen] != sep) {
			return
		}
		copy(r.digits[nd:], s[g.Start:g.End])
		nd += w
		r.widths[j], r.upto[j] = w, nd
		r.n++
	}
}

// has reports whether the run starts with groups of the widths of layout.
func (r *cardRun) has(layout []uint8) bool {
	if len(layout) > r.n {
		return false
	}
	for j, w := range layout {
		if r.widths[j] != int(w) {
			return false
		}
	}
	return true
}

// cardSep reports whether c may separate the groups of a printed card number.
func cardSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

// cardSepGap reports whether g is a card group separator: one of cardSep, or two spaces.
func cardSepGap(g string) bool {
	return len(g) == 1 && cardSep(g[0]) || g == "  "
}

// cardIsolated reports whether s[start:end] stands alone: not signed like a phone number
// ("+4917…"), and not glued by punctuation to more digits (a decimal, a date, a longer code).
func cardIsolated(s string, start, end int) bool {
	if start > 0 {
		switch c := s[start-1]; c {
		case '+':
			return false
		case '.', ',', '/', '-', ':', '_':
			if start >= 2 && cardDigit(s[start-2]) {
				return false
			}
		}
	}
	if end+1 < len(s) {
		switch s[end] {
		case '.', ',', '/', '-', ':', '_':
			if cardDigit(s[end+1]) {
				return false
			}
		}
	}
	return true
}

// cardValid reports whether the digit string d is a Luhn-valid number in a known issuer range.
func cardValid(d string) bool {
	return cardIssuer(d) && luhn(d)
}

// cardIssuer reports whether d has the length one of the major networks issues for its prefix.
func cardIssuer(d string) bool {
	n := len(d)
	p2 := cardPrefix(d, 2)
	p3 := cardPrefix(d, 3)
	p4 := cardPrefix(d, 4)
	p6 := cardPrefix(d, 6)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p4 >= 2200 && p4 <= 2204: // Mir
		return n >= 16 && n <= 19
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65 || p6 >= 622126 && p6 <= 622925: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38 || p2 == 39 || p4 == 3095: // Diners Club
		return n >= 14 && n <= 19
	case p2 == 62: // UnionPay
		return n >= 16 && n <= 19
	case p2 == 50 || p2 >= 56 && p2 <= 58 || p4 == 6304 || p4 == 6759 || p4 >= 6761 && p4 <= 6763: // Maestro
		return n >= 13 && n <= 19
	}
	return false
}

// cardPrefix returns the first n digits of d as a number.
func cardPrefix(d string, n int) int {
	v := 0
	for i := 0; i < n && i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

func cardDigit(c byte) bool { return '0' <= c && c <= '9' }

var _ redact.Detector = (*CreditCard)(nil)
