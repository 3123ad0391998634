package detect

import (
	"math/bits"
	"strings"
)

// Which configured regions may take a nationally dialled number, by its length and first two
// digits: a region whose trunk prefix, possible lengths or general description rule out every
// number of that length and start is not asked (the general description is an automaton; a number
// of n digits starting with given digits can match it only if, from the state after those digits,
// an accepting state is n-2 digits away). Most candidates of PII-dense text that reach validation
// without a + or 00 (dotted quads, groups of account numbers, personal numbers) are valid in none
// of the regions, and Phone passes them over before reading their context.

// phoneNationalIndex holds, by a number's length and first two digits, the set of regions
// (bit i for Phone.regions[i]) in which the number may be valid.
type phoneNationalIndex [phoneMaxDigits + 1][100]uint64

// newPhoneNationalIndex builds the index of regions, or returns nil if there are more regions than
// bits in a set.
func newPhoneNationalIndex(regions []phoneRegion) *phoneNationalIndex {
	if len(regions) > 64 {
		return nil
	}
	x := new(phoneNationalIndex)
	for ri, r := range regions {
		if r.descs == nil {
			continue // no metadata: no number is valid there
		}
		g := r.descs.general
		g.once.Do(g.compile)
		var lens []uint32
		if g.dfa != nil {
			lens = g.dfa.acceptLengths()
		}
		for n := 2; n <= phoneMaxDigits; n++ {
			for first := range 100 {
				head := [2]byte{byte('0' + first/10), byte('0' + first%10)}
				if phoneNationalMay(r, g.dfa, lens, head, n) {
					x[n][first] |= 1 << ri
				}
			}
		}
	}
	return x
}

// phoneNationalMay reports whether a number of n digits that starts with head may be valid in r,
// whose general description has the automaton dfa (nil: matched by a regexp, which is not
// inspected) with the accepting lengths lens.
func phoneNationalMay(r phoneRegion, dfa *digitDFA, lens []uint32, head [2]byte, n int) bool {
	// The digits of head after the trunk prefix start the national significant number.
	rest := head[:]
	if p := r.prefix; p != "" {
		k := min(len(p), len(head))
		if string(head[:k]) != p[:k] {
			return false
		}
		rest = head[k:]
	}
	nsn := n - len(r.prefix)
	if nsn <= 0 || nsn >= 32 || r.lengths&(1<<nsn) == 0 || r.descs.general.lengths&(1<<nsn) == 0 {
		return false
	}
	if dfa == nil {
		return true
	}
	if len(rest) > nsn {
		return false
	}
	s := int32(dfaStart)
	for _, c := range rest {
		if s = dfa.next[s][c-'0']; s == dfaDead {
			return false
		}
	}
	return lens[s]&(1<<(nsn-len(rest))) != 0
}

// nationalRegions returns the set of regions (bit i for p.regions[i]) in which the digits d may
// be a valid national number.
func (p *Phone) nationalRegions(d []byte) uint64 {
	if p.national == nil || len(d) < 2 || len(d) > phoneMaxDigits {
		return 1<<len(p.regions) - 1 // every region (all bits when there are 64)
	}
	return p.national[len(d)][int(d[0]-'0')*10+int(d[1]-'0')]
}

// validNational reports whether d, dialled nationally, is a valid number in one of p's regions.
func (p *Phone) validNational(d []byte) bool {
	if p.national == nil {
		for _, r := range p.regions {
			if phoneValidNationalIn(r, d) {
				return true
			}
		}
		return false
	}
	for m := p.nationalRegions(d); m != 0; m &= m - 1 {
		if phoneValidNationalIn(p.regions[bits.TrailingZeros64(m)], d) {
			return true
		}
	}
	return false
}

// phoneValidNationalIn reports whether d, dialled nationally, is a valid number in r.
func phoneValidNationalIn(r phoneRegion, d []byte) bool {
	nsn := d
	if r.prefix != "" {
		if !strings.HasPrefix(string(d), r.prefix) {
			return false
		}
		nsn = d[len(r.prefix):]
	}
	if len(nsn) == 0 || len(nsn) >= 32 || r.lengths&(1<<len(nsn)) == 0 {
		return false
	}
	return r.descs != nil && r.descs.valid(nsn)
}
