package policy

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// benchInput is a realistic support-chat message: three findings.
func benchInput() Input {
	return Input{
		Direction: DirectionRequest,
		Route:     Route{Name: "chat", Kind: "chat", Purpose: "support", AllowedTypes: []string{}},
		Subject: Subject{
			ID:          "3f9a1c0e7b2d4a58",
			Consent:     map[string]bool{"support": true, "marketing": false, "profiling": false},
			Objections:  []string{"marketing"},
			NoticeShown: true,
		},
		Findings: []Finding{
			{Type: "EMAIL", Confidence: 0.99, Field: "message", Count: 1},
			{Type: "PHONE", Subtype: "DE", Confidence: 0.93, Field: "message", Count: 1},
			{Type: "IBAN", Confidence: 0.97, Field: "message", Count: 1},
		},
		Request:  Request{Method: "POST", Path: "/webhooks/rest/webhook", ContentType: "application/json"},
		Upstream: Upstream{Name: "bot", Region: "eu-central-1"},
	}
}

func benchEngine(b *testing.B, dir string, cacheSize int) *Engine {
	b.Helper()
	off := false
	e, err := New(context.Background(), Config{Dir: dir, CacheSize: cacheSize, Watch: &off, Timeout: 10 * time.Second}, zerolog.Nop(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close() })
	return e
}

// BenchmarkDecide is one decision for a realistic input, evaluated every time (no cache).
func BenchmarkDecide(b *testing.B) {
	e := benchEngine(b, "", -1)
	decideLoop(b, e)
}

// BenchmarkDecideTopdown is BenchmarkDecide for a pack Veil cannot plan: OPA's topdown evaluates
// the pack with its data folded into its rules.
func BenchmarkDecideTopdown(b *testing.B) {
	e := benchEngine(b, "", -1)
	if c := e.state.Load().active; c.prog == nil || c.foldErr != nil {
		b.Fatalf("default pack: plan %v, fold %v", c.planErr, c.foldErr)
	} else {
		c.prog = nil // before any decision: the engine is not shared yet
	}
	decideLoop(b, e)
}

// BenchmarkDecideBaseline is the floor: the same input through a pack whose decision is a
// constant, so that what the default pack adds can be read off in the same run.
func BenchmarkDecideBaseline(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.rego"), []byte("package veil\n\ndecision := {\"allow\": true}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	e := benchEngine(b, dir, -1)
	decideLoop(b, e)
}

// BenchmarkDecideCached is the same decision served from the cache.
func BenchmarkDecideCached(b *testing.B) {
	e := benchEngine(b, "", DefaultCacheSize)
	if _, err := e.Decide(context.Background(), benchInput()); err != nil { // fill the cache
		b.Fatal(err)
	}
	decideLoop(b, e)
}

// decideLoop decides the benchmark input b.N times and reports allocations and CPU time per decision.
func decideLoop(b *testing.B, e *Engine) {
	in := benchInput()
	ctx := context.Background()
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		if _, err := e.Decide(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// cpuTime is the process's user+system CPU time: under a loaded machine it measures the work
// better than wall time (it includes the garbage collector's share).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the cpu-ns/op metric since start (run with -cpu 1).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
