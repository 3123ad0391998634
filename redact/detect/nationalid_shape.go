package detect

// A spelling pattern of a national id, checked against a candidate with two mask tests instead of
// a loop over its bytes: a candidate's bytes are classified once (letter or digit, separator), and
// every pattern of its length is then a few word operations. Candidates are tried against up to 21
// patterns of one length (nidByLen), most of them the same "###########".

// nidShape is a pattern as masks over its positions (bit i for byte i; patterns are at most
// nidMaxPat bytes long).
type nidShape struct {
	alnum uint32 // '#': a letter or digit
	sep   uint32 // '_': one of " .-/"
	lits  []nidLit
}

// nidLit is a byte the pattern spells literally at a position.
type nidLit struct {
	pos int
	c   byte
}

// nidClasses are the masks of a candidate's letters and digits and of its separators.
type nidClasses struct {
	alnum, sep uint32
}

func newNIDShape(pat string) nidShape {
	var sh nidShape
	for i := 0; i < len(pat); i++ {
		switch pat[i] {
		case '#':
			sh.alnum |= 1 << i
		case '_':
			sh.sep |= 1 << i
		default:
			sh.lits = append(sh.lits, nidLit{i, pat[i]})
		}
	}
	return sh
}

// addToken adds an ASCII token (letters and digits only) at offsets [from, to) of the candidate.
func (c *nidClasses) addToken(from, to int) {
	c.alnum |= (1<<to - 1) &^ (1<<from - 1)
}

// addSep adds the separator b found at offset pos of the candidate.
func (c *nidClasses) addSep(b byte, pos int) {
	if b == ' ' || b == '.' || b == '-' || b == '/' {
		c.sep |= 1 << pos
	}
}

// match reports whether raw (of the pattern's length, with classes c) has the shape of the
// pattern: '#' is a letter or digit, '_' any of " .-/", other bytes stand for themselves.
func (sh *nidShape) match(c nidClasses, raw string) bool {
	if c.alnum&sh.alnum != sh.alnum || c.sep&sh.sep != sh.sep {
		return false
	}
	for _, l := range sh.lits {
		if raw[l.pos] != l.c {
			return false
		}
	}
	return true
}

// nidNeed holds, per length, the classes that every pattern of that length requires (the
// intersection of their masks; all bits where there is no pattern). NationalID tests a run
// against it before anything else: most runs of PII-dense text (dates, card numbers and IBANs in
// groups, phone numbers) match no pattern of their length, and one test passes them over instead
// of nidFreeAfter and the loop over up to 21 patterns in nidJudge.
var nidNeed [nidMaxPat + 1]nidClasses

// nidNeedOf returns the classes each length's patterns all require.
func nidNeedOf(byLen *[nidMaxPat + 1][]*nidPattern) (need [nidMaxPat + 1]nidClasses) {
	for n, ps := range byLen {
		need[n] = nidClasses{alnum: ^uint32(0), sep: ^uint32(0)}
		for _, p := range ps {
			need[n].alnum &= p.shape.alnum
			need[n].sep &= p.shape.sep
		}
	}
	return need
}

// nidMayMatch reports whether a run of n bytes with classes c may match one of the patterns of its
// length: it has the classes they all require.
func nidMayMatch(c nidClasses, n int) bool {
	need := nidNeed[n]
	return c.alnum&need.alnum == need.alnum && c.sep&need.sep == need.sep
}
