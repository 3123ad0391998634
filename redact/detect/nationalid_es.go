package detect

// Spanish schemes: the DNI of citizens and the NIE of foreigners.

// esLetters maps the number mod 23 to the check letter of a DNI or NIE.
const esLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// checkESDNI validates a DNI: eight digits and the letter of their value mod 23.
func checkESDNI(_ string, c []byte) nidVerdict {
	if len(c) != 9 || !nidDigits(c[:8]) || c[8] < 'A' || c[8] > 'Z' {
		return nidNone
	}
	if esLetters[nidNum(c[:8])%23] != c[8] {
		return nidBadSum
	}
	return nidValid
}

// checkESNIE validates a NIE: X, Y or Z (read as 0, 1, 2), seven digits and the check letter.
func checkESNIE(_ string, c []byte) nidVerdict {
	if len(c) != 9 || c[0] < 'X' || c[0] > 'Z' || !nidDigits(c[1:8]) || c[8] < 'A' || c[8] > 'Z' {
		return nidNone
	}
	n := int(c[0]-'X')*10_000_000 + nidNum(c[1:8])
	if esLetters[n%23] != c[8] {
		return nidBadSum
	}
	return nidValid
}
