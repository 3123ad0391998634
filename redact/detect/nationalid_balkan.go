package detect

// Balkan schemes: Croatian OIB, Slovenian EMŠO, Bulgarian EGN.

// checkHROIB validates an OIB: 11 digits with an ISO 7064 MOD 11,10 check digit. It has no other
// structure, so one random number in ten passes: the scheme table asks for context.
func checkHROIB(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	if nidMod1110(c[:10]) != int(c[10]-'0') {
		return nidBadSum
	}
	return nidValid
}

// checkSIEMSO validates an EMŠO: ddmmyyy (yyy 9xx for the 1900s, 0xx for the 2000s), register
// region 50–59 (Slovenia), serial and the check digit 11 − (Σ digit·(7…2,7…2) mod 11).
func checkSIEMSO(_ string, c []byte) nidVerdict {
	if len(c) != 13 || !nidDigits(c) {
		return nidNone
	}
	yyy := nidNum(c[4:7])
	var year int
	switch {
	case yyy >= 900:
		year = 1000 + yyy
	case yyy < 100:
		year = 2000 + yyy
	default:
		return nidBadSum
	}
	if !nidDate(year, nidNum(c[2:4]), nidNum(c[0:2])) || c[7] != '5' {
		return nidBadSum
	}
	check := 11 - nidWeighted(c[:12], []int{7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	if check == 11 {
		check = 0
	}
	if check != int(c[12]-'0') {
		return nidBadSum
	}
	return nidValid
}

// checkBGEGN validates an EGN: yymmdd (month plus 20 for the 1800s, plus 40 for the 2000s), serial
// and the check digit Σ digit·(2,4,8,5,10,9,7,3,6) mod 11 (10 becomes 0).
func checkBGEGN(_ string, c []byte) nidVerdict {
	if len(c) != 10 || !nidDigits(c) {
		return nidNone
	}
	year, m := 1900+nidNum(c[0:2]), nidNum(c[2:4])
	switch {
	case m > 40:
		year, m = year+100, m-40
	case m > 20:
		year, m = year-100, m-20
	}
	if !nidDate(year, m, nidNum(c[4:6])) {
		return nidBadSum
	}
	if nidWeighted(c[:9], []int{2, 4, 8, 5, 10, 9, 7, 3, 6})%11%10 != int(c[9]-'0') {
		return nidBadSum
	}
	return nidValid
}
