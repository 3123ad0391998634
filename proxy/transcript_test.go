package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
)

type fakeTranscripts struct {
	mu      sync.Mutex
	entries [][]TranscriptEntry
	ttl     time.Duration
}

func (f *fakeTranscripts) WriteTranscript(_ context.Context, _ *Exchange, e []TranscriptEntry, ttl time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, e)
	f.ttl = ttl
	return nil
}

// TestTranscriptKept: when the decision says transcript, the message as forwarded (with where each
// replacement sits) and the reply as shown are handed to the transcript writer; otherwise nothing.
func TestTranscriptKept(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{true, false} {
		rc := &received{}
		up := newUpstream(t, rc)
		dec := &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
			return policy.Decision{Allow: true, Actions: map[string]policy.Action{"*": policy.ActionRedact}, Transcript: keep, RetentionDays: 7}, nil
		}}
		tw := &fakeTranscripts{}
		cfg := testConfig(up.URL)
		cfg.Routes = []Route{{Name: "rasa", Path: "/webhooks/rest/webhook", Kind: KindChat, Fields: []string{"message"}}}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: &fakeVault{}, Auditor: &fakeAuditor{},
			Transcripts: tw, HashKey: []byte("0123456789abcdef")})
		if err != nil {
			t.Fatal(err)
		}
		veil := newVeil(t, cfg, pl)
		res, err := http.Post(veil.URL+"/webhooks/rest/webhook", "application/json",
			strings.NewReader(`{"sender":"s","message":"mail me at ana.lopez@example.org please"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		tw.mu.Lock()
		got := tw.entries
		tw.mu.Unlock()
		if !keep {
			if len(got) != 0 {
				t.Fatal("a transcript was kept although the policy did not ask for it")
			}
			continue
		}
		if len(got) != 1 || len(got[0]) != 2 || tw.ttl != 7*24*time.Hour {
			t.Fatalf("transcripts %+v (ttl %v)", got, tw.ttl)
		}
		req := got[0][0]
		if req.Text != "mail me at [EMAIL] please" || len(req.Findings) != 1 || req.Text[req.Findings[0].Start:req.Findings[0].End] != "[EMAIL]" ||
			req.Findings[0].Type != redact.Email {
			t.Fatalf("request entry %+v", req)
		}
		if got[0][1].Direction != "response" { // the test bot's reply has no text ({"ok":true})
			t.Fatalf("response entry %+v", got[0][1])
		}
	}
}

// TestTranscriptKeptForStream: a streamed reply is kept as the client reassembles it.
func TestTranscriptKeptForStream(t *testing.T) {
	t.Parallel()
	up := newSSEUpstream(t, []string{"You said: ", "mail me at ", "ana.lopez@", "example.org"})
	dec := &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
		return policy.Decision{Allow: true, Actions: map[string]policy.Action{"*": policy.ActionRedact}, Transcript: true}, nil
	}}
	tw := &fakeTranscripts{}
	cfg := testConfig(up.URL)
	cfg.Routes = []Route{{Name: "openai", Path: "/v1/chat/completions", Kind: KindChat}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: &fakeVault{}, Auditor: &fakeAuditor{},
		Transcripts: tw, HashKey: []byte("0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	veil := newVeil(t, cfg, pl)
	res, err := http.Post(veil.URL+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(res.Body)
	res.Body.Close()
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if len(tw.entries) != 1 || tw.entries[0][1].Text != "You said: mail me at [EMAIL]" {
		t.Fatalf("transcripts %+v", tw.entries)
	}
}

// newSSEUpstream streams pieces as OpenAI chunks.
func newSSEUpstream(t *testing.T, pieces []string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for _, p := range pieces {
			b, _ := json.Marshal(map[string]any{"object": "chat.completion.chunk", "choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": p}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTranscriptKeptForWebSocket: on a WebSocket each message and the bot's next message are kept
// as one exchange.
func TestTranscriptKeptForWebSocket(t *testing.T) {
	t.Parallel()
	got := make(chan string, 4)
	up := wsEcho(t, got)
	dec := &fakeDecider{decide: func(policy.Input) (policy.Decision, error) {
		return policy.Decision{Allow: true, Actions: map[string]policy.Action{"*": policy.ActionRedact}, Transcript: true}, nil
	}}
	tw := &fakeTranscripts{}
	cfg := testConfig(up.URL)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: &fakeVault{}, Auditor: &fakeAuditor{},
		Transcripts: tw, HashKey: []byte("0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	veil := newVeil(t, cfg, pl)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(veil.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"message":"mail ana.lopez@example.org"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); err != nil {
		t.Fatal(err)
	}
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if len(tw.entries) != 1 || tw.entries[0][0].Text != "mail [EMAIL]" || tw.entries[0][1].Direction != "response" {
		t.Fatalf("transcripts %+v", tw.entries)
	}
}
