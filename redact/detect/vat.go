package detect

import "github.com/veil-privacy/veil/redact"

// VATID finds EU VAT identification numbers (and the UK's): a two-letter country prefix followed
// by the country's number, validated with the country's check digits. The prefix is the anchor:
// "DE123456789", "DE 123 456 789", "NL123456789B01", "BE 0123.456.789", "ATU12345678".
// Subtype is the prefix as written ("EL" for Greece; "GR" is accepted as an alias and reported
// as "EL").
type VATID struct{}

// NewVATID returns the VAT-number detector.
func NewVATID() *VATID { return &VATID{} }

// Types reports VAT_ID.
func (*VATID) Types() []redact.Type { return []redact.Type{redact.VATID} }

// vatMaxLen bounds a reported span: prefix, separator and the longest body with separators
// ("NL 1234.56.789.B01", "LT 1000 0191 9017").
const vatMaxLen = 24

// vatMaxBody is the longest body of any country (NL, LT: 12 characters).
const vatMaxBody = 12

// MaxLen is the longest span Detect reports.
func (*VATID) MaxLen() int { return vatMaxLen }

// Confidence levels for VAT numbers.
const (
	vatConfValid  = 0.93
	vatConfCtx    = 0.98
	vatConfBadSum = 0.35
)

// Detect appends the VAT numbers in t to dst.
func (*VATID) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	s := t.Norm
	toks := t.Tokens
	var buf []byte // the body, allocated once: it escapes through country.check
	next := 0      // the first token a match may start at
	// A number starts with its country's two capitals.
	for _, a := range t.UpperPairTokens() {
		i := int(a)
		k := toks[i]
		if i < next {
			continue
		}
		country := vatCountryOf(s[k.Start], s[k.Start+1])
		if country == nil || !nidFreeBefore(t, i) {
			continue
		}
		j, first := i, k.Start+2
		if k.End-k.Start == 2 {
			// "DE 123456789", "DE-123456789": the prefix is its own token.
			if i+1 >= len(toks) || toks[i+1].Start-k.End != 1 || !vatSep(s[k.End]) ||
				toks[i+1].Flags&redact.HasDigit == 0 {
				continue
			}
			j, first = i+1, toks[i+1].Start
		}
		if buf == nil {
			buf = make([]byte, 0, vatMaxBody)
		}
		if f, last, ok := vatJudge(t, buf, country, k.Start, j, first); ok {
			dst = append(dst, f)
			next = last + 1
		}
	}
	return dst
}

// vatJudge reads the body from token j (from offset first) on, joining tokens separated by one
// of " .-", and returns the finding for the first end where the body has a length of the country,
// is not continued by another digit group, and validates (or has context).
func vatJudge(t *redact.Text, buf []byte, country *vatCountry, start, j, first int) (redact.Finding, int, bool) {
	s := t.Norm
	toks := t.Tokens
	body := buf[:0]
	for e := j; e < len(toks); e++ {
		if e > j {
			prev := toks[e-1].End
			if toks[e].Start-prev != 1 || !vatSep(s[prev]) || toks[e].Flags&redact.NonASCII != 0 {
				break
			}
		}
		piece := s[max(first, toks[e].Start):toks[e].End]
		if len(body)+len(piece) > vatMaxBody || toks[e].End-start > vatMaxLen {
			break
		}
		body = nidCompact(body, piece)
		if !country.hasLen(len(body)) || !nidFreeAfter(t, e, true) {
			continue
		}
		v := country.check(body)
		if v == nidNone {
			continue
		}
		end := toks[e].End
		c := newNIDContext(t, start, end)
		ctx := c.lastEnd(nidClassVAT) >= 0
		if !ctx {
			after, _ := c.afterClasses()
			ctx = after&nidClassVAT != 0
		}
		f := redact.Finding{Type: redact.VATID, Subtype: country.code, Start: start, End: end}
		switch {
		case v == nidBadSum && ctx:
			f.Confidence = vatConfBadSum
		case v == nidBadSum:
			continue
		case ctx:
			f.Confidence = vatConfCtx
		default:
			f.Confidence = vatConfValid
		}
		return f, e, true
	}
	return redact.Finding{}, 0, false
}

// vatSep reports whether c may separate the prefix and the groups of a VAT number.
func vatSep(c byte) bool { return c == ' ' || c == '.' || c == '-' }

// vatWords name a VAT number in the EU languages.
var vatWords = []string{
	"vat", "vat id", "vat no", "vat number", "vat reg", "vat registration", "vat-id", "vatin",
	"ust-idnr", "ust-id", "ust.-id", "ust.-idnr", "ustid", "ustidnr", "ust-id-nr", "umsatzsteuer",
	"umsatzsteuer-id", "umsatzsteuer-identifikationsnummer", "mwst", "mwst-nr", "uid", "uid-nr",
	"uid-nummer", "tva", "n° tva", "numéro de tva", "tva intracommunautaire", "iva", "partita iva",
	"p.iva", "p. iva", "nif-iva", "nif iva", "cif", "btw", "btw-nummer", "btw-id", "btw nummer",
	"nip", "nip ue", "nip-ue", "moms", "momsnr", "momsregistreringsnummer", "momsnummer", "alv",
	"alv-numero", "alv-tunniste", "dph", "ič dph", "dič", "ddv", "id za ddv", "pdv", "pvm", "pvn",
	"áfa", "afa", "fpa", "φπα", "α.φ.μ.", "afm", "käibemaks", "kmkr", "cvr", "tax id", "cui", "cod tva",
}

var _ redact.Detector = (*VATID)(nil)
