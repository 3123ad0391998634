package detect

// Austrian scheme: the Sozialversicherungsnummer.

// checkATSVNR validates a Sozialversicherungsnummer: a 3-digit serial (no leading zero), a check
// digit (weights 3,7,9,·,5,8,4,2,1,6 mod 11; 10 is never issued) and the birth date ddmmyy.
func checkATSVNR(_ string, c []byte) nidVerdict {
	if len(c) != 10 || !nidDigits(c) || c[0] == '0' {
		return nidNone
	}
	sum := nidWeighted(c, []int{3, 7, 9, 0, 5, 8, 4, 2, 1, 6}) % 11
	if sum == 10 || sum != int(c[3]-'0') {
		return nidBadSum
	}
	if !nidDateAnyCentury(nidNum(c[8:10]), nidNum(c[6:8]), nidNum(c[4:6])) {
		return nidBadSum
	}
	return nidValid
}
