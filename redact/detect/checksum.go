package detect

// luhn reports whether the ASCII digit string d passes the Luhn (mod 10) check.
// It returns false for anything that is not all digits or shorter than two digits.
func luhn(d string) bool {
	if len(d) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		n := int(c - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// mod97 returns the ISO 7064 MOD 97-10 remainder of s, where letters count as 10..35
// (A=10 … Z=35, case-insensitive) and digits as themselves. ok is false for other characters.
func mod97(s string) (rem int, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		case c >= 'a' && c <= 'z':
			rem = (rem*100 + int(c-'a') + 10) % 97
		default:
			return 0, false
		}
	}
	return rem, true
}
