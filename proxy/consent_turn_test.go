package proxy

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
)

// orderLog records the order in which the pipeline's collaborators are called.
type orderLog struct {
	mu    sync.Mutex
	steps []string
}

func (o *orderLog) add(s string) {
	o.mu.Lock()
	o.steps = append(o.steps, s)
	o.mu.Unlock()
}

// preparingConsent is a consent source whose chat turn can be prepared ahead (TurnPreparer).
type preparingConsent struct {
	grantAll
	log *orderLog
}

func (c preparingConsent) PrepareTurn(_ context.Context, subject string) func(context.Context, string) (bool, policy.Subject, error) {
	c.log.add("prepare")
	return func(ctx context.Context, purpose string) (bool, policy.Subject, error) {
		c.log.add("turn")
		return c.ChatTurn(ctx, subject, purpose)
	}
}

type orderInterceptor struct {
	log    *orderLog
	handle bool
}

func (i orderInterceptor) Intercept(context.Context, *Exchange, []TextField) (string, bool, error) {
	i.log.add("intercept")
	return "handled by Veil", i.handle, nil
}

// TestConsentReadOverlapsRightsCheck: the consent read starts before the in-chat rights check and
// the turn completes after it; a message Veil answers itself takes no turn.
func TestConsentReadOverlapsRightsCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		handle bool
		want   []string
	}{
		{false, []string{"prepare", "intercept", "turn"}},
		{true, []string{"prepare", "intercept"}},
	} {
		log := &orderLog{}
		cfg := testConfig("http://127.0.0.1:1")
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		dec := &fakeDecider{decide: allow(map[string]policy.Action{"*": policy.ActionRedact})}
		v := &fakeVault{tokenize: func(string, redact.Type, string) (string, error) { return "[t]", nil }}
		pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: v, Auditor: &fakeAuditor{},
			Consent: preparingConsent{log: log}, Interceptor: orderInterceptor{log: log, handle: tc.handle},
			HashKey: []byte("0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		ex := &Exchange{ID: "r1", Route: &cfg.Routes[0], Subject: "subject-1"}
		_, err = pl.Request(context.Background(), &ChatRequest{Exchange: ex, Request: httptest.NewRequest("POST", "/chat", nil),
			Body: []byte(`{"message":"hello"}`), MediaType: "application/json"})
		if tc.handle != (err != nil) {
			t.Fatalf("handled %v: err %v", tc.handle, err)
		}
		if !slices.Equal(log.steps, tc.want) {
			t.Errorf("handled %v: calls %v, want %v", tc.handle, log.steps, tc.want)
		}
	}
}
