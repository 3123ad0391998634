package detect

// Portuguese scheme: NIF (número de identificação fiscal) of a person.

// checkPTNIF validates a NIF: first digit 1–3 (people), 45 (non-residents) or 5, 6, 8, 9 (entities),
// and the check digit 11 − (Σ digit·(9…2) mod 11), 10 and 11 becoming 0. One random 9-digit number
// in 11 passes, hence the context rule in the scheme table.
func checkPTNIF(_ string, c []byte) nidVerdict {
	if len(c) != 9 || !nidDigits(c) {
		return nidNone
	}
	switch c[0] {
	case '1', '2', '3', '5', '6', '8', '9':
	case '4':
		if c[1] != '5' {
			return nidBadSum
		}
	default:
		return nidBadSum
	}
	check := 11 - nidWeighted(c[:8], []int{9, 8, 7, 6, 5, 4, 3, 2})%11
	if check >= 10 {
		check = 0
	}
	if check != int(c[8]-'0') {
		return nidBadSum
	}
	return nidValid
}
