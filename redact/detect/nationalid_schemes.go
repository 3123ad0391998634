package detect

// nidVerdict is what a scheme's validator says about a candidate.
type nidVerdict uint8

const (
	nidNone   nidVerdict = iota // not this scheme's shape
	nidBadSum                   // the scheme's shape, but the checksum or embedded date is wrong
	nidWeak                     // valid, but too likely by chance to report without a context word
	nidValid                    // valid
)

// nidScheme is one national-id scheme: its Finding subtype, the context words that name it
// (lower-case, any language), its accepted spellings and its validator.
type nidScheme struct {
	sub   string
	words []string
	// spellings: '#' a letter or digit, '_' any of " .-/", other bytes literal. needCtx marks a
	// spelling that is reported only next to a context word.
	spellings []nidSpelling
	// check validates raw (the candidate as written) and c (its letters upper-cased and digits).
	check func(raw string, c []byte) nidVerdict
	conf  float64  // confidence of a valid number without context
	class nidClass // the scheme's bit among the context-word classes, set by init
}

type nidSpelling struct {
	pat     string
	needCtx bool
}

// nidPattern is one spelling indexed by length.
type nidPattern struct {
	pat     string
	needCtx bool
	s       *nidScheme
	shape   nidShape
	// after is the highest confidence that a later pattern of the same length can give: once a
	// candidate has that much, nidJudge stops (a later pattern wins only with more).
	after float64
}

// nidMaxPat is the longest spelling ("1 84 12 76 451 089 46"); init checks the table against it.
const nidMaxPat = 21

// nidByLen indexes the spellings by length, in scheme order (the earlier scheme wins a tie).
var nidByLen [nidMaxPat + 1][]*nidPattern

func init() {
	for _, s := range nidSchemes {
		for _, sp := range s.spellings {
			if len(sp.pat) > nidMaxPat {
				panic("detect: national-id spelling longer than nidMaxPat: " + sp.pat)
			}
			p := &nidPattern{pat: sp.pat, needCtx: sp.needCtx, s: s, shape: newNIDShape(sp.pat)}
			nidByLen[len(sp.pat)] = append(nidByLen[len(sp.pat)], p)
		}
	}
	nidNeed = nidNeedOf(&nidByLen)
	for _, ps := range nidByLen {
		if len(ps) > 32 {
			panic("detect: more national-id spellings of one length than nidJudge's bit set holds")
		}
		after := 0.0
		for k := len(ps) - 1; k >= 0; k-- {
			ps[k].after = after
			after = max(after, ps[k].maxConf())
		}
	}
}

func sp(pat string) nidSpelling    { return nidSpelling{pat: pat} }
func spCtx(pat string) nidSpelling { return nidSpelling{pat: pat, needCtx: true} }

