package certs

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestOffModeHasNoTLSAndWarns(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	m, err := New(context.Background(), Config{Mode: ModeOff}, "", zerolog.New(&buf))
	if err != nil {
		t.Fatal(err)
	}
	if m.TLSConfig() != nil {
		t.Error("TLSConfig() is not nil in off mode")
	}
	if m.HSTS() != "" {
		t.Errorf("HSTS() = %q in off mode", m.HSTS())
	}
	if m.Mode() != ModeOff {
		t.Errorf("Mode() = %q", m.Mode())
	}
	if err := m.Reload(); err != nil {
		t.Errorf("Reload() = %v", err)
	}
	if !strings.Contains(buf.String(), `"level":"warn"`) {
		t.Errorf("no warning logged: %s", buf.String())
	}
}

func TestTLSConfigShape(t *testing.T) {
	t.Parallel()
	m, err := New(context.Background(), Config{Mode: ModeSelfSigned}, t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b := m.TLSConfig(), m.TLSConfig()
	if a == b {
		t.Error("TLSConfig() returned the same value twice; callers may mutate it")
	}
	if a.MinVersion != 0x0304 || a.MaxVersion != 0x0304 {
		t.Errorf("versions %x..%x, want TLS 1.3 only", a.MinVersion, a.MaxVersion)
	}
	if got := strings.Join(a.NextProtos, ","); got != "h2,http/1.1" {
		t.Errorf("NextProtos = %s", got)
	}
	if a.GetCertificate == nil || len(a.Certificates) != 0 {
		t.Error("certificates must come from GetCertificate so reloads need no restart")
	}
}

func TestHTTPChallengeHandlerPassesThroughOutsideACME(t *testing.T) {
	t.Parallel()
	m, err := New(context.Background(), Config{Mode: ModeOff}, "", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	h := m.HTTPChallengeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/acme-challenge/abc", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("status %d, want the wrapped handler's", rec.Code)
	}
}
