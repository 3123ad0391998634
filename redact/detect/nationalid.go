package detect

import (
	"math/bits"
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// NationalID finds national identification numbers (tax ids, social-security numbers, personal
// codes) of EU countries and the UK. Each scheme is checked with its real checksum and embedded
// date; see nationalid_schemes.go for the table of schemes and their accepted spellings.
//
// How it works: a candidate is one token of Norm, or several tokens joined by exactly one separator
// (" ", ".", "-", "/", "+"), up to nidMaxRaw bytes. The raw candidate is matched against the
// spelling patterns of the schemes indexed by its length, so each candidate runs only the
// validators whose spelling has that length and shape. A candidate must be a whole token run: a
// digit group or code glued to it by a separator disqualifies it, as does a preceding '#' or an
// order/invoice/tracking word that is closer than any id context word.
type NationalID struct{}

// NewNationalID returns the national-id detector.
func NewNationalID() *NationalID { return &NationalID{} }

// Types reports NATIONAL_ID.
func (*NationalID) Types() []redact.Type { return []redact.Type{redact.NationalID} }

// MaxLen is the longest spelling pattern of any scheme.
func (*NationalID) MaxLen() int { return nidMaxPat }

// Confidence levels. Validated numbers land in 0.9–0.99; a number of the right shape whose
// checksum fails is reported only next to a scheme's own context word, at nidConfBadSum.
const (
	nidConfValid   = 0.93 // checksum and structure valid, no context word
	nidConfCtx     = 0.98 // valid and a context word of the scheme nearby
	nidConfGeneric = 0.91 // valid and only a generic "id number" word nearby
	nidConfBadSum  = 0.35 // right shape, wrong checksum, scheme context word nearby
)

// Context windows, in bytes of Norm around the candidate.
const (
	nidCtxBefore = 48
	nidCtxAfter  = 48
	nidNegBefore = 32
	nidNegAfter  = 24
)

// Detect appends the national ids in t to dst.
func (*NationalID) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.Flags&redact.HasDigit == 0 {
		return dst // every scheme has digits
	}
	toks := t.Tokens
	s := t.Norm
	var buf []byte
	var ctx nidContext // scratch for nidJudge
	// A number starts at a token with a digit or at a short prefix in capitals ("AB 12 34 56 C").
	// The lists hold the tokens, with a digit and in capitals without one, that nidStartToken
	// and nidFreeBefore accept.
	lists := t.Lists(numberLister)
	u := anchorUnion{lists[listNID], lists[listNIDCaps]}
	next := 0 // the first token a match may start at
	for i, ok := u.next(); ok; i, ok = u.next() {
		k := toks[i]
		if i < next {
			continue
		}
		var bestSub string
		bestConf, bestJ := 0.0, -1
		digits := false
		var cls nidClasses // of the bytes of the run i..j, built as it grows
		for j := i; j < len(toks); j++ {
			if j > i {
				prev := toks[j-1].End
				if toks[j].Start-prev != 1 || !nidSep(s[prev]) || toks[j].Flags&redact.NonASCII != 0 {
					break
				}
				cls.addSep(s[prev], prev-k.Start)
			}
			n := toks[j].End - k.Start
			if n > nidMaxPat {
				break
			}
			cls.addToken(toks[j].Start-k.Start, n)
			digits = digits || toks[j].Flags&redact.HasDigit != 0
			if !digits || !nidMayMatch(cls, n) || !nidFreeAfter(t, j, j > i) {
				continue
			}
			if buf == nil {
				// One buffer per call for the compact candidates: the validators are called
				// through function values, so a stack array would escape on every candidate.
				buf = make([]byte, 0, nidMaxPat)
			}
			if sub, conf := nidJudge(t, buf, &ctx, i, j, cls); conf > bestConf {
				bestSub, bestConf, bestJ = sub, conf, j
			}
		}
		if bestJ >= 0 {
			dst = append(dst, redact.Finding{Type: redact.NationalID, Subtype: bestSub,
				Start: k.Start, End: toks[bestJ].End, Confidence: bestConf})
			next = bestJ + 1
		}
	}
	return dst
}

// nidStartToken reports whether a candidate may start at k: an ASCII token with a digit, or a short
// upper-case prefix such as the "X" of "X-1234567-L" or the "QQ" of "QQ 12 34 56 C".
func nidStartToken(s string, k redact.Token) bool {
	if k.Flags&redact.NonASCII != 0 {
		return false
	}
	if k.Flags&redact.HasDigit != 0 {
		return true
	}
	return k.End-k.Start <= 3 && k.Flags&redact.HasLower == 0
}

// nidSep reports whether c may join the groups of one spelled-out number.
func nidSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '/' || c == '+' }

// nidFreeBefore reports whether token i is not the continuation of something else: not glued to
// a preceding token by punctuation ("ORD-…", "2025/…"), not after another digit group, not after
// '#', '+', '@' or '_'.
func nidFreeBefore(t *redact.Text, i int) bool {
	s := t.Norm
	start := t.Tokens[i].Start
	if start == 0 {
		return true
	}
	switch c := s[start-1]; c {
	case '#', '+', '@', '_', '=', '\\', '%':
		return false
	case ' ':
		if start >= 2 && s[start-2] == '#' {
			return false
		}
	}
	if i == 0 {
		return true
	}
	prev := t.Tokens[i-1]
	if start-prev.End != 1 || !nidSep(s[prev.End]) {
		return true
	}
	if s[prev.End] != ' ' {
		return false
	}
	return prev.Flags&redact.HasDigit == 0
}

