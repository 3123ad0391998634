package proxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
	"github.com/veil-privacy/veil/redact/vault"
)

// Test doubles: structs of funcs, as the style guide asks.

type fakeDecider struct {
	decide func(policy.Input) (policy.Decision, error)
	mu     sync.Mutex
	inputs []policy.Input
}

func (f *fakeDecider) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	return f.decide(in)
}

type fakeVault struct {
	tokenize func(subject string, t redact.Type, value string) (string, error)
}

func (f *fakeVault) TokenizeAll(_ context.Context, subject string, items []vault.Item, _ time.Duration) ([]string, error) {
	out := make([]string, len(items))
	for i, it := range items {
		tok, err := f.tokenize(subject, it.Type, it.Value)
		if err != nil {
			return nil, err
		}
		out[i] = tok
	}
	return out, nil
}

func (f *fakeVault) Restorer(context.Context, string) (*vault.Restorer, error) { return nil, nil }

type fakeAuditor struct {
	err    error
	mu     sync.Mutex
	events []audit.Event
}

func (f *fakeAuditor) Record(_ context.Context, ev audit.Event) error {
	if f.err != nil {
		return f.err
	}
	f.mu.Lock()
	f.events = append(f.events, ev)
	f.mu.Unlock()
	return nil
}

func allow(actions map[string]policy.Action) func(policy.Input) (policy.Decision, error) {
	return func(policy.Input) (policy.Decision, error) {
		return policy.Decision{Allow: true, Actions: actions, Revision: "rev1", RetentionDays: 30}, nil
	}
}

var testScanner = detect.NewScanner(detect.Options{})

func newPipelineVeil(t *testing.T, dec *fakeDecider, v *fakeVault, aud *fakeAuditor, upstream string) string {
	t.Helper()
	cfg := testConfig(upstream)
	cfg.Routes = append(cfg.Routes, Route{Name: "rasa", Path: "/webhooks/rest/webhook", Kind: KindChat, Fields: []string{"message"}, Headers: []string{"X-Note"}})
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: v, Auditor: aud, HashKey: []byte("0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	return newVeil(t, cfg, pl).URL
}

func TestPipelineActions(t *testing.T) {
	t.Parallel()
	rc := &received{}
	up := newUpstream(t, rc)
	dec := &fakeDecider{decide: allow(map[string]policy.Action{
		"EMAIL": policy.ActionTokenize, "PHONE": policy.ActionMask, "IBAN": policy.ActionHash, "*": policy.ActionRedact})}
	v := &fakeVault{tokenize: func(_ string, t redact.Type, _ string) (string, error) { return "[" + t.String() + "_tok]", nil }}
	aud := &fakeAuditor{}
	veil := newPipelineVeil(t, dec, v, aud, up.URL)
	msg := `{"sender":"a","message":"mail a.b@example.com, call +49 30 12345678, IBAN DE89370400440532013000, I am Maria Rossi","n":1}`
	req, _ := http.NewRequest("POST", veil+"/webhooks/rest/webhook?email=q@example.org", strings.NewReader(msg))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Note", "reach me at note.person@example.net")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	bodies, hdrs := rc.snapshot()
	if got := hdrs[0].Get("X-Note"); got != "reach me at [EMAIL_tok]" {
		t.Errorf("configured header reached the bot as %q", got)
	}
	if len(bodies) != 1 {
		t.Fatalf("upstream got %d requests", len(bodies))
	}
	got := bodies[0]
	for _, leak := range []string{"a.b@example.com", "12345678", "DE89370400440532013000", "Maria Rossi"} {
		if strings.Contains(got, leak) {
			t.Errorf("upstream received %q in %s", leak, got)
		}
	}
	for _, want := range []string{"[EMAIL_tok]", "+** ** ****5678", "[IBAN#", "[PERSON]", `"sender":"a"`, `"n":1`} {
		if !strings.Contains(got, want) {
			t.Errorf("upstream body lacks %q: %s", want, got)
		}
	}
	// One decision per message, never carrying values; one audit event before forwarding.
	if len(dec.inputs) != 1 {
		t.Fatalf("%d decisions, want 1", len(dec.inputs))
	}
	in := dec.inputs[0]
	fields := map[string]bool{}
	for _, f := range in.Findings {
		fields[f.Type+"@"+f.Field] = true
	}
	for _, want := range []string{"EMAIL@message", "PHONE@message", "IBAN@message", "PERSON@message", "EMAIL@query.email", "EMAIL@header.X-Note"} {
		if !fields[want] {
			t.Errorf("policy input lacks %s: %+v", want, in.Findings)
		}
	}
	if len(aud.events) != 1 || aud.events[0].Type != audit.MessageForwarded || aud.events[0].Findings["EMAIL"] != 3 || aud.events[0].PolicyRevision != "rev1" {
		t.Fatalf("audit events %+v", aud.events)
	}
}

func TestPipelineFailsClosed(t *testing.T) {
	t.Parallel()
	msg := `{"sender":"a","message":"mail a.b@example.com please"}`
	tokenizeOK := &fakeVault{tokenize: func(string, redact.Type, string) (string, error) { return "[t]", nil }}
	tests := []struct {
		desc   string
		dec    *fakeDecider
		vault  *fakeVault
		aud    *fakeAuditor
		status int
		body   string
	}{
		{desc: "policy error", dec: &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
			return policy.Decision{}, errors.New("eval timeout")
		}}, vault: tokenizeOK, aud: &fakeAuditor{}, status: 503},
		{desc: "vault down", dec: &fakeDecider{decide: allow(map[string]policy.Action{"*": policy.ActionTokenize})},
			vault: &fakeVault{tokenize: func(string, redact.Type, string) (string, error) { return "", errors.New("redis down") }},
			aud:   &fakeAuditor{}, status: 503},
		{desc: "audit down", dec: &fakeDecider{decide: allow(map[string]policy.Action{"*": policy.ActionRedact})},
			vault: tokenizeOK, aud: &fakeAuditor{err: audit.ErrUnavailable}, status: 503},
		{desc: "policy denies", dec: &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
			return policy.Decision{Allow: false, Message: "not here"}, nil
		}}, vault: tokenizeOK, aud: &fakeAuditor{}, status: 451, body: `[{"recipient_id":"a","text":"not here"}]`},
		{desc: "block action", dec: &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
			return policy.Decision{Allow: true, Message: "no emails", Actions: map[string]policy.Action{"EMAIL": policy.ActionBlock}}, nil
		}}, vault: tokenizeOK, aud: &fakeAuditor{}, status: 451, body: `"text":"no emails"`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			rc := &received{}
			up := newUpstream(t, rc)
			veil := newPipelineVeil(t, tc.dec, tc.vault, tc.aud, up.URL)
			res, err := http.Post(veil+"/webhooks/rest/webhook", "application/json", strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
				t.Fatalf("status %d body %s, want %d with %q", res.StatusCode, b, tc.status, tc.body)
			}
			if strings.Contains(string(b), "redis") || strings.Contains(string(b), "timeout") || strings.Contains(string(b), "a.b@") {
				t.Errorf("response leaks internals or data: %s", b)
			}
			if bodies, _ := rc.snapshot(); len(bodies) != 0 {
				t.Fatalf("upstream reached despite %s", tc.desc)
			}
		})
	}
}
