package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
)

// TestPipelineStageMetrics: one chat exchange is timed in each stage it goes through, by
// direction, and the metrics carry no personal data.
func TestPipelineStageMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	cfg := testConfig("http://127.0.0.1:1")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	dec := &fakeDecider{decide: allow(map[string]policy.Action{"EMAIL": policy.ActionTokenize, "*": policy.ActionRedact})}
	v := &fakeVault{tokenize: func(_ string, t redact.Type, _ string) (string, error) { return "[" + t.String() + "_tok]", nil }}
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: v, Auditor: &fakeAuditor{},
		Consent: grantAll{}, HashKey: []byte("0123456789abcdef"), Metrics: NewPipelineMetrics(reg)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ex := &Exchange{ID: "r1", Route: &cfg.Routes[0], Subject: "subject-1"}
	msg := []byte(`{"message":"mail me at anna.muster@example.org"}`)
	if _, err := pl.Request(ctx, &ChatRequest{Exchange: ex, Request: httptest.NewRequest("POST", "/chat", nil), Body: msg, MediaType: "application/json"}); err != nil {
		t.Fatal(err)
	}
	reply := []byte(`{"text":"Noted, and call +49 30 12345678"}`)
	res := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(reply))}
	if err := pl.Response(ctx, ex, res); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	var text strings.Builder
	for _, f := range families {
		text.WriteString(f.String())
		for _, m := range f.GetMetric() {
			var dir, st string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "direction":
					dir = l.GetValue()
				case "stage":
					st = l.GetValue()
				}
			}
			counts[dir+"/"+st] = m.GetHistogram().GetSampleCount()
		}
	}
	for _, want := range []string{"request/consent", "request/detect", "request/policy", "request/vault", "request/audit",
		"response/vault", "response/detect", "response/policy", "response/audit"} {
		if counts[want] == 0 {
			t.Errorf("stage %s not timed: %v", want, counts)
		}
	}
	if counts["request/rights"] != 0 {
		t.Errorf("rights timed without an interceptor: %v", counts)
	}
	for _, leak := range []string{"anna.muster", "12345678", "subject-1"} {
		if strings.Contains(text.String(), leak) {
			t.Errorf("metrics contain %q", leak)
		}
	}
}
