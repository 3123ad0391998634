package policy

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/policies"
)

// writePack writes files (name → content) into dir.
func writePack(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDefaultPack copies the embedded pack into a new directory, applying replacements
// (old → new, each must match) to data.json.
func copyDefaultPack(t testing.TB, dataEdits ...[2]string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(policies.FS, ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !packFile(de.Name()) {
			return err
		}
		b, err := fs.ReadFile(policies.FS, name)
		if err != nil {
			return err
		}
		s := string(b)
		if name == "data.json" {
			for _, e := range dataEdits {
				if !strings.Contains(s, e[0]) {
					t.Fatalf("data.json has no %q", e[0])
				}
				s = strings.Replace(s, e[0], e[1], 1)
			}
		}
		return os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// newTestEngine starts an engine without watching unless cfg says so, with its own registry.
func newTestEngine(t *testing.T, cfg Config) (*Engine, *prometheus.Registry) {
	t.Helper()
	if cfg.Watch == nil {
		off := false
		cfg.Watch = &off
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second // a loaded test machine must not turn slowness into refusals
	}
	reg := prometheus.NewRegistry()
	e, err := New(context.Background(), cfg, zerolog.Nop(), reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e, reg
}

// support is a support-chat request from a subject who consented to support, to an EU upstream.
func support(types ...string) Input {
	in := Input{
		Direction: DirectionRequest,
		Route:     Route{Name: "chat", Kind: "chat", Purpose: "support"},
		Subject:   Subject{ID: "s-1", Consent: map[string]bool{"support": true}, NoticeShown: true},
		Request:   Request{Method: "POST", Path: "/webhooks/rest/webhook", ContentType: "application/json"},
		Upstream:  Upstream{Name: "bot", Region: "eu-central-1"},
	}
	for _, t := range types {
		in.Findings = append(in.Findings, Finding{Type: t, Confidence: 0.99, Field: "message", Count: 1})
	}
	return in
}

// eventually polls cond up to n times, pausing between tries; it reports whether cond held.
func eventually(n int, cond func() bool) bool {
	for range n {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}
