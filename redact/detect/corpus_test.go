package detect_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
)

var (
	corpusOut    = flag.String("corpus.out", "", "write the corpus predictions as score.py JSONL (spans form) to this file")
	corpusMisses = flag.Bool("corpus.misses", false, "log each missed entity and each touched hard negative (the corpus is synthetic)")
)

// corpusRow is one labelled message of pii-dev.jsonl.
type corpusRow struct {
	ID       string         `json:"id"`
	Lang     string         `json:"lang"`
	Text     string         `json:"text"`
	Entities []corpusEntity `json:"entities"`
}

type corpusEntity struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Value   string `json:"value"`
}

// recallFloors are the acceptance floors, in percent.
var recallFloors = map[string]float64{
	"EMAIL":         99,
	"IBAN":          99,
	"CREDIT_CARD":   99,
	"IP_ADDRESS":    99,
	"PHONE":         97,
	"PERSON":        90,
	"ADDRESS":       90,
	"DATE_OF_BIRTH": 95,
}

const (
	checksumIDFloor   = 99 // NATIONAL_ID subtypes with a check digit, together
	negUntouchedFloor = 98
)

// checksumSubtypes are the corpus's NATIONAL_ID subtypes that carry a check digit or letter
// (DK_CPR is only a date, GB_NINO only a format).
var checksumSubtypes = map[string]bool{
	"DE_TAX_ID": true, "AT_SVNR": true, "FR_NIR": true, "BE_NN": true, "IT_FISCAL_CODE": true,
	"ES_DNI": true, "ES_NIE": true, "NL_BSN": true, "PL_PESEL": true, "RO_CNP": true,
	"SE_PERSONNUMMER": true, "FI_HETU": true,
}

// TestCorpus scores the shipped detectors on the labelled development corpus with the metric of
// score.py (spans mode): an entity is caught when its value no longer appears in the redacted text
// and no run of 4 or more letters or digits of it survives in place.
//
//	go test ./redact/detect -run Corpus -v [-args -corpus.out /tmp/pred.jsonl -corpus.misses]
//	python3 ../shared/corpus/score.py ../shared/corpus/pii-dev.jsonl /tmp/pred.jsonl
func TestCorpus(t *testing.T) {
	path := corpusPath(t)
	rows := loadCorpus(t, path)
	s := detect.NewScanner(detect.Options{})

	var out *bufio.Writer
	if *corpusOut != "" {
		f, err := os.Create(*corpusOut)
		if err != nil {
			t.Fatalf("creating predictions file: %v", err)
		}
		defer f.Close()
		out = bufio.NewWriter(f)
		defer out.Flush()
	}

	var sc corpusScore
	sc.init()
	var fs []redact.Finding
	for _, row := range rows {
		fs = s.ScanWith(row.Text, redact.ScanOptions{}, fs[:0])
		sc.add(t, row, fs)
		if out != nil {
			writePrediction(t, out, row.ID, fs)
		}
	}
	t.Logf("corpus %s", path)
	t.Log("\n" + sc.report())
	sc.assertFloors(t)
}

// corpusPath returns $VEIL_CORPUS or <repo root>/../shared/corpus/pii-dev.jsonl, or skips.
func corpusPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("VEIL_CORPUS"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("VEIL_CORPUS=%s: %v", p, err)
		}
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("corpus not found: no go.mod above the test directory; set VEIL_CORPUS")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "corpus", "pii-dev.jsonl")
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		t.Skipf("corpus not found at %s; set VEIL_CORPUS to pii-dev.jsonl to run this test", p)
	}
	return p
}

func loadCorpus(t *testing.T, path string) []corpusRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("opening corpus: %v", err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r corpusRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("corpus line %d: %v", line, err)
		}
		for _, e := range r.Entities {
			if e.Start < 0 || e.End > len(r.Text) || r.Text[e.Start:e.End] != e.Value {
				t.Fatalf("corpus line %d (%s): entity offsets do not match its value", line, r.ID)
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading corpus: %v", err)
	}
	if len(rows) == 0 {
		t.Fatal("corpus is empty")
	}
	return rows
}

