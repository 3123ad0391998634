package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/storetest"
)

const (
	cliSubject = "c00112233445566778899aabbccddeeff"
	cliEmail   = "maria.rossi@example.org"
)

// recordingAuditor keeps the events it is given.
type recordingAuditor struct {
	mu     sync.Mutex
	events []audit.Event
}

func (r *recordingAuditor) Record(_ context.Context, ev audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return nil
}

func (r *recordingAuditor) Pseudonym(s string) string { return "p-" + s }

func (r *recordingAuditor) ofType(t audit.Type) []audit.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []audit.Event
	for _, ev := range r.events {
		if ev.Type == t {
			out = append(out, ev)
		}
	}
	return out
}

// subjectsServer is an admin API over httptest with the real rights service, and a compliance
// token for it.
type subjectsServer struct {
	url, token string
	clock      *storetest.Clock
	vault      *vault.Vault
	aud        *recordingAuditor
	reg        *prometheus.Registry
}

func newSubjectsServer(t *testing.T) *subjectsServer {
	t.Helper()
	s := &subjectsServer{clock: storetest.NewClock(time.Now().UTC().Truncate(time.Millisecond)), aud: &recordingAuditor{},
		reg: prometheus.NewRegistry()}
	st, err := embedded.Open(filepath.Join(t.TempDir(), embedded.FileName), embedded.WithClock(s.clock.Now), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := vault.NewKeyring(vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	if s.vault, err = vault.New(st, kr, vault.Options{Now: s.clock.Now, CacheSize: -1}); err != nil {
		t.Fatal(err)
	}
	var rcfg rights.Config
	if err := rcfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rts, err := rights.New(rcfg, rights.Deps{Store: st, Vault: s.vault, Auditor: s.aud, Logger: zerolog.Nop(), Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := registerRightsMetrics(s.reg, rts); err != nil {
		t.Fatal(err)
	}
	srv := admin.NewServer(s.reg)
	var acfg admin.Config
	if err := acfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Configure(acfg, admin.Deps{Store: st, Auditor: s.aud, SecretKey: bytes.Repeat([]byte{3}, 32), Rights: rts}); err != nil {
		t.Fatal(err)
	}
	tok, err := srv.Accounts().IssueToken(context.Background(), admin.RoleCompliance, time.Hour, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	s.token = tok.Token
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.url = hs.URL
	return s
}

// run runs `veil subjects args…` against the server.
func (s *subjectsServer) run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--admin-url", s.url, "--token", s.token)
	err := runSubjects(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// gauge reads a gauge of the server's registry.
func (s *subjectsServer) gauge(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := s.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func TestSubjectsCLI(t *testing.T) {
	t.Parallel()
	s := newSubjectsServer(t)
	if _, err := s.vault.Tokenize(context.Background(), cliSubject, redact.Email, cliEmail, vault.Placeholder, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	received := s.clock.Now().Add(-31 * 24 * time.Hour).Format(time.DateOnly)

	out, errOut, err := s.run(t, "", "requests", "register", cliSubject, "--kind", "export", "--received", received, "--reason", "DSR-2026-17")
	if err != nil || !strings.Contains(out, "registered request") {
		t.Fatalf("register: %v %s %s", err, out, errOut)
	}
	out, errOut, err = s.run(t, "", "requests", "--overdue", "--reason", "DSR-2026-17")
	if err != nil || !strings.Contains(out, cliSubject) || !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "1 open, 1 overdue") {
		t.Fatalf("overdue list: %v\n%s%s", err, out, errOut)
	}
	if g := s.gauge(t, "veil_rights_requests_overdue"); g != 1 {
		t.Fatalf("overdue gauge %v", g)
	}

	file := filepath.Join(t.TempDir(), "export.json")
	out, errOut, err = s.run(t, "", "export", cliSubject, "--out", file, "--reason", "DSR-2026-17")
	if err != nil {
		t.Fatalf("export: %v %s", err, errOut)
	}
	if strings.Contains(out, cliEmail) {
		t.Error("the export's content was printed")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var x rights.Export
	if err := json.Unmarshal(b, &x); err != nil || len(x.Vault) != 1 || x.Vault[0].Value != cliEmail {
		t.Fatalf("export file: %v %s", err, b)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v", fi.Mode().Perm())
	}
	if _, _, err := s.run(t, "", "export", cliSubject, "--out", file, "--reason", "DSR-2026-17"); err == nil {
		t.Error("an existing export file was overwritten")
	}
	out, _, err = s.run(t, "", "requests", "--json", "--reason", "DSR-2026-17")
	var bl rights.Backlog
	if err != nil || json.Unmarshal([]byte(out), &bl) != nil || bl.Open != 0 || len(bl.Requests) != 1 || bl.Requests[0].Status != rights.StatusCompleted || s.gauge(t, "veil_rights_requests_overdue") != 0 {
		t.Fatalf("after the export: %v %s", err, out)
	}

	if _, errOut, err := s.run(t, cliEmail+"\nmaria.bianchi@example.org\n", "rectify", cliSubject, "--type", "EMAIL", "--reason", "DSR-2026-18"); err != nil {
		t.Fatalf("rectify: %v %s", err, errOut)
	}
	if _, _, err := s.run(t, "", "erase", cliSubject, "--reason", "DSR-2026-19"); err == nil {
		t.Fatal("erase without --yes ran")
	}
	out, errOut, err = s.run(t, "", "erase", cliSubject, "--yes", "--mode", "anonymize", "--reason", "DSR-2026-19")
	if err != nil || !strings.Contains(out, "data key destroyed: true") {
		t.Fatalf("erase: %v %s %s", err, out, errOut)
	}

	for _, typ := range []audit.Type{audit.SubjectExported, audit.SubjectRectified, audit.SubjectErased} {
		evs := s.aud.ofType(typ)
		if len(evs) != 1 || evs[0].Reason == "" || evs[0].Role != "compliance" {
			t.Errorf("%s events %+v", typ, evs)
		}
	}
	for _, ev := range s.aud.ofType(audit.AdminAccess) {
		if ev.Reason == "" || ev.Outcome != "ok" {
			t.Errorf("access event %+v", ev)
		}
	}
}

func TestSubjectsCLIUsage(t *testing.T) {
	t.Parallel()
	s := newSubjectsServer(t)
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{desc: "no reason", args: []string{"export", cliSubject, "--out", "x.json"}, want: "--reason is required"},
		{desc: "no out", args: []string{"export", cliSubject, "--reason", "R-1"}, want: "--out is required"},
		{desc: "no id", args: []string{"erase", "--yes", "--reason", "R-1"}, want: "give the subject id"},
		{desc: "no type", args: []string{"rectify", cliSubject, "--reason", "R-1"}, want: "--type is required"},
		{desc: "no kind", args: []string{"requests", "register", cliSubject, "--reason", "R-1"}, want: "--kind is required"},
		{desc: "unknown command", args: []string{"forget"}, want: "unknown command"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, errOut, err := s.run(t, "", tc.args...)
			if err != errUsage || !strings.Contains(errOut, tc.want) {
				t.Fatalf("err %v, stderr %q", err, errOut)
			}
		})
	}
	// The API's refusal comes back as an error with its message.
	_, _, err := s.run(t, "", "export", "not-a-subject", "--out", filepath.Join(t.TempDir(), "x.json"), "--reason", "R-1")
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("bad subject id: %v", err)
	}
}

// TestSubjectsCLINoToken: without a token the command refuses instead of opening the store.
// (Not parallel: it sets the environment.)
func TestSubjectsCLINoToken(t *testing.T) {
	t.Setenv("VEIL_ADMIN_TOKEN", "")
	var out, errOut bytes.Buffer
	err := runSubjects(context.Background(), []string{"requests", "--reason", "R-1", "--admin-url", "http://127.0.0.1:1"}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "token is required") {
		t.Fatalf("without a token: %v", err)
	}
}