// nidFreeAfter reports whether the run ending with token j is not continued by more of the same
// number: a token glued by punctuation, or a digit group after a space (always for a spelled-out
// run, for a compact one only when the next group is short, as in a phone number's tail).
func nidFreeAfter(t *redact.Text, j int, multi bool) bool {
	s := t.Norm
	end := t.Tokens[j].End
	if end < len(s) && (s[end] == '@' || s[end] == '_') {
		return false
	}
	if j+1 >= len(t.Tokens) {
		return true
	}
	next := t.Tokens[j+1]
	if next.Start-end != 1 || !nidSep(s[end]) {
		return true
	}
	if s[end] != ' ' {
		return false
	}
	if next.Flags&redact.HasDigit == 0 {
		return true
	}
	return !multi && next.End-next.Start > 4
}

func nidAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// nidCompact appends the letters (upper-cased) and digits of raw to dst.
func nidCompact(dst []byte, raw string) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			dst = append(dst, c)
		case c >= 'a' && c <= 'z':
			dst = append(dst, c-'a'+'A')
		}
	}
	return dst
}

// nidJudge validates the candidate made of tokens i..j (ASCII, joined by single separators), whose
// bytes have the classes cls, against every scheme spelled with its length and returns the subtype
// and confidence of the most confident verdict, or confidence 0. ctx is scratch space for the
// candidate's context, read once a scheme needs it.
//
// A wrong checksum scores nidConfBadSum at most, and any other verdict either 0 or more than that
// (TestNIDPatternAfter): the schemes whose checksum fails are scored only if no other scores
// above 0, in their order, the first with its own context word winning as before. A PESEL after
// "PESEL" fails BE_NN's checksum first; its own scheme decides, and the words after it, which
// BE_NN's context would have needed, are not read.
func nidJudge(t *redact.Text, buf []byte, ctx *nidContext, i, j int, cls nidClasses) (sub string, conf float64) {
	start, end := t.Tokens[i].Start, t.Tokens[j].End
	raw := t.Norm[start:end]
	ps := nidByLen[len(raw)]
	var c []byte // the compact candidate, made once a spelling matches
	haveCtx := false
	var badSums uint32 // bit k: ps[k]'s checksum fails, not scored yet
	for k, p := range ps {
		if !p.shape.match(cls, raw) {
			continue
		}
		if c == nil {
			c = nidCompact(buf[:0], raw)
		}
		v := p.s.check(raw, c)
		if v == nidNone {
			continue
		}
		if v == nidBadSum {
			badSums |= 1 << k
			continue
		}
		if !haveCtx {
			ctx.readTokens(t, i, j)
			haveCtx = true
		}
		if pc := nidScore(p, v, ctx, start); pc > conf {
			sub, conf = p.s.sub, pc
			if conf >= p.after {
				break // no later pattern can give more
			}
		}
	}
	if conf > 0 {
		return sub, conf
	}
	for ; badSums != 0; badSums &= badSums - 1 {
		p := ps[bits.TrailingZeros32(badSums)]
		if !haveCtx {
			ctx.readTokens(t, i, j)
			haveCtx = true
		}
		if pc := nidScore(p, nidBadSum, ctx, start); pc > 0 {
			return p.s.sub, pc
		}
	}
	return "", 0
}

// maxConf returns the highest confidence nidScore can give for p.
func (p *nidPattern) maxConf() float64 {
	if p.needCtx {
		return nidConfCtx
	}
	return max(nidConfCtx, nidConfOwnValid(p))
}

// nidConfOwnValid is the confidence of a valid number with its scheme's own context word.
func nidConfOwnValid(p *nidPattern) float64 { return min(0.99, max(nidConfCtx, p.s.conf+0.05)) }

// nidScore turns a verdict into a confidence, 0 meaning "do not report".
func nidScore(p *nidPattern, v nidVerdict, ctx *nidContext, start int) float64 {
	own := ctx.has(p.s.class, start)
	// generic is asked only where own is false: it may need the words after the candidate.
	generic := func() bool { return ctx.has(nidClassGeneric, start) }
	switch v {
	case nidBadSum:
		if own {
			return nidConfBadSum
		}
		return 0
	case nidWeak:
		// no check digit, or too common by chance: only with the scheme's own context word
		if own {
			return nidConfCtx
		}
		return 0
	case nidValid:
		if !p.needCtx {
			switch {
			case own:
				return nidConfOwnValid(p)
			case generic():
				return max(nidConfGeneric, p.s.conf)
			case ctx.negative(start):
				return 0
			}
			return p.s.conf
		}
	}
	switch {
	case own:
		return nidConfCtx
	case generic():
		return nidConfGeneric
	}
	return 0
}

// nidUpper reports whether raw has no lower-case ASCII letter.
func nidUpper(raw string) bool {
	return strings.IndexFunc(raw, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0
}

var _ redact.Detector = (*NationalID)(nil)
