//go:build unix

package detect_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
)

var (
	goldenUpdate = flag.Bool("update", false, "rewrite testdata/golden.txt from the current detectors")
	goldenDump   = flag.String("golden.dump", "", "also write every finding behind the golden hashes to this file (to diff two trees)")
)

// goldenBlock is how many inputs share one hash in testdata/golden.txt: small enough to point at the
// inputs that changed, large enough to keep the file short.
const goldenBlock = 32

// TestGolden pins every detector's raw findings (type, subtype, span, confidence, matched text) and
// the Scanner's output on the development and held-out corpora, their lower-case, upper-case and
// concatenated variants, the benchmark texts and the adversarial inputs, as one SHA-256 per block of
// inputs. A speed change must leave it unchanged; a deliberate change in what is found regenerates it:
//
//	go test ./redact/detect -run Golden -update
//	go test ./redact/detect -run Golden -args -golden.dump /tmp/after.txt   # to diff two trees
//
// The development corpus lives outside the repository; without it its blocks are not checked.
func TestGolden(t *testing.T) {
	sections := goldenSections(t)
	got := map[string]string{}
	var order []string
	var dump io.Writer = io.Discard
	if *goldenDump != "" {
		f, err := os.Create(*goldenDump)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		defer func() {
			if err := w.Flush(); err != nil {
				t.Error(err)
			}
			f.Close()
		}()
		dump = w
	}
	ds := detect.All(detect.Options{})
	s := detect.NewScanner(detect.Options{})
	for _, sec := range sections {
		for lo := 0; lo < len(sec.texts); lo += goldenBlock {
			hi := min(lo+goldenBlock, len(sec.texts))
			h := sha256.New()
			w := io.MultiWriter(h, dump)
			for i := lo; i < hi; i++ {
				goldenFindings(w, fmt.Sprintf("%s/%d", sec.name, i), sec.texts[i], ds, s)
			}
			key := fmt.Sprintf("%s %d-%d", sec.name, lo, hi-1)
			got[key] = hex.EncodeToString(h.Sum(nil))
			order = append(order, key)
		}
	}
	path := filepath.Join("testdata", "golden.txt")
	if *goldenUpdate {
		if len(sections) < 4 {
			t.Fatal("-update needs the development corpus (set VEIL_CORPUS)")
		}
		var b strings.Builder
		b.WriteString("# go test ./redact/detect -run Golden -update: SHA-256 of the findings per block of inputs\n")
		for _, k := range order {
			fmt.Fprintf(&b, "%s %s\n", k, got[k])
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readGolden(t, path)
	checked := 0
	for _, k := range order {
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: not in %s (run with -update after checking the change)", k, path)
			continue
		}
		checked++
		if w != got[k] {
			t.Errorf("%s: findings changed (dump both trees with -golden.dump and diff)", k)
		}
	}
	if checked == 0 {
		t.Fatal("no block checked")
	}
}

type goldenSection struct {
	name  string
	texts []string
}

// goldenSections returns the inputs: each corpus with its variants, the benchmark texts and the
// adversarial inputs. The development corpus comes first when it is found.
func goldenSections(t *testing.T) []goldenSection {
	var secs []goldenSection
	if p, ok := findCorpus(); ok {
		secs = append(secs, goldenSection{"dev", withVariants(corpusTexts(t, p))})
	} else {
		t.Log("development corpus not found: its blocks are not checked")
	}
	secs = append(secs, goldenSection{"heldout",
		withVariants(corpusTexts(t, filepath.Join("testdata", "heldout", "pii-heldout.jsonl")))})
	var bench []string
	for _, kind := range []string{"ascii", "clean", "pii"} {
		bench = append(bench, benchMessages(kind, 64<<10, 2)...)
		bench = append(bench, benchMessages(kind, 1<<10, 16)...)
	}
	secs = append(secs, goldenSection{"bench", bench})
	var adv []string
	for _, a := range adversarial(4 << 10) {
		adv = append(adv, a.text)
	}
	return append(secs, goldenSection{"adversarial", adv})
}

// findCorpus returns the development corpus's path when corpusPath would find it, without skipping.
func findCorpus() (string, bool) {
	if p := os.Getenv("VEIL_CORPUS"); p != "" {
		return p, true
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "corpus", "pii-dev.jsonl")
	_, err = os.Stat(p)
	return p, err == nil
}

func corpusTexts(t *testing.T, path string) []string {
	var texts []string
	for _, r := range loadCorpus(t, path) {
		texts = append(texts, r.Text)
	}
	return texts
}

// withVariants appends, for each text, its lower-case and upper-case forms and two concatenations
// with other texts.
func withVariants(texts []string) []string {
	n := len(texts)
	for i := range n {
		texts = append(texts, strings.ToLower(texts[i]), strings.ToUpper(texts[i]), texts[i]+" "+texts[(i+1)%n],
			texts[i]+"\n"+texts[(i+7)%n]+". "+texts[(i+13)%n])
	}
	return texts
}

// goldenFindings writes each detector's findings on text, then the Scanner's.
func goldenFindings(w io.Writer, id, text string, ds []redact.Detector, s *redact.Scanner) {
	x := redact.NewText(text)
	for _, d := range ds {
		for _, f := range d.Detect(x, nil) {
			fmt.Fprintf(w, "%s %T %v %s %d %d %.3f %q\n", id, d, f.Type, f.Subtype, f.Start, f.End, f.Confidence, x.Norm[f.Start:f.End])
		}
	}
	for _, f := range s.Scan(text) {
		fmt.Fprintf(w, "%s scan %v %d %d %.3f\n", id, f.Type, f.Start, f.End, f.Confidence)
	}
}

func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file: %v (create it with -update)", err)
	}
	m := map[string]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		m[line[:i]] = line[i+1:]
	}
	return m
}
