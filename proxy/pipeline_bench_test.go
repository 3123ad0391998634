package proxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
)

var benchWindow = func() int64 { d, _ := time.ParseDuration(os.Getenv("VEIL_BENCH_AUDIT_WINDOW")); return int64(d) }()

// grantAll is a consent source for benchmarks: every subject consented to support.
type grantAll struct{}

func (grantAll) Consent(_ context.Context, s string) (policy.Subject, error) {
	return policy.Subject{ID: s, Consent: map[string]bool{"support": true}, NoticeShown: true}, nil
}
func (g grantAll) ChatTurn(ctx context.Context, s, _ string) (bool, policy.Subject, error) {
	sub, err := g.Consent(ctx, s)
	return false, sub, err
}
func (grantAll) ChatNotice(string) string                  { return "" }
func (grantAll) NoticeShown(context.Context, string) error { return nil }

// benchPipeline builds the real pipeline (detector, policy engine with the default pack, vault and
// audit trail over st) behind a Veil test server in front of up.
func benchPipeline(b *testing.B, st store.Store, up string) (*httptest.Server, *timedAuditor) {
	b.Helper()
	pl, cfg := newBenchPipeline(b, st, up)
	p, err := New(cfg, Options{Hooks: pl})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(p)
	b.Cleanup(srv.Close)
	return srv, pl.Auditor.(*timedAuditor)
}

// timedAuditor is the real audit trail, timed: how long each Record took, from the call to the
// durable acknowledgement, is what the audit write adds to a request.
type timedAuditor struct {
	Auditor
	mu sync.Mutex
	d  []time.Duration
}

func (t *timedAuditor) Record(ctx context.Context, ev audit.Event) error {
	start := time.Now()
	err := t.Auditor.Record(ctx, ev)
	d := time.Since(start)
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
	return err
}

// report adds the audit write's p50 and p99 to the benchmark's metrics.
func (t *timedAuditor) report(b *testing.B) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.d) == 0 {
		return
	}
	slices.Sort(t.d)
	b.ReportMetric(float64(t.d[len(t.d)/2].Microseconds()), "audit-p50-µs")
	b.ReportMetric(float64(t.d[len(t.d)*99/100].Microseconds()), "audit-p99-µs")
}

// newBenchPipeline builds the real pipeline over st and the proxy configuration it runs in.
func newBenchPipeline(b *testing.B, st store.Store, up string) (*Pipeline, Config) {
	b.Helper()
	ctx := context.Background()
	eng, err := policy.New(ctx, policy.Config{}, zerolog.Nop(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close() })
	kr, err := vault.NewKeyring(vault.GenerateKey())
	if err != nil {
		b.Fatal(err)
	}
	v, err := vault.New(st, kr, vault.Options{})
	if err != nil {
		b.Fatal(err)
	}
	acfg := audit.Config{BatchWindow: time.Duration(benchWindow)}
	if err := acfg.Validate(); err != nil {
		b.Fatal(err)
	}
	aud, err := audit.New(ctx, st, acfg, audit.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { aud.Close() })
	cfg := testConfig(up)
	cfg.Routes = append(cfg.Routes, Route{Name: "rasa", Path: "/webhooks/rest/webhook", Kind: KindChat, Fields: []string{"message"}})
	cfg.Limits = Limits{}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	readAhead, _ := st.(store.ReadAheader)
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: eng, Vault: v, Auditor: &timedAuditor{Auditor: aud},
		Consent: grantAll{}, ReadAhead: readAhead, HashKey: []byte("0123456789abcdef")})
	if err != nil {
		b.Fatal(err)
	}
	return pl, cfg
}

// pipelineBody is a 1 KB Rasa message with three findings (an e-mail, a phone number, a name).
var pipelineBody = []byte(`{"sender":"bench","message":"Hello, I am Maria Rossi. ` +
	strings.Repeat("I would like to know the opening hours of the store in the city centre. ", 12)[:820] +
	` Mail me at maria.rossi@example.org or call +49 30 12345678."}`)

