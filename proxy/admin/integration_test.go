package admin

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/store/embedded"
)

// TestRealAuditTrail runs a data access through the real audit package over the embedded store:
// exactly one admin.access event, with the reason and the subject's pseudonym, never the id.
func TestRealAuditTrail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := embedded.Open(filepath.Join(dir, embedded.FileName), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	acfg := audit.Config{}
	aud, err := audit.New(ctx, st, acfg, audit.Options{DataDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer aud.Close()
	_ = acfg.Validate()

	srv := NewServer(prometheus.NewRegistry())
	cfg := Config{}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Configure(cfg, Deps{Store: st, Auditor: aud, AuditReader: st, AuditStream: acfg.Stream,
		SecretKey: bytes.Repeat([]byte{1}, 32)}); err != nil {
		t.Fatal(err)
	}
	srv.Accounts().setArgon(cheapArgon)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	e := &env{t: t, http: hs}

	tok, err := srv.Accounts().IssueToken(ctx, RoleCompliance, time.Hour, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	const subject = "visitor-7f3a2c91"
	// A request id outside the trail's alphabet is replaced, not recorded (and not refused).
	r := e.do(req{method: "GET", path: "/admin/v1/audit?subject=" + subject, token: tok.Token,
		header: map[string]string{ReasonHeader: "DSR-2024-17", "X-Request-Id": "req#1"}})
	if r.status != 200 {
		t.Fatalf("audit read: %d %s", r.status, r.body)
	}
	var got []audit.Event
	err = audit.Each(ctx, st, acfg.Stream, time.Time{}, time.Time{}, audit.Filter{Types: []audit.Type{audit.AdminAccess}},
		func(ev audit.Event) error { got = append(got, ev); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d admin.access events, want 1", len(got))
	}
	ev := got[0]
	if ev.Subject != aud.Pseudonym(subject) || ev.Subject == subject || ev.Reason != "DSR-2024-17" ||
		ev.Actor != "token:"+tok.ID || ev.Role != "compliance" || ev.Outcome != "ok" || ev.Actions["audit.read"] != 1 {
		t.Fatalf("event %+v", ev)
	}
	// The next read by the same subject finds the first access through the pseudonym.
	r = e.do(req{method: "GET", path: "/admin/v1/audit?subject=" + subject + "&type=admin.access", token: tok.Token, header: map[string]string{ReasonHeader: "DSR-2024-17"}})
	if !strings.Contains(r.body, `"count":1`) || strings.Contains(r.body, subject) {
		t.Fatalf("second read: %s", r.body)
	}

	// The period's report counts those accesses, by actor and role, with no subject in it; asking
	// for it is an access too. since is required.
	if r := e.do(req{method: "GET", path: "/admin/v1/audit/report", token: tok.Token}); r.status != http.StatusBadRequest {
		t.Fatalf("report without since: %d %s", r.status, r.body)
	}
	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	r = e.do(req{method: "GET", path: "/admin/v1/audit/report?since=" + since, token: tok.Token})
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || r.status != 200 {
		t.Fatalf("report: %d %v %s", r.status, err, r.body)
	}
	if len(rep.Admins) != 1 || rep.Admins[0].Actor != "token:"+tok.ID || rep.Admins[0].WithReason < 2 ||
		rep.Admins[0].Actions["audit.read"] < 2 || strings.Contains(r.body, subject) || strings.Contains(r.body, aud.Pseudonym(subject)) {
		t.Fatalf("report admins %+v: %s", rep.Admins, r.body)
	}
}

// TestNoSecretsInLogs runs every credential path with the log captured and searches it for every
// secret created: passwords, TOTP secrets and codes, recovery codes, tokens, session cookies.
func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, d *Deps) { c.Lockout.Threshold = 2; c.Listen = "0.0.0.0:9090" })
	admin := e.token(RoleAdmin)
	secrets := []string{admin.Token}
	r := e.do(req{method: "POST", path: "/admin/v1/identities", token: admin.Token, body: map[string]string{"name": "dpo", "role": "compliance"}})
	var c Credentials
	mustJSON(t, r.body, &c)
	secrets = append(secrets, c.Password, c.TOTPSecret, c.TOTPURL)
	secrets = append(secrets, c.RecoveryCodes...)
	code := e.code(c.TOTPSecret, 0)
	cookie, _ := e.login(LoginRequest{Name: "dpo", Password: c.Password, TOTP: code})
	secrets = append(secrets, code, cookie)
	e.login(LoginRequest{Name: "dpo", Password: c.Password, TOTP: code})                       // replay
	e.login(LoginRequest{Name: "dpo", Password: "Wrong-Password-123", TOTP: code})             // wrong password
	e.login(LoginRequest{Name: "dpo", Password: c.Password, RecoveryCode: c.RecoveryCodes[0]}) // locked
	secrets = append(secrets, "Wrong-Password-123")
	r = e.do(req{method: "POST", path: "/admin/v1/tokens", token: admin.Token, body: TokenRequest{Role: RoleAuditor}})
	var tok IssuedToken
	mustJSON(t, r.body, &tok)
	secrets = append(secrets, tok.Token)
	e.do(req{method: "GET", path: "/metrics", token: tok.Token})
	e.do(req{method: "GET", path: "/admin/v1/audit", token: tok.Token[:len(tok.Token)-2] + "xx"})
	r = e.do(req{method: "POST", path: "/admin/v1/identities/dpo/reset", token: admin.Token})
	var c2 Credentials
	mustJSON(t, r.body, &c2)
	secrets = append(secrets, c2.Password, c2.TOTPSecret)
	secrets = append(secrets, c2.RecoveryCodes...)
	// A failing reload and an unauditable access are logged: still no secret.
	e.auditor.mu.Lock()
	e.auditor.fail = audit.ErrUnavailable
	e.auditor.mu.Unlock()
	e.do(req{method: "POST", path: "/admin/v1/tokens", token: admin.Token, body: TokenRequest{Role: RoleAuditor}})
	e.login(LoginRequest{Name: "dpo", Password: c2.Password, TOTP: e.code(c2.TOTPSecret, 1)})

	logs := e.logs.String()
	if !strings.Contains(logs, "admin login") {
		t.Fatalf("nothing was logged; the test would prove nothing:\n%s", logs)
	}
	for _, s := range secrets {
		if s == "" {
			t.Fatal("a secret is empty: the scenario went wrong")
		}
		if strings.Contains(logs, s) {
			t.Errorf("a secret (%d bytes) appears in the log", len(s))
		}
		// Also the secret part of a token alone. (Only tokens: a generated password may contain
		// '_' too, and the few characters after it would match the log by chance.)
		if rest, isToken := strings.CutPrefix(s, tokenPrefix); isToken {
			if _, after, ok := strings.Cut(rest, "_"); ok && len(after) >= 16 && strings.Contains(logs, after) {
				t.Error("a token's secret part appears in the log")
			}
		}
	}
	for _, ev := range e.auditor.all() {
		for _, s := range secrets {
			for _, f := range ev.Fields() {
				if strings.Contains(f, s) {
					t.Errorf("a secret appears in an audit event")
				}
			}
		}
	}
}

// TestBootstrap: the first call creates the admin identity and a token file (0600); later calls
// keep it while the token lives, and replace it once it is gone.
func TestBootstrap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Now()}
	st := newMemStore(clock.now)
	aud := &fakeAuditor{}
	deps := Deps{Store: st, Auditor: aud, SecretKey: bytes.Repeat([]byte{3}, 32), Clock: clock.now}
	ctx := context.Background()
	path, err := Bootstrap(ctx, deps, dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || filepath.Base(path) != TokenFileName {
		t.Fatalf("token file %s: %v %v", path, fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	first := strings.TrimSpace(string(b))
	srv := NewServer(prometheus.NewRegistry())
	cfg := Config{}
	_ = cfg.Validate()
	if err := srv.Configure(cfg, deps); err != nil {
		t.Fatal(err)
	}
	info, err := srv.Accounts().VerifyToken(ctx, first)
	if err != nil || info.Role != RoleAdmin {
		t.Fatalf("bootstrap token: %+v %v", info, err)
	}
	if id, err := srv.Accounts().Identity(ctx, "admin"); err != nil || id.Role != RoleAdmin || !id.MFA {
		t.Fatalf("admin identity: %+v %v", id, err)
	}
	if _, err := Bootstrap(ctx, deps, dir); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if strings.TrimSpace(string(b)) != first {
		t.Fatal("a live token was replaced")
	}
	if err := srv.Accounts().RevokeToken(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := Bootstrap(ctx, deps, dir); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if strings.TrimSpace(string(b)) == first {
		t.Fatal("a revoked token was kept")
	}
	if n := len(aud.ofType(audit.AdminAccess)); n != 3 {
		t.Fatalf("%d bootstrap events, want 3 (identity, two tokens)", n)
	}
}

// TestTLSConfig: TLS 1.3 only; client certificates required with a client CA.
func TestTLSConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir)
	for _, tc := range []struct {
		desc   string
		tls    TLSConfig
		want   tls.ClientAuthType
		hasCfg bool
	}{
		{desc: "off"},
		{desc: "server only", tls: TLSConfig{CertFile: cert, KeyFile: key}, want: tls.NoClientCert, hasCfg: true},
		{desc: "mTLS", tls: TLSConfig{CertFile: cert, KeyFile: key, ClientCAFile: cert}, want: tls.RequireAndVerifyClientCert, hasCfg: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c := Config{TLS: tc.tls}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			tc2, err := c.TLSConfig()
			if err != nil {
				t.Fatal(err)
			}
			if (tc2 != nil) != tc.hasCfg {
				t.Fatalf("config %v", tc2)
			}
			if tc2 == nil {
				return
			}
			if tc2.MinVersion != tls.VersionTLS13 || tc2.ClientAuth != tc.want {
				t.Fatalf("min %x auth %v", tc2.MinVersion, tc2.ClientAuth)
			}
		})
	}
	// A TLS 1.2 client is refused by the listener.
	c := Config{TLS: TLSConfig{CertFile: cert, KeyFile: key}}
	_ = c.Validate()
	tc, _ := c.TLSConfig()
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	hs.TLS = tc
	hs.StartTLS()
	defer hs.Close()
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}}}
	if res, err := cl.Get(hs.URL); err == nil {
		res.Body.Close()
		t.Fatal("a TLS 1.2 client was served")
	}
}

