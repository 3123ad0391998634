package detect_test

import (
	"path/filepath"
	"testing"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
)

// heldoutChecksumSubtypes adds to the development corpus's checksum subtypes the extra schemes the
// held-out corpus carries that have a check digit or letter.
var heldoutChecksumSubtypes = []string{
	"PT_NIF", "IE_PPS", "HR_OIB", "EE_ISIKUKOOD", "GR_AMKA", "SI_EMSO", "CZ_SK_BIRTH_NUMBER", "BG_EGN",
}

// TestHeldout scores the shipped detectors on the held-out corpus (testdata/heldout), which was
// written without looking at the development corpus's templates or values and was not used to tune
// the detectors, with the same measures and floors as TestCorpus.
//
//	go test ./redact/detect -run Heldout -v [-args -corpus.misses]
//	(cd redact/detect/testdata/heldout && python3 gen.py)   # regenerate
func TestHeldout(t *testing.T) {
	rows := loadCorpus(t, filepath.Join("testdata", "heldout", "pii-heldout.jsonl"))
	s := detect.NewScanner(detect.Options{})

	for _, sub := range heldoutChecksumSubtypes {
		if !checksumSubtypes[sub] {
			checksumSubtypes[sub] = true
			defer delete(checksumSubtypes, sub)
		}
	}
	var sc corpusScore
	sc.init()
	var fs []redact.Finding
	for _, row := range rows {
		fs = s.ScanWith(row.Text, redact.ScanOptions{}, fs[:0])
		sc.add(t, row, fs)
	}
	t.Log("\n" + sc.report())
	sc.assertFloors(t)
}
