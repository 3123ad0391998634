package rights_test

import (
	"fmt"

	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
)

func ExampleMatchIntent() {
	for _, msg := range []string{
		"Please delete my data!",
		"Was wissen Sie über mich?",
		"oui",
		"I will delete my cookies later",
	} {
		in, lang := rights.MatchIntent(msg)
		fmt.Printf("%s %q\n", in, lang)
	}
	// Output:
	// erase "en"
	// access "de"
	// confirm "fr"
	// none ""
}

func ExampleTranscript_Anonymize() {
	t := rights.Transcript{Version: rights.TranscriptVersion, Messages: []rights.TranscriptMessage{{
		Direction: "request",
		Text:      "Call me at [PHONE_9c1d2e] please",
		Findings:  []rights.TranscriptFinding{{Type: redact.Phone, Start: 11, End: 25}},
	}}}
	fmt.Println(t.Anonymize().Messages[0].Text)
	// Output: Call me at [PHONE] please
}
