package redact_test

import (
	"fmt"
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// digitRuns is a toy detector: every token of 6 or more digits is a PHONE.
type digitRuns struct{}

func (digitRuns) Types() []redact.Type { return []redact.Type{redact.Phone} }
func (digitRuns) MaxLen() int          { return 64 }
func (digitRuns) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	for _, k := range t.Tokens {
		if k.AllDigits() && k.Len() >= 6 {
			dst = append(dst, redact.Finding{Type: redact.Phone, Start: k.Start, End: k.End, Confidence: 0.5})
		}
	}
	return dst
}

var _ redact.Detector = digitRuns{}

func ExampleScanner() {
	s := redact.NewScanner(digitRuns{})
	// Full-width digits and a zero-width space: the detector sees "0301234567", and the finding
	// covers the original bytes.
	text := "call ０３０\u200b１２３４５６７ now"
	fs := s.Scan(text)
	fmt.Println(redact.Replace(text, fs, redact.Placeholder))
	fmt.Println(fs[0].Type, fs[0].Start, fs[0].End)
	// Output:
	// call [PHONE] now
	// PHONE 5 38
}

func ExampleText() {
	t := redact.NewText("Jür\u00adgen  Mu\u0308ller – ＩＢＡＮ")
	fmt.Println(t.Norm)
	fmt.Println(t.Lower)
	i := strings.Index(t.Norm, "Müller")
	start, end := t.OrigSpan(i, i+len("Müller"))
	fmt.Printf("%+q\n", t.Orig[start:end])
	// Output:
	// Jürgen  Müller - IBAN
	// jürgen  müller - iban
	// "Mu\u0308ller"
}

func ExampleParseTypeSet() {
	ts, err := redact.ParseTypeSet("email, credit-card")
	fmt.Println(ts, err)
	// Output: EMAIL,CREDIT_CARD <nil>
}
