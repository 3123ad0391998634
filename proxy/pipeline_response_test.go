package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
)

// TestReplyRestoredThroughEncodings sends back, gzip-compressed, a JSON reply, an HTML reply and an
// event stream holding the subject's token: the client gets the value (escaped for HTML), identity
// encoded, and the bot's own personal data in the reply is redacted.
func TestReplyRestoredThroughEncodings(t *testing.T) {
	t.Parallel()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "veil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, _ := vault.NewKeyring(vault.GenerateKey())
	v, err := vault.New(st, kr, vault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const subject = "c0123456789abcdef0123456789abcdef"
	tok, err := v.Tokenize(context.Background(), subject, redact.Person, `Maria <b>Rossi</b>`, vault.Placeholder, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	replies := map[string]struct{ ct, body string }{
		"/json": {"application/json", `[{"recipient_id":"x","text":"Hello ` + tok + `, your agent is bob.agent@example.org"}]`},
		"/html": {"text/html; charset=utf-8", `<p>Hello ` + tok + `</p>`},
		"/sse":  {"text/event-stream", "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi " + tok[:5] + "\"}}]}\n\ndata: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + tok[5:] + "!\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"},
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := replies[r.URL.Path]
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write([]byte(rep.body))
		_ = zw.Close()
		w.Header().Set("Content-Type", rep.ct)
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(up.Close)
	cfg := testConfig(up.URL)
	cfg.Routes = []Route{{Name: "chat", Path: "/", Kind: KindChat, Shape: ShapeJSON}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	dec := &fakeDecider{decide: allow(map[string]policy.Action{"*": policy.ActionRedact})}
	pl, err := NewPipeline(cfg, PipelineDeps{Detector: testScanner, Decider: dec, Vault: v, Auditor: &fakeAuditor{}, HashKey: []byte("0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, Options{Hooks: pl})
	if err != nil {
		t.Fatal(err)
	}
	veil := httptest.NewServer(p)
	t.Cleanup(veil.Close)

	tests := []struct {
		desc, path string
		want       []string
		not        []string
	}{
		{desc: "json", path: "/json", want: []string{`Hello Maria \u003cb\u003eRossi\u003c/b\u003e`, "[EMAIL]"}, not: []string{tok, "bob.agent"}},
		{desc: "html escapes the value", path: "/html", want: []string{"<p>Hello Maria &lt;b&gt;Rossi&lt;/b&gt;</p>"}, not: []string{tok, "<b>"}},
		{desc: "sse token split across events", path: "/sse", want: []string{`Maria \u003cb\u003eRossi\u003c/b\u003e`, "data: [DONE]"}, not: []string{tok[5:]}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			req, _ := http.NewRequest("POST", veil.URL+tc.path, strings.NewReader(`{"message":"hi"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Encoding", "identity") // the transport must not undo gzip for us
			req.AddCookie(&http.Cookie{Name: SubjectCookie, Value: subject[1:]})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if ce := res.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("Content-Encoding %q, want identity", ce)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("reply lacks %q:\n%s", w, b)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(string(b), n) {
					t.Errorf("reply still has %q:\n%s", n, b)
				}
			}
		})
	}
}