func writePrediction(t *testing.T, w *bufio.Writer, id string, fs []redact.Finding) {
	t.Helper()
	type span struct {
		Start int    `json:"start"`
		End   int    `json:"end"`
		Type  string `json:"type"`
	}
	spans := make([]span, 0, len(fs))
	for _, f := range fs {
		spans = append(spans, span{f.Start, f.End, f.Type.String()})
	}
	b, err := json.Marshal(struct {
		ID    string `json:"id"`
		Spans []span `json:"spans"`
	}{id, spans})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.WriteByte('\n')
}

// tally counts caught entities out of a total.
type tally struct{ hit, n int }

func (c tally) pct() float64 {
	if c.n == 0 {
		return 0
	}
	return 100 * float64(c.hit) / float64(c.n)
}

// corpusScore accumulates score.py's spans-mode measures.
type corpusScore struct {
	byType, bySubtype, byLang map[string]*tally
	checksumIDs, all          tally
	neg, negUntouched         int
	pos, leaked               int
	outChars, outLost         int
	regions, regionHits       int
}

func (sc *corpusScore) init() {
	sc.byType, sc.bySubtype, sc.byLang = map[string]*tally{}, map[string]*tally{}, map[string]*tally{}
}

func bump(m map[string]*tally, k string, hit bool) {
	c := m[k]
	if c == nil {
		c = &tally{}
		m[k] = c
	}
	c.n++
	if hit {
		c.hit++
	}
}

// add scores one message. Work is per character (rune), as score.py's is.
func (sc *corpusScore) add(t *testing.T, row corpusRow, fs []redact.Finding) {
	text := row.Text
	// Character index of each byte offset, rounding down (floor) as score.py's b2c_floor does.
	runes := []rune(text)
	starts := make([]int, 0, len(runes)+1)
	for i := range text {
		starts = append(starts, i)
	}
	starts = append(starts, len(text))
	floor := func(b int) int { return max(sort.SearchInts(starts, b+1)-1, 0) }
	ceil := func(b int) int { return min(sort.SearchInts(starts, b), len(starts)-1) }

	keep := make([]bool, len(runes))
	for i := range keep {
		keep[i] = true
	}
	var red strings.Builder
	last := 0
	for _, f := range fs { // Scanner output is sorted and disjoint
		s, e := floor(f.Start), ceil(f.End)
		for i := s; i < e && i < len(keep); i++ {
			keep[i] = false
		}
		red.WriteString(string(runes[last:s]))
		red.WriteString("[REDACTED]")
		last = e
	}
	red.WriteString(string(runes[last:]))
	redacted := red.String()

	inside := make([]bool, len(runes))
	type gspan struct{ s, e int }
	var gold []gspan
	leaked := false
	for _, ent := range row.Entities {
		s, e := floor(ent.Start), ceil(ent.End)
		gold = append(gold, gspan{s, e})
		for i := s; i < e; i++ {
			inside[i] = true
		}
		verbatim := strings.Contains(redacted, ent.Value)
		leaked = leaked || verbatim
		caught := !verbatim && survivingAlnumRun(runes, keep, s, e) < 4
		bump(sc.byType, ent.Type, caught)
		bump(sc.byLang, row.Lang, caught)
		sc.all.n++
		if caught {
			sc.all.hit++
		}
		if ent.Subtype != "" {
			bump(sc.bySubtype, ent.Subtype, caught)
			if checksumSubtypes[ent.Subtype] {
				sc.checksumIDs.n++
				if caught {
					sc.checksumIDs.hit++
				}
			}
		}
		if !caught && *corpusMisses {
			t.Logf("MISS %s %-13s %-15s %q in %q", row.ID, ent.Type, ent.Subtype, ent.Value, redact.Replace(text, fs, redact.Placeholder))
		}
	}
	if len(row.Entities) > 0 {
		sc.pos++
		if leaked {
			sc.leaked++
		}
	} else {
		sc.neg++
		if len(fs) == 0 {
			sc.negUntouched++
		} else if *corpusMisses {
			for _, f := range fs {
				t.Logf("FP   %s %-13s %-15s %q conf %.2f in %q", row.ID, f.Type, f.Subtype, text[f.Start:f.End], f.Confidence, text)
			}
		}
	}
	for i := range runes {
		if !inside[i] {
			sc.outChars++
			if !keep[i] {
				sc.outLost++
			}
		}
	}
	for i := 0; i < len(runes); {
		if keep[i] {
			i++
			continue
		}
		j := i
		for j < len(runes) && !keep[j] {
			j++
		}
		sc.regions++
		if slices.ContainsFunc(gold, func(g gspan) bool { return g.s < j && i < g.e }) {
			sc.regionHits++
		}
		i = j
	}
}

