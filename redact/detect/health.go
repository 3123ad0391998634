package detect

import (
	"strings"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// Health flags mentions of health conditions and medication, a special category of personal data
// under GDPR Art. 9 ("I have diabetes", "ich nehme Sertralin 50 mg", "je suis sous insuline").
// Keywords alone cannot tell "my depression" from "a tropical depression", so findings carry a low
// confidence and a policy decides what to do with them. The span is the keyword, plus a dose that
// follows it ("Metformin 500 mg").
type Health struct{}

// NewHealth returns the HEALTH detector.
func NewHealth() *Health { return &Health{} }

// healthMaxLen covers the longest keyword with a dose after it.
const healthMaxLen = 64

const (
	healthConfCondition  = 0.45
	healthConfMedication = 0.4
)

// Types implements redact.Detector.
func (*Health) Types() []redact.Type { return []redact.Type{redact.Health} }

// MaxLen implements redact.Detector.
func (*Health) MaxLen() int { return healthMaxLen }

// healthStems are word beginnings of conditions in the supported languages; a token that starts with
// one of them (and is at least as long) is a mention: "diabet" covers diabetes, diabetic, Diabetiker,
// diabète, diabetico, diabético, diabetyk, diabetic.
var healthStems = newWordSet(
	// diabetes, asthma, cancer, tumours
	"diabet diabèt diabét cukrzy suikerziek zuckerkrank",
	"asthm asthme astm asma",
	"cancer cáncer cancro kanker nowotw tumor tumour tumeur tumore leukäm leukem leukaem leucém leucem",
	"lymphom lymphome linfom chłoniak limfom carcinom karzinom carcinoma białacz",
	"chemother chimiothér chimiother chemioter quimioter chimioter radiother strahlenther radiotera",
	// mental health
	"depressio depressiv depressie dépressio dépressi depresi depresj antidepress antidépress antidepres antydepres",
	"schizophr schizofr esquizofr bipolar bipolaire bipolare",
	"angststör panikatt anorexi anorex bulimi magersucht autis autyzm autism",
	"alzheimer demenz démence dementia demencia demenza dementie otępien",
	"parkinson epilep épilep epiless padaczk",
	// infections and chronic illness
	"hepatit hépatit epatit zapalenie tubercul tuberkul gruźlic",
	"sklerose sclérose sclerosi esclerosis sclerosis stwardnien",
	"hypertens hypertoni ipertens hipertens nadciśnien",
	"arthrit arthrose artrit reumat rheumat rhumat",
	"migräne migraine emicran migraña migren",
	"dialys dialis dializ transplant",
	// pregnancy
	"pregnan schwanger grossesse gravidanz zwanger ciąż însărcinat insarcinat",
	// medication
	"insulin insuline insulina insulină",
)

// healthWords are whole words: short names and abbreviations that would match too much as stems.
var healthWords = newWordSet(
	"hiv aids sida vih adhd tdah ptsd ptbs tspt ocd copd bpco epoc chemo",
	"krebs rak incinta enceinte embarazada embarazo",
	"crohn colitis zöliakie coeliac celiac celiachia celiaquía",
	"stroke schlaganfall avc ictus beroerte udar infarct infarkt infarto",
	"alcoholism alkoholismus alcoolisme alcolismo alcoholismo alcoholisme alkoholizm alcoolism",
	"addiction drogensucht alkoholsucht dipendenza adicción verslaving uzależnienie",
)

// medications are generic and brand names of common prescription drugs whose mention reveals a
// condition (antidepressants, antipsychotics, antiepileptics, HIV, diabetes, heart, opioids).
var medications = newWordSet(
	"metformin metformine metformina sertraline sertralin sertralina fluoxetine fluoxetin fluoxetina",
	"prozac zoloft citalopram escitalopram cipralex lexapro paroxetine paroxetin paroxetina",
	"venlafaxine venlafaxin venlafaxina duloxetine duloxetin duloxetina mirtazapine mirtazapin mirtazapina",
	"bupropion amitriptyline amitriptylin amitriptilina trazodone trazodon",
	"quetiapine quetiapin quetiapina seroquel olanzapine olanzapin olanzapina risperidone risperidon",
	"risperidona aripiprazole aripiprazol haloperidol clozapine clozapin",
	"methylphenidate methylphenidat metilfenidato ritalin ritaline adderall elvanse",
	"lamotrigine lamotrigin lamotrigina levetiracetam keppra valproate valproat carbamazepine carbamazepin",
	"truvada descovy biktarvy tenofovir emtricitabine dolutegravir antiretroviral antiretrovirale",
	"antirétroviral antiretrovirali antirretroviral",
	"ozempic wegovy semaglutide semaglutid mounjaro tirzepatide liraglutide victoza trulicity",
	"levothyroxine levothyroxin l-thyroxin levotiroxina euthyrox",
	"warfarin warfarine marcumar apixaban eliquis rivaroxaban xarelto clopidogrel",
	"methotrexate methotrexat metotrexato tamoxifen tamoxifène letrozole letrozol",
	"oxycodone oxycodon morphine morphin morfina tramadol codeine codein methadone methadon",
	"buprenorphine subutex diazepam valium lorazepam tavor alprazolam xanax zolpidem",
	"humira adalimumab prednisone prednisolone prednisolon cortisone",
	"salbutamol ventolin",
)

// doseUnits may follow a number after a medication ("50 mg", "10 IE").
var doseUnits = newWordSet("mg mcg µg μg g ml ie iu ui units unit einheiten unités unità unidades eenheden",
	"jednostek unități unitati tablet tablets tabletten comprimés compresse comprimidos tabletki")

// Detect implements redact.Detector. It visits the tokens marked for it (see marks.go): the words
// whose markEnds entry says they may be keywords, and those of four bytes or more that pass
// healthHead.
func (h *Health) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	if t.MarkBits(detectMarker)&markHealth == 0 {
		return dst
	}
	toks := t.Tokens
	next := 0
	for _, mk := range t.Marks(detectMarker) {
		i := int(mk.Tok)
		if mk.Bits&markHealth == 0 || i < next {
			continue
		}
		k := toks[i]
		w := tokLower(t, i)
		conf := 0.0
		switch {
		case medications.has(w):
			conf = healthConfMedication
		case healthWords.has(w):
			if (w == "aids" || w == "sida" || w == "vih") && k.Flags&redact.HasLower != 0 {
				continue // "this aids", "sida" in prose: only the upper-case abbreviation
			}
			conf = healthConfCondition
		case hasHealthStem(w):
			conf = healthConfCondition
		default:
			continue
		}
		end := healthDose(t, i)
		if toks[end].End-k.Start > healthMaxLen {
			if end = i; k.End-k.Start > healthMaxLen {
				continue
			}
		}
		dst = append(dst, redact.Finding{Type: redact.Health, Start: k.Start, End: toks[end].End, Confidence: conf})
		next = end + 1
	}
	return dst
}

