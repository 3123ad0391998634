package detect

// Nordic schemes: Swedish personnummer, Danish CPR number and Finnish henkilötunnus.

// checkSEPNR validates a personnummer: [cc]yymmdd, '-' (or '+' from age 100), three digits and a
// Luhn check digit over the ten digits. A day plus 60 is a samordningsnummer.
func checkSEPNR(raw string, c []byte) nidVerdict {
	if !nidDigits(c) {
		return nidNone
	}
	year := -1
	switch len(c) {
	case 10:
	case 12:
		cc := nidNum(c[:2])
		if cc < 18 || cc > 20 {
			return nidBadSum
		}
		year = cc*100 + nidNum(c[2:4])
		c = c[2:]
	default:
		return nidNone
	}
	m, d := nidNum(c[2:4]), nidNum(c[4:6])
	if d > 60 {
		d -= 60
	}
	ok := false
	if year >= 0 {
		ok = nidDate(year, m, d)
	} else {
		ok = nidDateAnyCentury(nidNum(c[:2]), m, d)
	}
	if !ok || !luhn(string(c)) {
		return nidBadSum
	}
	return nidValid
}

// checkDKCPR validates a CPR number's date: ddmmyy, the seventh digit fixing the century. There
// is no check digit since 2007, so a valid date is all that can be checked.
func checkDKCPR(_ string, c []byte) nidVerdict {
	if len(c) != 10 || !nidDigits(c) {
		return nidNone
	}
	yy := nidNum(c[4:6])
	year := 1900 + yy
	switch s := c[6]; {
	case s == '4' || s == '9':
		if yy <= 36 {
			year = 2000 + yy
		}
	case s >= '5' && s <= '8':
		if yy <= 57 {
			year = 2000 + yy
		} else {
			year = 1800 + yy
		}
	}
	if !nidDate(year, nidNum(c[2:4]), nidNum(c[0:2])) {
		return nidBadSum
	}
	return nidValid
}

// fiCheckChars maps ddmmyynnn mod 31 to the check character of a henkilötunnus.
const fiCheckChars = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// checkFIHETU validates a henkilötunnus: ddmmyy, the century sign ('+' 1800s; '-', U–Y 1900s;
// A–F 2000s), an individual number 002–999 and the check character of ddmmyynnn mod 31.
func checkFIHETU(raw string, c []byte) nidVerdict {
	if len(raw) != 11 {
		return nidNone
	}
	sign := raw[6]
	var century int
	switch {
	case sign == '+':
		century = 1800
	case sign == '-' || sign >= 'U' && sign <= 'Y':
		century = 1900
	case sign >= 'A' && sign <= 'F':
		century = 2000
	default:
		return nidNone
	}
	digits := fiDigits(raw)
	if !nidDigits(digits[:]) {
		return nidNone
	}
	check := raw[10]
	if check >= 'a' && check <= 'z' {
		check -= 'a' - 'A'
	}
	if !nidDate(century+nidNum(digits[4:6]), nidNum(digits[2:4]), nidNum(digits[0:2])) ||
		nidNum(digits[6:9]) < 2 || fiCheckChars[nidNum(digits[:])%31] != check {
		return nidBadSum
	}
	return nidValid
}

// fiDigits returns ddmmyy and nnn of a henkilötunnus, skipping the century sign.
func fiDigits(raw string) [9]byte {
	var b [9]byte
	copy(b[:6], raw[:6])
	copy(b[6:], raw[7:10])
	return b
}
