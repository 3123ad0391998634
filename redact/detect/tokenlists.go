package detect

import (
	"slices"

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
	listHouse          // houseListed: house numbers that may end a street or start an address
	listNIDCaps        // the tokens in capitals without a digit that nidStartToken and nidFreeBefore accept
	numLists
)

// numberLister sorts the anchor tokens (t.DigitTokens, t.CapsTokens) into the lists above.
var numberLister = redact.NewLister(numLists, listNumberTokens)

// numberTokens returns the list l of t.
func numberTokens(t *redact.Text, l int) []int32 { return t.Lists(numberLister)[l] }

// Classes of the bytes before a number, for the first tests of listNumberTokens.
const (
	nbPhoneStop  = 1 << iota // '#', '$', '@', '=', '&': phoneFresh takes no number after it
	nbPhoneGlue              // '-', '/', '.', '_', '#': phoneFresh takes no number glued by it
	nbSigned                 // '+', '(': phoneFresh looks at the byte before it
	nbSignedStop             // phoneWordByte, '+', '-', '.': phoneFresh takes no number after it and a sign
	nbNIDStop                // '#', '+', '@', '_', '=', '\\', '%': nidFreeBefore takes no number after it
	nbNIDSep                 // nidSep
	nbCardSep                // cardSep
)

var numBefore = func() (c [256]uint8) {
	set := func(bytes string, bit uint8) {
		for i := 0; i < len(bytes); i++ {
			c[bytes[i]] |= bit
		}
	}
	set("#$@=&", nbPhoneStop)
	set("-/._#", nbPhoneGlue)
	set("+(", nbSigned)
	set("+-.", nbSignedStop)
	set("#+@_=\\%", nbNIDStop)
	set(" .-/+", nbNIDSep)
	set(" -.", nbCardSep)
	for b := 0; b < 256; b++ {
		if phoneWordByte(byte(b)) {
			c[b] |= nbSignedStop
		}
	}
	return c
}()

// listNumberTokens makes the first tests of phoneFresh (after no number), cardStart, ipv4Joined,
// nidStartToken with nidFreeBefore and houseListed on every digit token, reading the bytes
// and the token before it once for all of them, and appends to the lists without a branch per
// list. TestNumberLists checks it against those functions.
func listNumberTokens(t *redact.Text, lists [][]int32) {
	s, toks := t.Norm, t.Tokens
	digits := t.DigitTokens()
	// Each list gets at most one entry per digit token.
	var l [listNIDCaps][]int32
	var n [listNIDCaps]int
	for j := range l {
		l[j] = slices.Grow(lists[j][:0], len(digits))[:len(digits)]
	}
	for _, a := range digits {
		i := int(a)
		k := toks[i]
		start, end := k.Start, k.End
		if k.Flags&redact.NonASCII != 0 {
			// Only IPv4 takes a token with a non-ASCII character (a combining mark).
			if ipv4Joined(s, toks, i) {
				l[listIPv4][n[listIPv4]] = a
				n[listIPv4]++
			}
			continue
		}
		var c1, c2 byte
		if start > 0 {
			c1 = s[start-1]
			if start > 1 {
				c2 = s[start-2]
			}
		}
		b1 := numBefore[c1]
		gapPrev, prevDigit := -1, false
		if i > 0 {
			p := toks[i-1]
			gapPrev, prevDigit = start-p.End, p.Flags&redact.HasDigit != 0
		}
		l[listNID][n[listNID]] = a
		n[listNID] += b2i(b1&nbNIDStop == 0 && (c1 != ' ' || c2 != '#') &&
			(gapPrev != 1 || b1&nbNIDSep == 0 || c1 == ' ' && !prevDigit))
		width := end - start
		if k.Flags&redact.HasLetter != 0 {
			l[listIBAN][n[listIBAN]] = a
			n[listIBAN] += b2i(width >= 4)
			if isHouseNumberTok(t, i) && (!prevDigit || numberMayLead(t, i)) {
				l[listHouse][n[listHouse]] = a
				n[listHouse]++
			}
			continue
		}
		if width <= 5 && s[start]-'1' < 9 && (!prevDigit || numberMayLead(t, i)) {
			l[listHouse][n[listHouse]] = a
			n[listHouse]++
		}
		signed := b1&nbSigned != 0
		l[listPhone][n[listPhone]] = a
		n[listPhone] += b2i(signed && numBefore[c2]&nbSignedStop == 0 ||
			!signed && b1&nbPhoneStop == 0 && (gapPrev != 1 || b1&nbPhoneGlue == 0))
		var cEnd byte
		if end < len(s) {
			cEnd = s[end]
		}
		glued := prevDigit && (gapPrev == 1 && b1&nbCardSep != 0 || gapPrev == 2 && c1 == ' ' && c2 == ' ')
		l[listCard][n[listCard]] = a
		n[listCard] += b2i(width >= 13 && width <= 19 ||
			width == 4 && end < len(s) && numBefore[cEnd]&nbCardSep != 0 && !glued)
		if cEnd == '.' && ipv4Joined(s, toks, i) {
			l[listIPv4][n[listIPv4]] = a
			n[listIPv4]++
		}
	}
	for j := range l {
		lists[j] = l[j][:n[j]]
	}
	caps := lists[listNIDCaps]
	for _, a := range t.CapsTokens() {
		if k := toks[a]; k.Flags&redact.HasDigit == 0 && nidStartToken(s, k) && nidFreeBefore(t, int(a)) {
			caps = append(caps, a)
		}
	}
	lists[listNIDCaps] = caps
}

// houseListed reports whether token h is a house number (isHouseNumberTok) at which Address may
// find something: a number right after another number (an IBAN's or a card's groups, the parts
// of a date or an IP address) ends no street name, so only numberFirst could start there.
func houseListed(t *redact.Text, h int) bool {
	return isHouseNumberTok(t, h) && (h == 0 || t.Tokens[h-1].Flags&redact.HasDigit == 0 || numberMayLead(t, h))
}

// b2i returns 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
