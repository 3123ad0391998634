package detect

// vatCountry is one country's VAT number: the prefix, the body lengths and the validator, which
// returns nidNone for the wrong shape, nidBadSum for a wrong check digit and nidValid.
type vatCountry struct {
	code  string
	lens  uint32 // bit n set: a body of n characters
	check func(b []byte) nidVerdict
}

func (c *vatCountry) hasLen(n int) bool { return n < 32 && c.lens&(1<<n) != 0 }

func vatLens(ns ...int) uint32 {
	var m uint32
	for _, n := range ns {
		m |= 1 << n
	}
	return m
}

var vatCountries = []*vatCountry{
	{"AT", vatLens(9), vatAT},
	{"BE", vatLens(9, 10), vatBE},
	{"BG", vatLens(9, 10), vatBG},
	{"CY", vatLens(9), vatCY},
	{"CZ", vatLens(8, 9, 10), vatCZ},
	{"DE", vatLens(9), vatDE},
	{"DK", vatLens(8), vatDK},
	{"EE", vatLens(9), vatEE},
	{"EL", vatLens(9), vatEL},
	{"ES", vatLens(9), vatES},
	{"FI", vatLens(8), vatFI},
	{"FR", vatLens(11), vatFR},
	{"HR", vatLens(11), vatHR},
	{"HU", vatLens(8), vatHU},
	{"IE", vatLens(8, 9), vatIE},
	{"IT", vatLens(11), vatIT},
	{"LT", vatLens(9, 12), vatLT},
	{"LU", vatLens(8), vatLU},
	{"LV", vatLens(11), vatLV},
	{"MT", vatLens(8), vatMT},
	{"NL", vatLens(12), vatNL},
	{"PL", vatLens(10), vatPL},
	{"PT", vatLens(9), vatPT},
	{"RO", vatLens(6, 7, 8, 9, 10), vatRO},
	{"SE", vatLens(12), vatSE},
	{"SI", vatLens(8), vatSI},
	{"SK", vatLens(10), vatSK},
	{"GB", vatLens(9, 12), vatGB},
	{"XI", vatLens(9, 12), vatGB},
}

// vatByPrefix indexes vatCountries by their two prefix letters.
var vatByPrefix [26 * 26]*vatCountry

func init() {
	for _, c := range vatCountries {
		vatByPrefix[int(c.code[0]-'A')*26+int(c.code[1]-'A')] = c
	}
	// Greece's VAT prefix is EL, but GR is often written.
	vatByPrefix[int('G'-'A')*26+int('R'-'A')] = vatByPrefix[int('E'-'A')*26+int('L'-'A')]
}

// vatCountryOf returns the country of the upper-case prefix ab, or nil.
func vatCountryOf(a, b byte) *vatCountry { return vatByPrefix[int(a-'A')*26+int(b-'A')] }

// vatVerdict turns a checksum result into a verdict for a body of the right shape.
func vatVerdict(ok bool) nidVerdict {
	if ok {
		return nidValid
	}
	return nidBadSum
}

func vatAT(b []byte) nidVerdict {
	if b[0] != 'U' || !nidDigits(b[1:]) {
		return nidNone
	}
	d := b[1:]
	s := 0
	for i := 0; i < 7; i++ {
		x := int(d[i] - '0')
		if i%2 == 1 {
			x *= 2
			x = x/10 + x%10
		}
		s += x
	}
	return vatVerdict((10-(s+4)%10)%10 == int(d[7]-'0'))
}

func vatBE(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if len(b) == 9 {
		return vatVerdict(97-nidNum(b[:7])%97 == nidNum(b[7:]))
	}
	if b[0] != '0' && b[0] != '1' {
		return nidBadSum
	}
	return vatVerdict(97-nidNum(b[:8])%97 == nidNum(b[8:]))
}