// echoUpstream answers like the demo bot: the message comes back, so the reply is scanned and its
// tokens restored.
func echoUpstream(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"recipient_id":"bench","text":`))
		_, _ = w.Write(body[len(`{"sender":"bench","message":`) : len(body)-1])
		_, _ = w.Write([]byte(`}]`))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkPipeline runs the full pipeline on a 1 KB message with three findings (tokenized),
// reply scanned and restored, against the bare httputil baseline in the same run. Each benchmark
// client is one subject (a cookie), as a chat widget is.
func BenchmarkPipeline(b *testing.B) { benchPipelineStores(b, runChatClient) }

// BenchmarkPipelineLatency sends the same message from one client, one request at a time, so ns/op
// is the latency of one exchange on an idle proxy: what the pipeline adds to a request is the
// difference from the httputil baseline in the same run (p50 and p99 reported too).
func BenchmarkPipelineLatency(b *testing.B) { benchPipelineStores(b, runSequentialClient) }

// benchPipelineStores runs client against the bare proxy and against the pipeline on each store.
func benchPipelineStores(b *testing.B, client func(b *testing.B, url string, body []byte)) {
	up := echoUpstream(b)
	const path = "/webhooks/rest/webhook"
	b.Run("httputil", func(b *testing.B) {
		srv := httptest.NewServer(bareProxy(up.URL))
		defer srv.Close()
		client(b, srv.URL+path, pipelineBody)
	})
	stores := []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"veil-embedded", func(b *testing.B) store.Store {
			st, err := embedded.Open(filepath.Join(b.TempDir(), "veil.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			return st
		}},
		{"veil-redis", func(b *testing.B) store.Store {
			st, err := redisstore.New(redistest.Start(b).Client(), "veil:")
			if err != nil {
				b.Fatal(err)
			}
			return st
		}},
	}
	for _, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			srv, ta := benchPipeline(b, s.open(b), up.URL)
			client(b, srv.URL+path, pipelineBody)
			ta.report(b)
		})
	}
}

// BenchmarkPipelineHooks runs the pipeline's two hooks on the benchmark message without HTTP: the
// request (detect, decide, tokenize, audit, rewrite) and the echoed reply (detect, restore), 16
// subjects in parallel, on the embedded store. cpu-µs/op is what the pipeline itself costs per
// exchange; the difference from BenchmarkPipeline's is the HTTP around it.
func BenchmarkPipelineHooks(b *testing.B) {
	st, err := embedded.Open(filepath.Join(b.TempDir(), "veil.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	pl, cfg := newBenchPipeline(b, st, "http://127.0.0.1:1")
	var route *Route
	for i := range cfg.Routes {
		if cfg.Routes[i].Name == "rasa" {
			route = &cfg.Routes[i]
		}
	}
	var subjects atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	cpu0 := processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		subject := fmt.Sprintf("bench-subject-%d", subjects.Add(1))
		for pb.Next() {
			ex := &Exchange{ID: newRequestID(), Route: route, Subject: subject}
			r := httptest.NewRequest(http.MethodPost, "/webhooks/rest/webhook", nil)
			out, err := pl.Request(ctx, &ChatRequest{Exchange: ex, Request: r, Body: pipelineBody, MediaType: "application/json"})
			if err != nil {
				b.Error(err)
				return
			}
			reply := append(append([]byte(`[{"recipient_id":"bench","text":`), out[len(`{"sender":"bench","message":`):len(out)-1]...), `}]`...)
			res := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(reply)), ContentLength: int64(len(reply)), Request: r}
			if err := pl.Response(ctx, ex, res); err != nil {
				b.Error(err)
				return
			}
			got, _ := io.ReadAll(res.Body)
			if !bytes.Contains(got, []byte("maria.rossi@example.org")) {
				b.Errorf("reply not restored: %s", got)
				return
			}
		}
	})
	reportCPU(b, cpu0)
}
