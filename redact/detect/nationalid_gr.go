package detect

// Greek scheme: AMKA (social security number).

// checkGRAMKA validates an AMKA: the birth date ddmmyy, five digits, Luhn over all eleven. One
// random 11-digit number in about 270 passes, and 11-digit numbers are common, so the scheme table
// asks for context.
func checkGRAMKA(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) {
		return nidNone
	}
	if !nidDateAnyCentury(nidNum(c[4:6]), nidNum(c[2:4]), nidNum(c[0:2])) {
		return nidBadSum
	}
	if !luhn(string(c)) {
		return nidBadSum
	}
	return nidValid
}