func vatBG(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if len(b) == 9 {
		r := nidWeighted(b[:8], []int{1, 2, 3, 4, 5, 6, 7, 8}) % 11
		if r == 10 {
			r = nidWeighted(b[:8], []int{3, 4, 5, 6, 7, 8, 9, 10}) % 11 % 10
		}
		return vatVerdict(r == int(b[8]-'0'))
	}
	if checkBGEGN("", b) == nidValid {
		return nidValid
	}
	// Foreigners: weights 21,19,17,13,11,9,7,3,1 mod 10.
	if nidWeighted(b[:9], []int{21, 19, 17, 13, 11, 9, 7, 3, 1})%10 == int(b[9]-'0') {
		return nidValid
	}
	// Others: weights 4,3,2,7,6,5,4,3,2, check 11 − sum mod 11.
	r := 11 - nidWeighted(b[:9], []int{4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	if r == 11 {
		r = 0
	}
	return vatVerdict(r == int(b[9]-'0'))
}

var vatCYOdd = [10]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21}

func vatCY(b []byte) nidVerdict {
	if !nidDigits(b[:8]) || b[8] < 'A' || b[8] > 'Z' {
		return nidNone
	}
	if b[0] == '1' && b[1] == '2' {
		return nidBadSum
	}
	s := 0
	for i, c := range b[:8] {
		if i%2 == 0 {
			s += vatCYOdd[c-'0']
		} else {
			s += int(c - '0')
		}
	}
	return vatVerdict(b[8] == byte('A'+s%26))
}

func vatCZ(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if len(b) == 8 {
		if b[0] == '9' {
			return nidBadSum
		}
		c := (11 - nidWeighted(b[:7], []int{8, 7, 6, 5, 4, 3, 2})%11) % 11
		switch c {
		case 0:
			c = 1
		case 10:
			c = 0
		}
		return vatVerdict(c == int(b[7]-'0'))
	}
	switch checkCZRC("", b) {
	case nidValid, nidWeak:
		return nidValid
	}
	return nidBadSum
}

func vatDE(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(b[0] != '0' && nidMod1110(b[:8]) == int(b[8]-'0'))
}

func vatDK(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(b[0] != '0' && nidWeighted(b, []int{2, 7, 6, 5, 4, 3, 2, 1})%11 == 0)
}

func vatEE(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidWeighted(b, []int{3, 7, 1, 3, 7, 1, 3, 7, 1})%10 == 0)
}

func vatEL(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidWeighted(b[:8], []int{256, 128, 64, 32, 16, 8, 4, 2})%11%10 == int(b[8]-'0'))
}

// vatES validates a Spanish NIF: a DNI, a NIE, a DNI-like K/L/M number or a company CIF.
func vatES(b []byte) nidVerdict {
	switch c := b[0]; {
	case c >= '0' && c <= '9':
		return checkESDNI("", b)
	case c >= 'X' && c <= 'Z':
		return checkESNIE("", b)
	case c == 'K' || c == 'L' || c == 'M':
		if !nidDigits(b[1:8]) || b[8] < 'A' || b[8] > 'Z' {
			return nidNone
		}
		return vatVerdict(esLetters[nidNum(b[1:8])%23] == b[8])
	case c >= 'A' && c <= 'W':
		if !nidDigits(b[1:8]) {
			return nidNone
		}
		s := 0
		for i, d := range b[1:8] {
			x := int(d - '0')
			if i%2 == 0 {
				x *= 2
				x = x/10 + x%10
			}
			s += x
		}
		k := (10 - s%10) % 10
		return vatVerdict(b[8] == byte('0'+k) || b[8] == "JABCDEFGHI"[k])
	}
	return nidNone
}

func vatFI(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	r := nidWeighted(b[:7], []int{7, 9, 10, 5, 8, 4, 2}) % 11
	if r == 1 {
		return nidBadSum
	}
	c := 0
	if r != 0 {
		c = 11 - r
	}
	return vatVerdict(c == int(b[7]-'0'))
}

// vatFRAlphabet are the characters of a French VAT key (no I, no O).
const vatFRAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// vatFR validates a French TVA number: a two-character key and the 9-digit SIREN. A numeric key is
// (12 + 3 × (SIREN mod 97)) mod 97; new-style keys with letters follow the DGFiP formula.
func vatFR(b []byte) nidVerdict {
	if !nidDigits(b[2:]) {
		return nidNone
	}
	siren := nidNum(b[2:])
	if nidDigits(b[:2]) {
		return vatVerdict(nidNum(b[:2]) == (12+3*(siren%97))%97)
	}
	i0, i1 := indexVATFR(b[0]), indexVATFR(b[1])
	if i0 < 0 || i1 < 0 {
		return nidNone
	}
	var check int
	if i0 < 10 {
		check = i0*24 + i1 - 10
	} else {
		check = i0*34 + i1 - 100
	}
	return vatVerdict((siren+1+check/11)%11 == check%11)
}

func indexVATFR(c byte) int {
	for i := 0; i < len(vatFRAlphabet); i++ {
		if vatFRAlphabet[i] == c {
			return i
		}
	}
	return -1
}