// healthMay reports whether token k, whose lower-case text is w, may start with a stem. (The marks
// pass finds the keywords that are whole words in markEnds.)
func healthMay(k redact.Token, w string) bool {
	return k.Flags&redact.HasLetter != 0 && len(w) >= 4 && healthHead(w)
}

// healthHeads filters the tokens that may start with a stem: it holds the first four bytes of every
// stem, which rule out nearly every word of prose, where a filter on three let through a tenth of
// them ("can" of cancer, "tra" of transplant). The keywords that are whole words are left to
// markEnds, keyed on more of the word: with their heads here too, "descargar" passed for
// "descovy", "version" for "verslaving", "victor" for "victoza".
var healthHeads = func() (f [256]uint64) {
	for w := range healthStems.m {
		if len(w) < 4 {
			panic("detect: health stem shorter than four bytes: " + w)
		}
		i := head4Index(w)
		f[i>>6] |= 1 << (i & 63)
	}
	return f
}()

// head4Index hashes the first four bytes of w into a 16,384-bit filter.
func head4Index(w string) uint64 {
	k := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24
	return (k * 0x9E3779B97F4A7C15) >> 50
}

// healthHead reports whether w, at least four bytes long, may start with a stem.
func healthHead(w string) bool {
	i := head4Index(w)
	return healthHeads[i>>6]&(1<<(i&63)) != 0
}

// hasHealthStem reports whether the lower-case word w starts with one of healthStems: one map
// lookup on its first three bytes, then a prefix test per stem with that head.
func hasHealthStem(w string) bool {
	if len(w) < 3 {
		return false
	}
	for _, st := range healthStemsByHead[w[:3]] {
		if strings.HasPrefix(w, st) {
			return true
		}
	}
	return false
}

// healthStemsByHead groups healthStems by their first three bytes.
var healthStemsByHead = func() map[string][]string {
	m := make(map[string][]string)
	for st := range healthStems.m {
		if utf8.RuneCountInString(st) < 3 || len(st) > 14 {
			panic("detect: health stem outside 3 runes..14 bytes: " + st)
		}
		m[st[:3]] = append(m[st[:3]], st)
	}
	return m
}()

// healthDose extends a keyword at token i over a following dose ("500 mg", "500mg", "2,5 mg",
// "10 IE") and returns the last token.
func healthDose(t *redact.Text, i int) int {
	toks := t.Tokens
	j := i + 1
	if j >= len(toks) || gap(t, j) != " " || toks[j].Flags&redact.HasDigit == 0 {
		return i
	}
	// a decimal part: "2,5", "0.5"
	if toks[j].AllDigits() && j+1 < len(toks) && (gap(t, j+1) == "," || gap(t, j+1) == ".") &&
		toks[j+1].Flags&redact.HasDigit != 0 {
		j++
	}
	s := tokLower(t, j)
	d := 0
	for d < len(s) && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	switch {
	case d == 0:
		return i
	case d < len(s): // "500mg"
		if doseUnits.has(s[d:]) {
			return j
		}
		return i
	case j+1 < len(toks) && gap(t, j+1) == " " && doseUnits.has(tokLower(t, j+1)):
		return j + 1
	}
	return i
}

var _ redact.Detector = (*Health)(nil)