// survivingAlnumRun returns the longest run of kept letters and digits in runes[s:e]; removed
// characters break a run, kept punctuation does not (as in score.py).
func survivingAlnumRun(runes []rune, keep []bool, s, e int) int {
	best, cur := 0, 0
	for i := s; i < e && i < len(runes); i++ {
		if !keep[i] {
			cur = 0
			continue
		}
		if r := runes[i]; unicode.IsLetter(r) || unicode.IsNumber(r) {
			cur++
			best = max(best, cur)
		}
	}
	return best
}

func (sc *corpusScore) report() string {
	var b strings.Builder
	keys := func(m map[string]*tally) []string {
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	fmt.Fprintf(&b, "messages %d (with PII %d, hard negatives %d)\n\n", sc.pos+sc.neg, sc.pos, sc.neg)
	fmt.Fprintf(&b, "%-16s %7s %5s  %s\n", "type", "recall", "n", "floor")
	for _, k := range keys(sc.byType) {
		c := sc.byType[k]
		floor := "-"
		if f, ok := recallFloors[k]; ok {
			floor = fmt.Sprintf("%.0f%%", f)
		}
		fmt.Fprintf(&b, "%-16s %6.1f%% %5d  %s\n", k, c.pct(), c.n, floor)
	}
	fmt.Fprintf(&b, "%-16s %6.1f%% %5d\n\n", "OVERALL", sc.all.pct(), sc.all.n)
	fmt.Fprintf(&b, "%-16s %7s %5s  %s\n", "NATIONAL_ID", "recall", "n", "checksum")
	for _, k := range keys(sc.bySubtype) {
		c := sc.bySubtype[k]
		mark := "no"
		if checksumSubtypes[k] {
			mark = "yes"
		}
		fmt.Fprintf(&b, "%-16s %6.1f%% %5d  %s\n", k, c.pct(), c.n, mark)
	}
	fmt.Fprintf(&b, "%-16s %6.1f%% %5d  floor %d%%\n\n", "checksum ids", sc.checksumIDs.pct(), sc.checksumIDs.n, checksumIDFloor)
	b.WriteString("recall by language:")
	for _, k := range keys(sc.byLang) {
		fmt.Fprintf(&b, " %s %.1f%%", k, sc.byLang[k].pct())
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "hard negatives left unchanged   %6.1f%% (%d/%d, floor %d%%)\n",
		pctOf(sc.negUntouched, sc.neg), sc.negUntouched, sc.neg, negUntouchedFloor)
	fmt.Fprintf(&b, "leak rate (verbatim gold value) %6.1f%%\n", pctOf(sc.leaked, sc.pos))
	fmt.Fprintf(&b, "collateral (non-PII chars lost) %6.2f%%\n", pctOf(sc.outLost, sc.outChars))
	fmt.Fprintf(&b, "region precision                %6.1f%% (%d regions)\n", pctOf(sc.regionHits, sc.regions), sc.regions)
	return b.String()
}

func pctOf(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func (sc *corpusScore) assertFloors(t *testing.T) {
	t.Helper()
	types := make([]string, 0, len(recallFloors))
	for k := range recallFloors {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, k := range types {
		c := sc.byType[k]
		if c == nil {
			t.Errorf("%s: no gold entities in the corpus", k)
			continue
		}
		if c.pct() < recallFloors[k] {
			t.Errorf("%s recall %.1f%% (%d/%d) is below the %.0f%% floor", k, c.pct(), c.hit, c.n, recallFloors[k])
		}
	}
	if sc.checksumIDs.pct() < checksumIDFloor {
		t.Errorf("checksum NATIONAL_ID recall %.1f%% (%d/%d) is below the %d%% floor",
			sc.checksumIDs.pct(), sc.checksumIDs.hit, sc.checksumIDs.n, checksumIDFloor)
	}
	if p := pctOf(sc.negUntouched, sc.neg); p < negUntouchedFloor {
		t.Errorf("hard negatives left unchanged %.1f%% (%d/%d) is below the %d%% floor", p, sc.negUntouched, sc.neg, negUntouchedFloor)
	}
}

// FuzzDetectors runs every detector on arbitrary text and checks what each reports before the
// Scanner cleans it up: a known type, offsets inside Norm on character boundaries, a span no longer
// than MaxLen, a confidence in (0, 1]. It then checks the Scanner's output contract.
func FuzzDetectors(f *testing.F) {
	for _, s := range []string{
		"Mail anna.schmidt@example.de or call +49 30 1234567.",
		"IBAN DE44 5001 0517 5407 3249 31, card 4111 1111 1111 1111, IP 2001:db8::1",
		"Ich heiße Jürgen Müller, geb. am 14.03.1985, Hauptstraße 5, 10115 Berlin.",
		"PESEL 44051401359, Steuer-ID 36 574 261 809, NIR 1 84 12 76 451 089 46",
		"passport C01X00T47, Führerschein B072RRE2I55, VAT DE136695976",
		"ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ ４１１１ １１１１ １１１１ １１１１ \u200b\u00ad",
		"@@@@ ...... 12-12-12-12 +4+4+4 1:1:1:1 Anna Maria Anna Maria",
	} {
		f.Add(s)
	}
	ds := detect.All(detect.Options{})
	s := detect.NewScanner(detect.Options{})
	f.Fuzz(func(t *testing.T, text string) {
		x := redact.NewText(text)
		for _, d := range ds {
			allowed := redact.NewTypeSet(d.Types()...)
			for _, fd := range d.Detect(x, nil) {
				name := fmt.Sprintf("%T", d)
				if !allowed.Has(fd.Type) {
					t.Fatalf("%s reported type %v it does not declare", name, fd.Type)
				}
				if fd.Start < 0 || fd.End > len(x.Norm) || fd.End <= fd.Start {
					t.Fatalf("%s reported [%d,%d) outside Norm of %d bytes", name, fd.Start, fd.End, len(x.Norm))
				}
				if !utf8.RuneStart(x.Norm[fd.Start]) || fd.End < len(x.Norm) && !utf8.RuneStart(x.Norm[fd.End]) {
					t.Fatalf("%s reported [%d,%d), not on character boundaries of Norm", name, fd.Start, fd.End)
				}
				if fd.Len() > d.MaxLen() {
					t.Fatalf("%s reported %d bytes, more than its MaxLen %d", name, fd.Len(), d.MaxLen())
				}
				if !(fd.Confidence > 0 && fd.Confidence <= 1) {
					t.Fatalf("%s reported confidence %v", name, fd.Confidence)
				}
			}
		}
		fs := s.Scan(text)
		for i, fd := range fs {
			if fd.Start < 0 || fd.End > len(text) || fd.End <= fd.Start || i > 0 && fd.Start < fs[i-1].End {
				t.Fatalf("Scanner finding %d [%d,%d) out of range or order", i, fd.Start, fd.End)
			}
		}
		_ = redact.Replace(text, fs, redact.Placeholder)
	})
}
