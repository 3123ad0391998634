package detect

// Czech and Slovak scheme: rodné číslo (birth number), shared by both countries.

// checkCZRC validates a birth number: yymmdd (month plus 50 for women, plus 20 or 70 from 2004 on)
// and a serial; the 10-digit form (from 1954) is divisible by 11, or its first nine digits leave 10
// and the last is 0. The 9-digit form (before 1954) has no check digit: it is weak.
func checkCZRC(_ string, c []byte) nidVerdict {
	if len(c) != 9 && len(c) != 10 || !nidDigits(c) {
		return nidNone
	}
	yy, m, d := nidNum(c[0:2]), nidNum(c[2:4]), nidNum(c[4:6])
	if m > 50 {
		m -= 50
	}
	late := false
	if m > 20 {
		m -= 20
		late = true
	}
	year := 1900 + yy
	if len(c) == 10 && yy < 54 {
		year += 100
	}
	if len(c) == 9 && yy >= 54 || late && year < 2004 || !nidDate(year, m, d) {
		return nidBadSum
	}
	if len(c) == 9 {
		return nidWeak
	}
	n := nidNum(c)
	if n%11 != 0 && !(nidNum(c[:9])%11 == 10 && c[9] == '0') {
		return nidBadSum
	}
	return nidValid
}