func writeSelfSigned(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "veil-admin"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(k)
	certPath, keyPath = filepath.Join(dir, "admin.crt"), filepath.Join(dir, "admin.key")
	_ = os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
	return certPath, keyPath
}

// TestConfigValidate: defaults and every problem at once, with paths relative to the block.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		cfg  Config
		want []string
	}{
		{desc: "defaults", cfg: Config{}},
		{desc: "bad listen", cfg: Config{Listen: "9090"}, want: []string{"listen:"}},
		{desc: "idle longer than max age", cfg: Config{SessionIdleTimeout: 2 * time.Hour, SessionMaxAge: time.Hour}, want: []string{"session_idle_timeout:"}},
		{desc: "short durations", cfg: Config{SessionMaxAge: time.Second, TokenMaxTTL: time.Second}, want: []string{"session_max_age:", "token_max_ttl:"}},
		{desc: "threshold", cfg: Config{Lockout: LockoutConfig{Threshold: -1}}, want: []string{"lockout.threshold:"}},
		{desc: "rate", cfg: Config{LoginRatePerMinute: 1000}, want: []string{"login_rate_per_minute:"}},
		{desc: "cert without key", cfg: Config{TLS: TLSConfig{CertFile: "a"}}, want: []string{"tls: cert_file and key_file"}},
		{desc: "client CA without cert", cfg: Config{TLS: TLSConfig{ClientCAFile: "ca"}}, want: []string{"tls.client_ca_file:"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if tc.cfg.SessionIdleTimeout != 30*time.Minute || tc.cfg.Lockout.Threshold != 5 || tc.cfg.Listen != DefaultListen {
					t.Fatalf("defaults %+v", tc.cfg)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestPasswordHash: production parameters, PHC format, constant-time verification.
func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h := hashPassword(defaultArgon, "correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %s", h)
	}
	for _, tc := range []struct {
		desc, pw string
		want     bool
	}{
		{desc: "right", pw: "correct horse battery staple", want: true},
		{desc: "wrong", pw: "correct horse battery stapler"},
		{desc: "empty", pw: ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ok, err := verifyPassword(h, tc.pw)
			if err != nil || ok != tc.want {
				t.Fatalf("verify = %v %v", ok, err)
			}
		})
	}
	if _, err := verifyPassword("$argon2i$v=19$m=1,t=1,p=1$AA$AA", "x"); err == nil {
		t.Fatal("argon2i accepted")
	}
}
