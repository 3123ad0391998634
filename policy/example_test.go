package policy_test

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/policy"
)

func ExampleEngine_Decide() {
	off := false
	e, err := policy.New(context.Background(), policy.Config{Watch: &off}, zerolog.Nop(), nil)
	if err != nil {
		panic(err)
	}
	defer e.Close()
	d, err := e.Decide(context.Background(), policy.Input{
		Direction: policy.DirectionRequest,
		Route:     policy.Route{Name: "chat", Kind: "chat", Purpose: "support"},
		Subject:   policy.Subject{ID: "3f9a", Consent: map[string]bool{"support": true}},
		Findings: []policy.Finding{
			{Type: "EMAIL", Confidence: 0.99, Field: "message", Count: 1},
			{Type: "IBAN", Confidence: 0.97, Field: "message", Count: 1},
		},
		Upstream: policy.Upstream{Name: "bot", Region: "eu-central-1"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Allow, d.ActionFor("EMAIL"), d.TokenFormatFor("EMAIL"), d.ActionFor("IBAN"), d.Reasons)
	// Output: true tokenize surrogate redact [consent.granted]
}

func ExampleDecision_ActionFor() {
	d := policy.Decision{Allow: true, Actions: map[string]policy.Action{"EMAIL": policy.ActionTokenize, "*": policy.ActionRedact}}
	fmt.Println(d.ActionFor("EMAIL"), d.ActionFor("PHONE"))
	fmt.Println(policy.Decision{Allow: true}.ActionFor("PHONE")) // no "*": never forwarded
	// Output:
	// tokenize redact
	// redact
}
