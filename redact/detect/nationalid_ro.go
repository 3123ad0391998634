package detect

// Romanian scheme: CNP (cod numeric personal).

// checkROCNP validates a CNP: sex/century digit, yymmdd, county code (01–52, 70), serial and a check
// digit with weights 2,7,9,1,4,6,3,5,8,2,7,9 mod 11 (10 becomes 1).
func checkROCNP(_ string, c []byte) nidVerdict {
	if len(c) != 13 || !nidDigits(c) || c[0] == '0' {
		return nidNone
	}
	year := nidNum(c[1:3])
	switch c[0] {
	case '1', '2', '7', '8', '9':
		year += 1900
	case '3', '4':
		year += 1800
	case '5', '6':
		year += 2000
	}
	if !nidDate(year, nidNum(c[3:5]), nidNum(c[5:7])) {
		return nidBadSum
	}
	if county := nidNum(c[7:9]); county < 1 || county > 52 && county != 70 {
		return nidBadSum
	}
	check := nidWeighted(c[:12], []int{2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}) % 11
	if check == 10 {
		check = 1
	}
	if check != int(c[12]-'0') {
		return nidBadSum
	}
	return nidValid
}
