package detect

// Benelux schemes: the Dutch burgerservicenummer and the Belgian rijksregisternummer.

// checkNLBSN validates a BSN with the 11-proof: Σ digit·(9…2) − last digit ≡ 0 (mod 11).
// One random 9-digit number in 11 passes, hence the context rule in the scheme table.
func checkNLBSN(_ string, c []byte) nidVerdict {
	if len(c) != 9 || !nidDigits(c) {
		return nidNone
	}
	sum := nidWeighted(c[:8], []int{9, 8, 7, 6, 5, 4, 3, 2}) - int(c[8]-'0')
	if sum == 0 || sum%11 != 0 {
		return nidBadSum
	}
	return nidValid
}

// checkBENN validates a rijksregisternummer / numéro national: yymmdd (month plus 20 or 40 for
// BIS numbers, zero month or day when unknown), a 3-digit counter and 97 − (first 9 digits mod
// 97), computed with a leading 2 for people born from 2000 on.
func checkBENN(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	yy, m, d := nidNum(c[0:2]), nidNum(c[2:4]), nidNum(c[4:6])
	if m >= 40 {
		m -= 40
	} else if m >= 20 {
		m -= 20
	}
	if m > 12 || d > 31 {
		return nidBadSum
	}
	n := nidNum(c[:9])
	key := nidNum(c[9:])
	var year int
	switch {
	case 97-n%97 == key:
		year = 1900 + yy
	case 97-(2_000_000_000+n)%97 == key:
		year = 2000 + yy
	default:
		return nidBadSum
	}
	if m > 0 && d > 0 && !nidDate(year, m, d) {
		return nidBadSum
	}
	return nidValid
}
