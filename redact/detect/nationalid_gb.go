package detect

// British scheme: National Insurance number.

// checkGBNINO validates a National Insurance number by HMRC's format rules (there is no check
// digit): two prefix letters (first not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; not BG,
// GB, KN, NK, NT, TN, ZZ), six digits and a suffix A–D. QQ, which HMRC reserves for examples and
// which forms and demo data use, is accepted too. Lower-case letters are not: a NINO is written in
// capitals, and mixed-case codes of this shape are mostly product or booking references.
func checkGBNINO(raw string, c []byte) nidVerdict {
	if len(c) != 9 || !nidDigits(c[2:8]) || !nidUpper(raw) {
		return nidNone
	}
	a, b, s := c[0], c[1], c[8]
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || s < 'A' || s > 'D' {
		return nidNone
	}
	prefix := string(c[:2])
	if prefix == "QQ" {
		return nidValid
	}
	switch a {
	case 'D', 'F', 'I', 'Q', 'U', 'V':
		return nidBadSum
	}
	switch b {
	case 'D', 'F', 'I', 'O', 'Q', 'U', 'V':
		return nidBadSum
	}
	switch prefix {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return nidBadSum
	}
	return nidValid
}