// nidSchemes lists the schemes, strongest structure first.
//
// Trade-off for weak checksums: a 1-in-10 or 1-in-11 check digit alone (NL_BSN, PT_NIF, HR_OIB)
// passes one random number in ten, and 9–11 digit order, invoice and serial numbers are common in
// chats. Such schemes are reported compact only next to a context word; their typical grouped
// spelling (NL "1112.22.333") counts as evidence on its own. DE_TAX_ID also needs its
// digit-repetition rule, which together with the check digit leaves about 1 random number in 260,
// so it is reported compact. Schemes with an embedded birth date and a check digit pass well
// under 1 in 200 random numbers; those above that (PESEL with its five centuries, CZ/SK 10-digit
// birth numbers, BG EGN, GR AMKA, SE without its separator) are limited to plausible centuries
// or need context.
var nidSchemes = []*nidScheme{
	{sub: "FR_NIR", words: wordsFRNIR, check: checkFRNIR, conf: nidConfValid + 0.02, spellings: []nidSpelling{
		sp("###############"), sp("#_##_##_##_###_###_##"), sp("#############_##"),
	}},
	{sub: "IT_FISCAL_CODE", words: wordsITCF, check: checkITCF, conf: nidConfValid + 0.02, spellings: []nidSpelling{
		sp("################"), sp("###_###_#####_#####"),
	}},
	{sub: "ES_DNI", words: wordsESDNI, check: checkESDNI, conf: nidConfValid, spellings: []nidSpelling{
		sp("#########"), sp("########_#"), sp("##.###.###_#"),
	}},
	{sub: "ES_NIE", words: wordsESNIE, check: checkESNIE, conf: nidConfValid, spellings: []nidSpelling{
		sp("#########"), sp("#_#######_#"), sp("########_#"), sp("#_########"),
	}},
	{sub: "GB_NINO", words: wordsGBNINO, check: checkGBNINO, conf: 0.9, spellings: []nidSpelling{
		sp("#########"), sp("##_##_##_##_#"), sp("########_#"), sp("##_######_#"),
	}},
	{sub: "IE_PPS", words: wordsIEPPS, check: checkIEPPS, conf: 0.9, spellings: []nidSpelling{
		sp("########"), sp("#########"), sp("#######_#"), sp("#######_##"),
	}},
	{sub: "FI_HETU", words: wordsFIHETU, check: checkFIHETU, conf: nidConfValid + 0.02, spellings: []nidSpelling{
		sp("###########"), sp("######-####"), sp("######+####"),
	}},
	{sub: "SE_PERSONNUMMER", words: wordsSEPNR, check: checkSEPNR, conf: nidConfValid, spellings: []nidSpelling{
		sp("######-####"), sp("######+####"), sp("########-####"), sp("############"), spCtx("##########"),
	}},
	{sub: "RO_CNP", words: wordsROCNP, check: checkROCNP, conf: nidConfValid, spellings: []nidSpelling{
		sp("#############"),
	}},
	{sub: "SI_EMSO", words: wordsSIEMSO, check: checkSIEMSO, conf: nidConfValid, spellings: []nidSpelling{
		sp("#############"),
	}},
	{sub: "BE_NN", words: wordsBENN, check: checkBENN, conf: nidConfValid, spellings: []nidSpelling{
		sp("###########"), sp("##_##_##_###_##"), sp("######_###_##"),
	}},
	{sub: "PL_PESEL", words: wordsPLPESEL, check: checkPLPESEL, conf: nidConfValid, spellings: []nidSpelling{
		sp("###########"),
	}},
	{sub: "DE_TAX_ID", words: wordsDETaxID, check: checkDETaxID, conf: nidConfValid, spellings: []nidSpelling{
		sp("###########"), sp("##_###_###_###"),
	}},
	{sub: "EE_ISIKUKOOD", words: wordsEEIK, check: checkBalticIK, conf: nidConfValid, spellings: []nidSpelling{
		sp("###########"),
	}},
	{sub: "LT_ASMENS_KODAS", words: wordsLTAK, check: checkBalticIK, conf: nidConfValid, spellings: []nidSpelling{
		spCtx("###########"),
	}},
	{sub: "AT_SVNR", words: wordsATSVNR, check: checkATSVNR, conf: nidConfValid, spellings: []nidSpelling{
		sp("##########"), sp("####_######"), sp("####_##_##_##"),
	}},
	{sub: "DE_ID_CARD", words: wordsDEIDCard, check: checkDEIDCard, conf: nidConfValid, spellings: []nidSpelling{
		sp("##########"), spCtx("#########"),
	}},
	{sub: "LV_PERSONAS_KODS", words: wordsLVPK, check: checkLVPK, conf: nidConfValid, spellings: []nidSpelling{
		sp("######-#####"), spCtx("###########"),
	}},
	{sub: "CZ_SK_BIRTH_NUMBER", words: wordsCZRC, check: checkCZRC, conf: nidConfValid, spellings: []nidSpelling{
		sp("######/####"), spCtx("######/###"), spCtx("##########"), spCtx("#########"),
	}},
	{sub: "GR_AMKA", words: wordsGRAMKA, check: checkGRAMKA, conf: nidConfValid, spellings: []nidSpelling{
		spCtx("###########"),
	}},
	{sub: "BG_EGN", words: wordsBGEGN, check: checkBGEGN, conf: nidConfValid, spellings: []nidSpelling{
		spCtx("##########"),
	}},
	{sub: "HR_OIB", words: wordsHROIB, check: checkHROIB, conf: nidConfValid, spellings: []nidSpelling{
		spCtx("###########"),
	}},
	{sub: "NL_BSN", words: wordsNLBSN, check: checkNLBSN, conf: nidConfValid, spellings: []nidSpelling{
		sp("####_##_###"), spCtx("#########"), spCtx("###_###_###"),
	}},
	{sub: "PT_NIF", words: wordsPTNIF, check: checkPTNIF, conf: nidConfValid, spellings: []nidSpelling{
		spCtx("#########"), spCtx("###_###_###"),
	}},
	// DK_CPR has had no check digit since 2007: a ddmmyy-nnnn date is reported at low confidence
	// on its own and with full confidence next to a context word.
	{sub: "DK_CPR", words: wordsDKCPR, check: checkDKCPR, conf: 0.5, spellings: []nidSpelling{
		sp("######-####"), spCtx("##########"),
	}},
}