func vatHR(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidMod1110(b[:10]) == int(b[10]-'0'))
}

func vatHU(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict((10-nidWeighted(b[:7], []int{9, 7, 3, 1, 9, 7, 3})%10)%10 == int(b[7]-'0'))
}

// vatIE validates an Irish VAT number: seven digits and a check letter (plus an optional A–I or W
// second letter), or the old style digit, letter/+/*, five digits, check letter.
func vatIE(b []byte) nidVerdict {
	if len(b) == 8 && b[0] >= '0' && b[0] <= '9' && !nidDigits(b[1:2]) && nidDigits(b[2:7]) {
		switch c := b[1]; {
		case c >= 'A' && c <= 'Z', c == '+', c == '*':
		default:
			return nidNone
		}
		if b[7] < 'A' || b[7] > 'Z' {
			return nidNone
		}
		var re [8]byte
		re[0] = '0'
		copy(re[1:6], b[2:7])
		re[6] = b[0]
		re[7] = b[7]
		return checkIEPPS("", re[:])
	}
	v := checkIEPPS("", b)
	if v == nidWeak {
		v = nidValid
	}
	return v
}

func vatIT(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidNum(b[:7]) != 0 && luhn(string(b)))
}

func vatLT(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if b[len(b)-2] != '1' {
		return nidBadSum
	}
	d := b[:len(b)-1]
	s := 0
	for i, c := range d {
		s += (1 + i%9) * int(c-'0')
	}
	r := s % 11
	if r == 10 {
		s = 0
		for i, c := range d {
			s += (1 + (i+2)%9) * int(c-'0')
		}
		r = s % 11
	}
	return vatVerdict(r%10 == int(b[len(b)-1]-'0'))
}

func vatLU(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidNum(b[:6])%89 == nidNum(b[6:]))
}

func vatLV(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if b[0] > '3' {
		return vatVerdict(nidWeighted(b, []int{9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1})%11 == 3)
	}
	if v := checkLVPK("", b); v != nidValid {
		return nidBadSum
	}
	return nidValid
}

func vatMT(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(b[0] != '0' && nidWeighted(b, []int{3, 4, 6, 7, 8, 9, 10, 1})%37 == 0)
}

// vatNL validates a Dutch btw-id: nine digits, B, two digits; the nine digits pass the 11-proof
// (older numbers) or "NL" + number passes ISO 7064 MOD 97-10 (numbers since 2020).
func vatNL(b []byte) nidVerdict {
	if !nidDigits(b[:9]) || b[9] != 'B' || !nidDigits(b[10:]) {
		return nidNone
	}
	if checkNLBSN("", b[:9]) == nidValid {
		return nidValid
	}
	rem, _ := mod97("NL" + string(b))
	return vatVerdict(rem == 1)
}

func vatPL(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(nidWeighted(b[:9], []int{6, 5, 7, 2, 3, 4, 5, 6, 7})%11 == int(b[9]-'0'))
}

func vatPT(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return checkPTNIF("", b)
}

func vatRO(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if b[0] == '0' {
		return nidBadSum
	}
	w := []int{7, 5, 3, 2, 1, 7, 5, 3, 2}
	n := len(b) - 1
	s := nidWeighted(b[:n], w[len(w)-n:])
	return vatVerdict(s*10%11%10 == int(b[n]-'0'))
}

func vatSE(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	return vatVerdict(luhn(string(b[:10])) && nidNum(b[10:]) >= 1 && nidNum(b[10:]) <= 94)
}

func vatSI(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	if b[0] == '0' {
		return nidBadSum
	}
	c := 11 - nidWeighted(b[:7], []int{8, 7, 6, 5, 4, 3, 2})%11
	if c == 10 {
		c = 0
	}
	return vatVerdict(c == int(b[7]-'0'))
}

func vatSK(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	switch b[2] {
	case '2', '3', '4', '7', '8', '9':
	default:
		return nidBadSum
	}
	return vatVerdict(b[0] != '0' && nidNum(b)%11 == 0)
}

// vatGB validates a UK VAT number: Σ digit·(8…2) + the last two digits ≡ 0 or 55 (mod 97),
// optionally followed by a 3-digit branch.
func vatGB(b []byte) nidVerdict {
	if !nidDigits(b) {
		return nidNone
	}
	s := nidWeighted(b[:7], []int{8, 7, 6, 5, 4, 3, 2}) + nidNum(b[7:9])
	return vatVerdict(s%97 == 0 || (s+55)%97 == 0)
}
