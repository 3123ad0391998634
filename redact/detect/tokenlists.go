package detect

import (
	"math"

	"github.com/veil-privacy/veil/redact"
)

// The token lists of this package's number detectors (see redact.Lister): one walk over the digit
// tokens (and those in capitals, for NationalID) makes each detector's first test, which does not
// depend on what the detector found before, and each detector visits only the tokens that pass it.
// A detector still makes its own test on its tokens where that test also depends on its state.
const (
	listPhone   = iota // ASCII numbers that phoneFresh accepts after a number ending just before
	listCard           // cardStart: may start a card number
	listIBAN           // ASCII tokens of four or more bytes with a letter and a digit: may start an IBAN
	listIPv4           // ipv4Joined: numbers joined by a dot to the next number
	listNID            // tokens with a digit that nidStartToken and nidFreeBefore accept
	listNIDCaps        // the same, of the tokens in capitals without a digit
	listHouse          // isHouseNumberTok: may be a house number
	numLists
)

// numberLister sorts the anchor tokens (t.DigitTokens, t.CapsTokens) into the lists above.
var numberLister = redact.NewLister(numLists, listNumberTokens)

func listNumberTokens(t *redact.Text, lists [][]int32) {
	s, toks := t.Norm, t.Tokens
	phone, card, iban, ip := lists[listPhone], lists[listCard], lists[listIBAN], lists[listIPv4]
	nid, house := lists[listNID], lists[listHouse]
	for _, a := range t.DigitTokens() {
		i := int(a)
		k := toks[i]
		if k.Flags&redact.NonASCII != 0 {
			// Only IPv4 takes a token with a non-ASCII character (a combining mark).
			if ipv4Joined(s, toks, i) {
				ip = append(ip, a)
			}
			continue
		}
		if k.Flags&redact.HasLetter == 0 {
			if phoneFresh(s, toks, i, math.MaxInt) {
				phone = append(phone, a)
			}
			if cardStart(s, toks, i) {
				card = append(card, a)
			}
			if ipv4Joined(s, toks, i) {
				ip = append(ip, a)
			}
		} else if k.End-k.Start >= 4 {
			iban = append(iban, a)
		}
		if nidFreeBefore(t, i) {
			nid = append(nid, a)
		}
		if isHouseNumberTok(t, i) {
			house = append(house, a)
		}
	}
	lists[listPhone], lists[listCard], lists[listIBAN], lists[listIPv4] = phone, card, iban, ip
	lists[listNID], lists[listHouse] = nid, house
	caps := lists[listNIDCaps]
	for _, a := range t.CapsTokens() {
		if k := toks[a]; k.Flags&redact.HasDigit == 0 && nidStartToken(s, k) && nidFreeBefore(t, int(a)) {
			caps = append(caps, a)
		}
	}
	lists[listNIDCaps] = caps
}

// numberTokens returns the list l of t.
func numberTokens(t *redact.Text, l int) []int32 { return t.Lists(numberLister)[l] }
