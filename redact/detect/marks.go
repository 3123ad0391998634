package detect

import "github.com/veil-privacy/veil/redact"

// The tokens that Person, Health and MAC must look at are found in one pass over the tokens per
// view (redact.Text.Marks), instead of one walk over every token per detector. Each test here is
// the first test the detector made on every token, so a token left unmarked is one the detector
// would have passed over.
const (
	markPersonCap uint32 = 1 << iota // a capitalised word, which may start a name
	markHealth                       // may be a health keyword
	markMAC                          // may start a MAC address

	// A token that may end a context phrase of Person carries its personLastFilter entry here.
	markPersonLastShift = 8
	markPerson          = markPersonCap | 0xff<<markPersonLastShift
)

// personLastBits returns the personLastFilter entry that a mark carries.
func personLastBits(bits uint32) uint8 { return uint8(bits >> markPersonLastShift) }

// detectMarker marks the tokens of a view for the detectors of this package.
var detectMarker = redact.NewMarker(markTokens)

func markTokens(t *redact.Text, dst []redact.Mark) []redact.Mark {
	toks, lower := t.Tokens, t.Lower
	for i, k := range toks {
		w := lower[k.Start:k.End]
		var bits uint32
		bits |= uint32(personLastFilter[wordFilterIndex(w)]) << markPersonLastShift
		if isCapWord(k) {
			bits |= markPersonCap
		}
		if healthMay(k, w) {
			bits |= markHealth
		}
		if macStart(t.Norm, k) {
			bits |= markMAC
		}
		if bits != 0 {
			dst = append(dst, redact.Mark{Tok: int32(i), Bits: bits})
		}
	}
	return dst
}
