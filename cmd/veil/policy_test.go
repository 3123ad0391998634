package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const policyInput = `{"direction": "request",
 "route": {"name": "chat", "kind": "chat", "purpose": "support", "allowed_types": []},
 "subject": {"id": "s-1", "consent": {"support": true}, "objections": [], "notice_shown": true},
 "findings": [{"type": "EMAIL", "subtype": "", "confidence": 0.99, "field": "message", "count": 1},
              {"type": "PASSPORT", "subtype": "DE", "confidence": 0.9, "field": "message", "count": 1}],
 "request": {"method": "POST", "path": "/webhooks/rest/webhook", "content_type": "application/json"},
 "upstream": {"name": "bot", "region": "eu-central-1", "transfer_mechanism": ""}}`

func TestPolicyTestEmbedded(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := runPolicy(context.Background(), []string{"test"}, nil, &out, &errOut); err != nil {
		t.Fatalf("veil policy test: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "PASS: ") {
		t.Errorf("output %q has no summary", out.String())
	}
	out.Reset()
	if err := runPolicy(context.Background(), []string{"test", "-v", "-run", "identity"}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "data.veil_test.test_identity_numbers_blocked: PASS") {
		t.Errorf("verbose output %q lacks the test", out.String())
	}
}

func TestPolicyTestFailingPack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p.rego"), "package veil\n\ndecision := {\"allow\": true}\n")
	writeFile(t, filepath.Join(dir, "p_test.rego"), "package veil_test\n\ntest_refuses if not data.veil.decision.allow\n\ntest_allows if data.veil.decision.allow\n")
	var out, errOut bytes.Buffer
	err := runPolicy(context.Background(), []string{"test", dir}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Fatalf("error %v, want 1 of 2 failed", err)
	}
	if !strings.Contains(out.String(), "test_refuses: FAIL") || !strings.Contains(out.String(), "FAIL: 1/2") {
		t.Errorf("output %q", out.String())
	}
	if code := run(context.Background(), []string{"policy", "test", dir}, nil, &out, &errOut); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestPolicyTestStrictCompile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "p.rego"), "package veil\n\ndecision := {\"allow\": true} if {\n\tx := 1\n}\n")
	var out, errOut bytes.Buffer
	if err := runPolicy(context.Background(), []string{"test", dir}, nil, &out, &errOut); err == nil {
		t.Fatal("a pack that does not compile in strict mode passed")
	}
}

func TestPolicyEval(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "in.json")
	writeFile(t, path, policyInput)
	for _, args := range [][]string{{"eval", "--input", path}, {"eval", "-input", "-"}} {
		var out, errOut bytes.Buffer
		if err := runPolicy(context.Background(), args, strings.NewReader(policyInput), &out, &errOut); err != nil {
			t.Fatalf("%v: %v %s", args, err, errOut.String())
		}
		var d struct {
			Allow    bool              `json:"allow"`
			Message  string            `json:"message"`
			Actions  map[string]string `json:"actions"`
			Reasons  []string          `json:"reasons"`
			Revision string            `json:"revision"`
		}
		if err := json.Unmarshal(out.Bytes(), &d); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		if d.Allow || d.Actions["PASSPORT"] != "block" || d.Actions["EMAIL"] != "tokenize" || d.Message == "" || d.Revision == "" {
			t.Errorf("%v: decision %+v", args, d)
		}
		if strings.Join(d.Reasons, ",") != "consent.granted,minimisation.identity_number" {
			t.Errorf("%v: reasons %v", args, d.Reasons)
		}
	}
}

func TestPolicyEvalBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		args []string
		in   string
	}{
		{desc: "unknown field", args: []string{"eval", "-input", "-"}, in: `{"direction": "request", "findngs": []}`},
		{desc: "not json", args: []string{"eval", "-input", "-"}, in: `direction=request`},
		{desc: "missing file", args: []string{"eval", "-input", "/nonexistent/in.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			if err := runPolicy(context.Background(), tc.args, strings.NewReader(tc.in), &out, &errOut); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	var out, errOut bytes.Buffer
	if err := runPolicy(context.Background(), []string{"eval"}, nil, &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("eval without -input: %v, want usage", err)
	}
	if err := runPolicy(context.Background(), []string{"frobnicate"}, nil, &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("unknown subcommand: %v, want usage", err)
	}
}

func TestPolicyExplain(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := runPolicy(context.Background(), []string{"explain", "-input", "-"}, strings.NewReader(policyInput), &out, &errOut); err != nil {
		t.Fatalf("%v %s", err, errOut.String())
	}
	for _, want := range []string{`situation = "granted"`, "allow = false", "reasons: consent.granted, minimisation.identity_number", "veil.rego:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explain output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := runPolicy(context.Background(), []string{"explain", "-full", "-input", "-"}, strings.NewReader(policyInput), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Enter data.veil.decision") {
		t.Errorf("full trace lacks the decision's Enter event")
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
