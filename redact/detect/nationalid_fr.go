package detect

// French scheme: the NIR (numéro de sécurité sociale).

// checkFRNIR validates a NIR: sex digit, birth year and month, department (2A/2B for Corsica),
// commune, order number and the key 97 − (first 13 digits mod 97).
func checkFRNIR(_ string, c []byte) nidVerdict {
	if len(c) != 15 {
		return nidNone
	}
	var n int64
	for i, ch := range c[:13] {
		d := int64(ch - '0')
		if ch < '0' || ch > '9' {
			// Corsica: 2A counts as 19, 2B as 18 (the number minus 1 or 2 million).
			if i != 6 || c[5] != '2' || (ch != 'A' && ch != 'B') {
				return nidNone
			}
			n = n - 2 + 1 // the department's tens digit becomes 1
			d = 9
			if ch == 'B' {
				d = 8
			}
			n = n*10 + d
			continue
		}
		n = n*10 + d
	}
	if !nidDigits(c[13:]) {
		return nidNone
	}
	switch c[0] {
	case '1', '2', '3', '4', '7', '8':
	default:
		return nidBadSum
	}
	m := nidNum(c[3:5])
	if !(m >= 1 && m <= 12 || m == 20 || m >= 30 && m <= 42 || m >= 50) {
		return nidBadSum
	}
	if key := nidNum(c[13:]); key < 1 || key > 97 || int64(key) != 97-n%97 {
		return nidBadSum
	}
	return nidValid
}
