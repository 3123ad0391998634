package detect

// Italian scheme: the codice fiscale of a person.

// itOdd is the value of a character in an odd (1-based) position: digits 0–9, then letters A–Z.
var itOdd = [36]int{
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
}

// itMonths are the month letters of a codice fiscale, January to December.
const itMonths = "ABCDEHLMPRST"

// itOmocodia are the letters that replace digits 0–9 when two people would get the same code.
const itOmocodia = "LMNPQRSTUV"

// checkITCF validates a codice fiscale: six letters (surname, name), two-digit year, month letter,
// day (plus 40 for women), a letter and three digits for the place of birth, and the check letter.
// Digits may be replaced by omocodia letters.
func checkITCF(_ string, c []byte) nidVerdict {
	if len(c) != 16 {
		return nidNone
	}
	var digit [16]int // the digit value of positions 6,7,9,10,12,13,14 after undoing omocodia
	for i, ch := range c {
		switch i {
		case 6, 7, 9, 10, 12, 13, 14:
			switch {
			case ch >= '0' && ch <= '9':
				digit[i] = int(ch - '0')
			default:
				k := itOmocode(ch)
				if k < 0 {
					return nidNone
				}
				digit[i] = k
			}
		default:
			if ch < 'A' || ch > 'Z' {
				return nidNone
			}
		}
	}
	if itOmocode(c[8]) < 0 && !itMonthLetter(c[8]) {
		return nidNone
	}
	if !itMonthLetter(c[8]) {
		return nidBadSum
	}
	day := digit[9]*10 + digit[10]
	if day > 40 {
		day -= 40
	}
	if day < 1 || day > 31 {
		return nidBadSum
	}
	sum := 0
	for i, ch := range c[:15] {
		v := int(ch - '0')
		if ch >= 'A' {
			v = int(ch-'A') + 10
		}
		if i%2 == 0 {
			sum += itOdd[v]
		} else if ch >= 'A' {
			sum += v - 10
		} else {
			sum += v
		}
	}
	if c[15] != byte('A'+sum%26) {
		return nidBadSum
	}
	return nidValid
}

func itOmocode(ch byte) int {
	for i := 0; i < len(itOmocodia); i++ {
		if itOmocodia[i] == ch {
			return i
		}
	}
	return -1
}

func itMonthLetter(ch byte) bool {
	for i := 0; i < len(itMonths); i++ {
		if itMonths[i] == ch {
			return true
		}
	}
	return false
}
