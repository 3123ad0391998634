package admin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestReadiness(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "veil_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	s := NewServer(reg)
	srv := httptest.NewServer(s)
	defer srv.Close()

	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("/readyz"); code != 503 {
		t.Errorf("no checks: /readyz = %d, want 503", code)
	}
	s.SetCheck("config", func() error { return nil })
	s.SetCheck("tls", func() error { return errors.New("certificate pending") })
	code, body := get("/readyz")
	var rd Readiness
	if err := json.Unmarshal([]byte(body), &rd); err != nil {
		t.Fatal(err)
	}
	if code != 503 || rd.Checks["tls"] != "certificate pending" || rd.Checks["config"] != "ok" {
		t.Errorf("/readyz = %d %+v", code, rd)
	}
	s.SetCheck("tls", func() error { return nil })
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("all ok: /readyz = %d", code)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "veil_test_total 1") {
		t.Errorf("/metrics = %d %q", code, body)
	}
}

func TestLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc   string
		listen string
		want   bool
	}{
		{desc: "ipv4 loopback", listen: "127.0.0.1:9090", want: true},
		{desc: "ipv6 loopback", listen: "[::1]:9090", want: true},
		{desc: "localhost", listen: "localhost:9090", want: true},
		{desc: "all interfaces", listen: ":9090", want: false},
		{desc: "private address", listen: "10.0.0.1:9090", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c := Config{Listen: tc.listen}
			if got := c.Loopback(); got != tc.want {
				t.Fatalf("Loopback(%q) = %v", tc.listen, got)
			}
		})
	}
}
