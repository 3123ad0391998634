package rights

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/storetest"
)

// fixture is the real thing over one embedded store: vault, audit trail, consent, the rights
// service, and a proxy in front of its endpoints (TLS, so Veil's Secure cookie comes back).
type fixture struct {
	t     *testing.T
	clock *storetest.Clock
	st    *embedded.Store
	vault *vault.Vault
	aud   *audit.Auditor
	cons  *consent.Manager
	svc   *Service
	srv   *httptest.Server
}

func newFixture(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: storetest.NewClock(time.Now().Truncate(time.Millisecond))}
	var err error
	f.st, err = embedded.Open(filepath.Join(t.TempDir(), embedded.FileName), embedded.WithClock(f.clock.Now), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	kr, err := vault.NewKeyring(vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	if f.vault, err = vault.New(f.st, kr, vault.Options{Now: f.clock.Now, CacheSize: -1}); err != nil {
		t.Fatal(err)
	}
	f.aud, err = audit.New(context.Background(), f.st, audit.Config{}, audit.Options{DataDir: t.TempDir(), Logger: zerolog.Nop(),
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.aud.Close() })
	var cc consent.Config
	if err := cc.Validate(); err != nil {
		t.Fatal(err)
	}
	f.cons = consent.New(cc, f.st, f.aud)
	var cfg Config
	for _, e := range edit {
		e(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if f.svc, err = New(cfg, Deps{Store: f.st, Vault: f.vault, Consent: f.cons, Auditor: f.aud, Logger: zerolog.Nop(), Now: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	pcfg := proxy.Config{Upstream: proxy.Upstream{URL: "http://127.0.0.1:1"},
		Routes: []proxy.Route{{Name: "chat", Path: "/webhooks/rest/webhook", Kind: proxy.KindChat}}}
	p, err := proxy.New(pcfg, proxy.Options{Endpoints: f.svc.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewTLSServer(p)
	t.Cleanup(f.srv.Close)
	return f
}

// browser is one subject's client: its own cookie jar.
type browser struct {
	f       *fixture
	c       *http.Client
	subject string
}

// newBrowser returns a client whose Veil cookie is set, and its subject id.
func (f *fixture) newBrowser() *browser {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *f.srv.Client()
	c.Jar = jar
	b := &browser{f: f, c: &c}
	if res := b.do("GET", "/.veil/me/requests", "", nil); res.StatusCode != 200 {
		f.t.Fatalf("first request: %d", res.StatusCode)
	}
	u, _ := url.Parse(f.srv.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == proxy.SubjectCookie {
			b.subject = "c" + ck.Value
		}
	}
	if b.subject == "" {
		f.t.Fatal("no subject cookie")
	}
	return b
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// do sends a request as the browser; a body is sent as same-origin JSON unless hdr says otherwise.
func (b *browser) do(method, path, body string, hdr map[string]string) response {
	b.f.t.Helper()
	req, _ := http.NewRequest(method, b.f.srv.URL+path, strings.NewReader(body))
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", b.f.srv.URL)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{StatusCode: res.StatusCode, Header: res.Header, Body: raw}
}

// tokenize stores a value for the subject as the pipeline would, and returns its token.
func (f *fixture) tokenize(subject string, t redact.Type, value string) string {
	f.t.Helper()
	tok, err := f.vault.Tokenize(context.Background(), subject, t, value, vault.Placeholder, 24*time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// events returns the audit events of a type, in order.
func (f *fixture) events(typ audit.Type) []audit.Event {
	f.t.Helper()
	entries, err := f.st.Range(context.Background(), audit.DefaultStream, "-", "+", 0)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []audit.Event
	for _, e := range entries {
		ev, err := audit.ParseEvent(e.Fields)
		if err != nil {
			f.t.Fatal(err)
		}
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// verifyTrail checks the audit chain is intact.
func (f *fixture) verifyTrail() {
	f.t.Helper()
	res, err := audit.Verify(context.Background(), f.st, audit.DefaultStream, audit.VerifyOptions{PublicKey: f.aud.PublicKey()})
	if err != nil {
		f.t.Fatal(err)
	}
	if !res.OK() {
		f.t.Fatalf("audit trail broken: %+v", res.Break)
	}
}

// putTranscript stores a conversation for the subject.
func (f *fixture) putTranscript(subject, key string, tr Transcript, ttl time.Duration) {
	f.t.Helper()
	b, _ := json.Marshal(tr)
	if err := f.st.Put(context.Background(), store.Record{Subject: subject, Kind: KindTranscript, Key: key, Value: b,
		ExpiresAt: f.clock.Now().Add(ttl)}); err != nil {
		f.t.Fatal(err)
	}
}

// exchange is a chat message's exchange for subject.
func exchange(subject string) *proxy.Exchange {
	return &proxy.Exchange{ID: newID(), Route: &proxy.Route{Name: "chat"}, Subject: subject}
}
