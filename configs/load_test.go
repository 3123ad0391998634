package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/proxy"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const valid = `
listen: "127.0.0.1:8443"
admin:
  listen: "127.0.0.1:9090"
tls:
  mode: self-signed
upstream:
  url: http://127.0.0.1:8080
  dial_timeout: 2s
routes:
  - name: rest
    path: /webhooks/rest/webhook
    kind: chat
    purpose: support
    fields: [message]
  - name: page
    path: /
    kind: page
limits:
  max_body_bytes: 512KiB
  max_decoded_bytes: 2MiB
`

func TestParseValid(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(valid), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Proxy.Upstream.DialTimeout != 2*time.Second {
		t.Errorf("dial_timeout = %v", cfg.Proxy.Upstream.DialTimeout)
	}
	if cfg.Proxy.Limits.MaxBodyBytes != 512<<10 || cfg.Proxy.Limits.MaxDecodedBytes != 2<<20 {
		t.Errorf("limits = %+v", cfg.Proxy.Limits)
	}
	if len(cfg.Proxy.Routes) != 2 || cfg.Proxy.Routes[0].Kind != proxy.KindChat || cfg.Proxy.Routes[0].Fields[0] != "message" {
		t.Errorf("routes = %+v", cfg.Proxy.Routes)
	}
	if cfg.Proxy.Routes[1].Purpose != "support" {
		t.Errorf("default purpose not filled: %+v", cfg.Proxy.Routes[1])
	}
	if !*cfg.Log.Access || cfg.Log.Level != "info" {
		t.Errorf("log defaults = %+v", cfg.Log)
	}
}

func TestParseReportsEveryProblemWithItsPath(t *testing.T) {
	t.Parallel()
	const threeMistakes = `
upstream:
  url: http://127.0.0.1:8080
  retries: 3
routes:
  - name: rest
    path: /chat
    kind: chatbot
limits:
  max_body_bytes: 10MiB
  max_decoded_bytes: 1MiB
`
	_, err := Parse([]byte(threeMistakes), nil)
	if err == nil {
		t.Fatal("no error")
	}
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("error %T, want Problems", err)
	}
	want := []string{"upstream.retries: unknown key (line 4)", "routes[0].kind: unknown kind", "limits.max_decoded_bytes: must be at least max_body_bytes"}
	if len(probs) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(probs), len(want), err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in:\n%v", w, err)
		}
	}
}

func TestParseProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		yaml string
		want []string
	}{
		{desc: "empty file", yaml: "", want: []string{"upstream.url: required", "routes: at least one route"}},
		{desc: "wrong type", yaml: "upstream:\n  url: [1]\n", want: []string{"yaml: line 2"}},
		{desc: "nested unknown key", yaml: "tls:\n  acme:\n    domian: x\n", want: []string{"tls.acme.domian: unknown key"}},
		{desc: "bad size", yaml: "limits:\n  max_body_bytes: lots\n", want: []string{"invalid size"}},
		{desc: "admin on public listener", yaml: "listen: 127.0.0.1:1\nadmin:\n  listen: 127.0.0.1:1\n", want: []string{"admin.listen: must differ"}},
		{desc: "tls mode", yaml: "tls:\n  mode: plaintext\n", want: []string{"tls.mode"}},
		{desc: "bad log level", yaml: "log:\n  level: loud\n", want: []string{"log.level"}},
		{desc: "malformed yaml", yaml: "routes: [\n", want: []string{"yaml:"}},
		{desc: "malformed field paths", yaml: "routes:\n  - {name: a, path: /a, kind: chat, fields: [a..b], stream_fields: [.token]}\n",
			want: []string{`routes[0].fields[0]: malformed field path "a..b"`, `routes[0].stream_fields[0]: malformed field path ".token"`}},
		{desc: "stream fields on a page route", yaml: "routes:\n  - {name: a, path: /a, kind: page, stream_fields: [token]}\n",
			want: []string{"routes[0].stream_fields: only chat routes"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.yaml), nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing %q in:\n%v", w, err)
				}
			}
		})
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(valid), env(map[string]string{
		"VEIL_UPSTREAM_URL":               "https://bot.internal:9443",
		"VEIL_TLS_ACME_DOMAINS":           "a.example, b.example",
		"VEIL_LIMITS_MAX_BODY_BYTES":      "1MiB",
		"VEIL_UPSTREAM_DIAL_TIMEOUT":      "3s",
		"VEIL_UPSTREAM_FORWARD_CLIENT_IP": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Proxy.Upstream.URL != "https://bot.internal:9443" || !cfg.Proxy.Upstream.ForwardClientIP ||
		cfg.Proxy.Upstream.DialTimeout != 3*time.Second || cfg.Proxy.Limits.MaxBodyBytes != 1<<20 {
		t.Errorf("overrides not applied: %+v", cfg.Proxy)
	}
	if got := cfg.TLS.ACME.Domains; len(got) != 2 || got[1] != "b.example" {
		t.Errorf("domains = %q", got)
	}
	_, err = Parse([]byte(valid), env(map[string]string{"VEIL_UPSTREAM_DIAL_TIMEOUT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "upstream.dial_timeout: from $VEIL_UPSTREAM_DIAL_TIMEOUT") {
		t.Errorf("bad override error = %v", err)
	}
}

// TestShippedConfigs keeps the example files in this directory valid.
func TestShippedConfigs(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("*.yaml")
	if len(files) == 0 {
		t.Fatal("no example configs")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// production.yaml reads its certificate paths and e-mail from the environment.
			if _, err := Parse(data, env(map[string]string{"VEIL_TLS_ACME_EMAIL": "ops@example.com"})); err != nil {
				t.Fatal(err)
			}
		})
	}
}
