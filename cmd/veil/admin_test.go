package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/store/embedded"
)

func runAdminCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runAdmin(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// lastLine is the token a create command printed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// verifyToken opens dir's store and checks tok.
func verifyToken(t *testing.T, dir, tok string) (admin.TokenInfo, error) {
	t.Helper()
	st, err := embedded.Open(filepath.Join(dir, embedded.FileName), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key, err := adminSecretKey(&configs.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := admin.Config{}
	_ = cfg.Validate()
	acc, err := admin.NewAccounts(cfg, admin.Deps{Store: st, Auditor: nopAuditor{}, SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return acc.VerifyToken(context.Background(), tok)
}

type nopAuditor struct{}

func (nopAuditor) Record(context.Context, audit.Event) error { return nil }
func (nopAuditor) Pseudonym(s string) string                 { return s }

func TestAdminInitAndTokensDirect(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, errOut, err := runAdminCmd(t, "", "init", "--data-dir", dir, "--name", "root")
	if err != nil {
		t.Fatalf("init: %v %s", err, errOut)
	}
	for _, want := range []string{`identity "root" with role admin`, "password:", "TOTP URL:        otpauth://totp/Veil:root?", "recovery codes:"} {
		if !strings.Contains(out, want) {
			t.Errorf("init output lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runAdminCmd(t, "", "init", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Fatalf("second init: %v", err)
	}

	out, errOut, err = runAdminCmd(t, "", "token", "create", "--data-dir", dir, "--role", "auditor", "--ttl", "2h")
	if err != nil {
		t.Fatalf("token create: %v %s", err, errOut)
	}
	tok := lastLine(out)
	info, err := verifyToken(t, dir, tok)
	if err != nil || info.Role != admin.RoleAuditor {
		t.Fatalf("created token: %+v %v", info, err)
	}
	if _, errOut, err := runAdminCmd(t, "", "token", "revoke", info.ID, "--data-dir", dir); err != nil {
		t.Fatalf("revoke: %v %s", err, errOut)
	}
	if _, err := verifyToken(t, dir, tok); err == nil {
		t.Fatal("revoked token still verifies")
	}
	if _, _, err := runAdminCmd(t, "", "token", "revoke", info.ID, "--data-dir", dir); err == nil {
		t.Fatal("revoking twice succeeded")
	}
}

func TestAdminInitPasswordStdin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, stdin string
		ok          bool
	}{
		{desc: "good password", stdin: "a long enough passphrase\n", ok: true},
		{desc: "too short", stdin: "short\n"},
		{desc: "empty", stdin: ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, _, err := runAdminCmd(t, tc.stdin, "init", "--data-dir", t.TempDir(), "--password-stdin")
			if (err == nil) != tc.ok {
				t.Fatalf("err %v", err)
			}
			if strings.Contains(out, "password:") || (tc.stdin != "" && strings.Contains(out, strings.TrimSpace(tc.stdin))) {
				t.Fatalf("a chosen password was printed:\n%s", out)
			}
		})
	}
}

func TestAdminUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		args []string
	}{
		{desc: "nothing", args: nil},
		{desc: "unknown", args: []string{"frob"}},
		{desc: "token without role", args: []string{"token", "create", "--data-dir", "x"}},
		{desc: "revoke without id", args: []string{"token", "revoke", "--data-dir", "x"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if _, _, err := runAdminCmd(t, "", tc.args...); err != errUsage {
				t.Fatalf("err %v, want usage", err)
			}
		})
	}
}

// TestMountAdmin builds the quickstart app (which mounts the admin API), bootstraps a token and goes
// through the API as the command line does.
func TestMountAdmin(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VEIL_DATA_DIR": dir, "VEIL_LISTEN": "127.0.0.1:0", "VEIL_ADMIN_LISTEN": "127.0.0.1:0",
		"VEIL_UPSTREAM_URL": "http://127.0.0.1:1"}
	cfg, err := configs.Parse(configs.Quickstart, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	logs := &lockedBuffer{} // the retention sweeper logs from its own goroutine
	a, err := newApp(ctx, cfg, "", zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		a.handler.Load().Close()
		a.privacy.close()
		_ = a.certs.Close()
	}()
	// newApp has mounted the admin API.
	path, err := a.bootstrapAdmin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v", err)
	}
	b, _ := os.ReadFile(path)
	adminTok := strings.TrimSpace(string(b))
	hs := httptest.NewServer(a.admin)
	defer hs.Close()

	out, errOut, err := runAdminCmd(t, "", "token", "create", "--admin-url", hs.URL, "--token", adminTok, "--role", "operator", "--ttl", "1h")
	if err != nil {
		t.Fatalf("token create through the API: %v %s", err, errOut)
	}
	opTok := lastLine(out)
	get := func(method, path, tok string) (int, string) {
		req, _ := http.NewRequest(method, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	code, body := get("GET", "/admin/v1/policy", opTok)
	var st struct {
		Revision string `json:"revision"`
	}
	_ = json.Unmarshal([]byte(body), &st)
	if code != 200 || st.Revision == "" {
		t.Fatalf("policy: %d %s", code, body)
	}
	if code, body := get("POST", "/admin/v1/keys/rotate", opTok); code != http.StatusConflict {
		t.Fatalf("rotation without a config file: %d %s", code, body)
	}
	if code, _ := get("POST", "/admin/v1/config/reload", opTok); code != 200 {
		t.Fatalf("reload: %d", code)
	}
	if code, _ := get("GET", "/admin/v1/identities", opTok); code != http.StatusForbidden {
		t.Fatalf("operator listing identities: %d", code)
	}
	if code, _ := get("GET", "/readyz", ""); code != 200 {
		t.Fatalf("readyz on loopback: %d", code)
	}
	// The rights service is wired: the register answers a compliance token, its gauges are exported.
	compOut, errOut, err := runAdminCmd(t, "", "token", "create", "--admin-url", hs.URL, "--token", adminTok, "--role", "compliance", "--ttl", "1h")
	if err != nil {
		t.Fatalf("compliance token: %v %s", err, errOut)
	}
	if code, body := get("GET", "/admin/v1/requests?overdue=true&reason=DSR-1", lastLine(compOut)); code != 200 || !strings.Contains(body, `"overdue":0`) {
		t.Fatalf("register listing: %d %s", code, body)
	}
	if _, body := get("GET", "/metrics", ""); !strings.Contains(body, "veil_rights_requests_overdue 0") || !strings.Contains(body, "veil_rights_requests_open 0") {
		t.Fatal("the register gauges are not on /metrics")
	}
	id := strings.Fields(out)[1]
	id = strings.TrimSuffix(id, ",")
	if _, errOut, err := runAdminCmd(t, "", "token", "revoke", id, "--admin-url", hs.URL, "--token", adminTok); err != nil {
		t.Fatalf("revoke through the API: %v %s", err, errOut)
	}
	if code, _ := get("GET", "/admin/v1/policy", opTok); code != http.StatusUnauthorized {
		t.Fatalf("revoked operator token: %d", code)
	}
	for _, secret := range []string{adminTok, opTok} {
		if strings.Contains(logs.String(), secret) {
			t.Error("a token appears in Veil's log")
		}
	}
}

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
