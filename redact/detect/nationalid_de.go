package detect

import "strings"

// German schemes: the Steuer-Identifikationsnummer and the Personalausweis serial number.

// checkDETaxID validates a Steuer-IdNr: 11 digits, no leading zero, in the first ten exactly one
// digit repeated two or three times (three never in a row), ISO 7064 MOD 11,10 check digit.
func checkDETaxID(_ string, c []byte) nidVerdict {
	if len(c) != 11 || !nidDigits(c) || c[0] == '0' {
		return nidNone
	}
	var count [10]int
	for _, d := range c[:10] {
		count[d-'0']++
	}
	repeated := 0
	for d, n := range count {
		switch {
		case n == 2:
			repeated++
		case n == 3:
			repeated++
			for i := 0; i+2 < 10; i++ {
				if int(c[i]-'0') == d && c[i+1] == c[i] && c[i+2] == c[i] {
					return nidBadSum
				}
			}
		case n > 3:
			return nidBadSum
		}
	}
	if repeated != 1 || nidMod1110(c[:10]) != int(c[10]-'0') {
		return nidBadSum
	}
	return nidValid
}

// nidMod1110 returns the ISO 7064 MOD 11,10 check digit of the digits d. Each digit is one lookup
// in mod1110Next: the arithmetic, a chain of two remainders and a branch per digit, cost a
// twentieth of NationalID on text full of eleven-digit numbers.
func nidMod1110(d []byte) int {
	p := uint8(10)
	for _, c := range d {
		p = mod1110Next[p][(c-'0')%10]
	}
	return (11 - int(p)) % 10
}

// mod1110Next[p][d] is the MOD 11,10 product after digit d when the product before it is p (1–10).
var mod1110Next = func() (t [11][10]uint8) {
	for p := 1; p <= 10; p++ {
		for d := range 10 {
			s := (d + p) % 10
			if s == 0 {
				s = 10
			}
			t[p][d] = uint8(2 * s % 11)
		}
	}
	return t
}()

// deIDCardChars are the characters of a Personalausweis serial (no vowels, no B, D, Q, S).
const deIDCardChars = "0123456789CFGHJKLMNPRTVWXYZ"

// checkDEIDCard validates a Personalausweis serial: nine characters of the allowed set and a 7-3-1
// check digit. An all-digit serial (the pre-2010 card) is as common as any 10-digit number, so it
// needs context; a nine-character serial has no check digit at all.
func checkDEIDCard(raw string, c []byte) nidVerdict {
	if (len(c) != 10 && len(c) != 9) || !nidUpper(raw) {
		return nidNone
	}
	letters := 0
	sum := 0
	for i, ch := range c[:9] {
		v := 0
		switch {
		case ch >= '0' && ch <= '9':
			v = int(ch - '0')
		case strings.IndexByte(deIDCardChars, ch) >= 0:
			v = int(ch-'A') + 10
			letters++
		default:
			return nidNone
		}
		sum += v * [3]int{7, 3, 1}[i%3]
	}
	if letters == 0 && len(c) == 9 || c[0] >= '0' && c[0] <= '9' && letters > 0 {
		return nidNone
	}
	if len(c) == 9 {
		return nidBadSum
	}
	if c[9] < '0' || c[9] > '9' || sum%10 != int(c[9]-'0') {
		return nidBadSum
	}
	if letters == 0 {
		return nidWeak
	}
	return nidValid
}
