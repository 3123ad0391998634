package detect

// Baltic schemes: Estonian isikukood and Lithuanian asmens kodas (same format), Latvian personas kods.

// checkBalticIK validates an Estonian or Lithuanian personal code: a sex/century digit (3–6 for
// people born 1900–2099), yymmdd, a serial and a two-pass weighted mod-11 check digit.
func checkBalticIK(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	g := c[0]
	if g < '3' || g > '6' {
		return nidBadSum
	}
	year := 1900 + nidNum(c[1:3])
	if g >= '5' {
		year += 100
	}
	if !nidDate(year, nidNum(c[3:5]), nidNum(c[5:7])) {
		return nidBadSum
	}
	check := nidWeighted(c[:10], []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 1}) % 11
	if check == 10 {
		check = nidWeighted(c[:10], []int{3, 4, 5, 6, 7, 8, 9, 1, 2, 3}) % 11 % 10
	}
	if check != int(c[10]-'0') {
		return nidBadSum
	}
	return nidValid
}

// checkLVPK validates a Latvian personal code: ddmmyy, a century digit (0 1800s, 1 1900s,
// 2 2000s), a serial and the check digit (1 − Σ digit·(1,6,3,7,9,10,5,8,4,2)) mod 11 mod 10.
// Codes issued since July 2017 start with 32 and carry neither date nor check digit: weak.
func checkLVPK(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	if c[0] == '3' && c[1] == '2' {
		return nidWeak
	}
	if c[6] > '2' {
		return nidBadSum
	}
	year := 1800 + 100*int(c[6]-'0') + nidNum(c[4:6])
	if !nidDate(year, nidNum(c[2:4]), nidNum(c[0:2])) {
		return nidBadSum
	}
	sum := nidWeighted(c[:10], []int{1, 6, 3, 7, 9, 10, 5, 8, 4, 2})
	if ((1-sum)%11+11)%11%10 != int(c[10]-'0') {
		return nidBadSum
	}
	return nidValid
}
