package detect

import (
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// Where an address can start, seen from its house number. Every address shape reads a street name
// and then a house number (or starts with the number), so a detector that starts from house numbers
// only needs to try the tokens before each number that a street name can span:
//
//   - no token between the start and the number holds a digit;
//   - the gaps between them hold only spaces, tabs, ',', '.', '/', '-' and apostrophes;
//   - a token strictly inside is capitalised, a particle or house-number word ("de", "van", "nr"),
//     the lower-case end of an abbreviated prefix ("P.zza") or a hyphenated part; any other word
//     can only be the first (the street type: "rue", "circonvallazione");
//   - the longest shape (a street type and a name of up to 60 bytes, a number word) spans fewer
//     than addrReach tokens.
const addrReach = 36

// addrInsideWords are the lower-case words that may stand inside an address before its number.
var addrInsideWords = func() *wordSet {
	s := newWordSet("dem den der van ter ten bloc bl")
	for w := range addrParticles.m {
		s.add(w)
	}
	for w := range houseMarker.m {
		s.add(w)
	}
	return s
}()

// streetStart returns the first token at which an address whose house number is token h may start.
func streetStart(t *redact.Text, h int) int {
	toks := t.Tokens
	lo := h
	for k := h - 1; k >= 0 && h-k <= addrReach; k-- {
		if toks[k].Flags&redact.HasDigit != 0 || !addrGapChars(gap(t, k+1)) {
			break
		}
		lo = k
		if toks[k].Flags&redact.InitUpper == 0 {
			if g := gap(t, k); g != "-" && g != "." && !addrInsideWords.has(tokLower(t, k)) {
				break // a word that can start an address but not continue one
			}
		}
	}
	return lo
}

// addrLowerMayStart reports whether a token without a capital or a digit may start an address
// shape: only a street type in front (prefixStreet: "rue", "via", or a letter before a dot, as
// in "P.zza") or a Dutch particle before a street name (suffixStreet: "van", "ter", "ten") can;
// the other shapes start with a capitalised word or a number. Most words before the numbers of
// PII-dense text are such words ("card", "from", the names of e-mail addresses).
func addrLowerMayStart(t *redact.Text, i int) bool {
	w := tokLower(t, i)
	return len(w) <= 1 || streetPrefix.has(w) || w == "van" || w == "ter" || w == "ten"
}

// addrGapChars reports whether g may separate two tokens of one address.
func addrGapChars(g string) bool {
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case ' ', '\t', ',', '.', '/', '-', '\'', 0xE2, 0x80, 0x99:
		default:
			return false
		}
	}
	return true
}

// hasSinNumero reports whether the text holds "s/n" (sin número), a house number without digits.
func hasSinNumero(t *redact.Text) bool {
	s := t.Lower
	for i := strings.IndexByte(s, '/'); i >= 0; {
		if i > 0 && s[i-1] == 's' && i+1 < len(s) && s[i+1] == 'n' {
			return true
		}
		j := strings.IndexByte(s[i+1:], '/')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}
