package detect

// Polish scheme: PESEL.

// checkPLPESEL validates a PESEL: yymmdd with the century in the month (01–12 for the 1900s, 21–32
// for the 2000s; the 1800s and 2100s are rejected as implausible for a living person), a serial and
// a check digit with weights 1,3,7,9.
func checkPLPESEL(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	yy, m, d := nidNum(c[0:2]), nidNum(c[2:4]), nidNum(c[4:6])
	year := 1900 + yy
	if m > 20 {
		m -= 20
		year += 100
	}
	if !nidDate(year, m, d) {
		return nidBadSum
	}
	sum := nidWeighted(c[:10], []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3})
	if (10-sum%10)%10 != int(c[10]-'0') {
		return nidBadSum
	}
	return nidValid
}
