package detect

// Irish scheme: PPS number.

// ieCheckLetters maps the weighted sum mod 23 to the check letter of a PPS number.
const ieCheckLetters = "WABCDEFGHIJKLMNOPQRSTUV"

// checkIEPPS validates a PPS number: seven digits, the check letter of Σ digit·(8…2) (+ 9 × the
// value of the second letter, A=1 … I=9, W=0) mod 23, and an optional second letter.
func checkIEPPS(_ string, c []byte) nidVerdict {
	if len(c) != 8 && len(c) != 9 || !nidDigits(c[:7]) || c[7] < 'A' || c[7] > 'Z' {
		return nidNone
	}
	sum := nidWeighted(c[:7], []int{8, 7, 6, 5, 4, 3, 2})
	if len(c) == 9 {
		switch l := c[8]; {
		case l == 'W':
		case l >= 'A' && l <= 'I':
			sum += 9 * int(l-'A'+1)
		default:
			return nidNone
		}
	}
	if ieCheckLetters[sum%23] != c[7] {
		return nidBadSum
	}
	return nidValid
}
