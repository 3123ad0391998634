package admin

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/storetest"
)

// testSubject is a subject id of the shape Veil gives out.
const testSubject = "c0123456789abcdef0123456789abcdef"

const testEmail = "maria.rossi@example.org"

// rightsEnv is an admin server whose Rights is the real rights service over an embedded store;
// the service and the admin API share the fake auditor, the rights service has its own clock.
type rightsEnv struct {
	*env
	clock *storetest.Clock
	vault *vault.Vault
	svc   *rights.Service
}

func newRightsEnv(t *testing.T) *rightsEnv {
	t.Helper()
	re := &rightsEnv{clock: storetest.NewClock(time.Now().UTC().Truncate(time.Millisecond))}
	st, err := embedded.Open(filepath.Join(t.TempDir(), embedded.FileName), embedded.WithClock(re.clock.Now), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := vault.NewKeyring(vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	if re.vault, err = vault.New(st, kr, vault.Options{Now: re.clock.Now, CacheSize: -1}); err != nil {
		t.Fatal(err)
	}
	aud := &fakeAuditor{}
	var cfg rights.Config
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if re.svc, err = rights.New(cfg, rights.Deps{Store: st, Vault: re.vault, Auditor: aud, Logger: zerolog.Nop(), Now: re.clock.Now}); err != nil {
		t.Fatal(err)
	}
	re.env = newEnv(t, func(_ *Config, d *Deps) { d.Auditor = aud; d.Rights = re.svc })
	re.env.auditor = aud
	return re
}

func (re *rightsEnv) tokenize(subject string, t redact.Type, value string) {
	re.t.Helper()
	if _, err := re.vault.Tokenize(context.Background(), subject, t, value, vault.Placeholder, 24*time.Hour); err != nil {
		re.t.Fatal(err)
	}
}

// assertNoValue fails if any recorded audit event carries value.
func (re *rightsEnv) assertNoValue(value string) {
	re.t.Helper()
	for _, ev := range re.auditor.all() {
		b, _ := json.Marshal(ev)
		if bytes.Contains(b, []byte(value)) {
			re.t.Errorf("audit event %s carries a personal value", ev.Type)
		}
	}
}

// TestSubjectEndpoints: each subject endpoint works for compliance with exactly one admin.access
// event and one rights event, both with the reason and the actor.
func TestSubjectEndpoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc      string
		path      string
		body      any
		action    string
		rightsEvt audit.Type
		check     func(t *testing.T, r resp)
	}{
		{desc: "export json", path: "/admin/v1/subjects/" + testSubject + "/export", action: "subjects.export", rightsEvt: audit.SubjectExported,
			check: func(t *testing.T, r resp) {
				var x rights.Export
				mustJSON(t, r.body, &x)
				if x.Subject != testSubject || len(x.Vault) != 1 || x.Vault[0].Value != testEmail {
					t.Fatalf("export %+v", x)
				}
				if cd := r.res.Header.Get("Content-Disposition"); !strings.Contains(cd, ".json") || r.res.Header.Get("Cache-Control") != "no-store" {
					t.Fatalf("headers %v", r.res.Header)
				}
			}},
		{desc: "export csv", path: "/admin/v1/subjects/" + testSubject + "/export?format=csv", action: "subjects.export", rightsEvt: audit.SubjectExported,
			check: func(t *testing.T, r resp) {
				if r.res.Header.Get("Content-Type") != "application/zip" {
					t.Fatalf("content type %q", r.res.Header.Get("Content-Type"))
				}
				z, err := zip.NewReader(strings.NewReader(r.body), int64(len(r.body)))
				if err != nil || len(z.File) == 0 {
					t.Fatalf("not a zip: %v", err)
				}
			}},
		{desc: "erase", path: "/admin/v1/subjects/" + testSubject + "/erase", action: "subjects.erase", rightsEvt: audit.SubjectErased,
			check: func(t *testing.T, r resp) {
				var rc rights.Receipt
				mustJSON(t, r.body, &rc)
				if !rc.KeyDestroyed || rc.Mode != rights.ModeErase {
					t.Fatalf("receipt %+v", rc)
				}
			}},
		{desc: "erase anonymize", path: "/admin/v1/subjects/" + testSubject + "/erase?mode=anonymize", action: "subjects.erase", rightsEvt: audit.SubjectErased,
			check: func(t *testing.T, r resp) {
				var rc rights.Receipt
				mustJSON(t, r.body, &rc)
				if rc.Mode != rights.ModeAnonymize {
					t.Fatalf("receipt %+v", rc)
				}
			}},
		{desc: "rectify", path: "/admin/v1/subjects/" + testSubject + "/rectify", action: "subjects.rectify", rightsEvt: audit.SubjectRectified,
			body: RectifyRequest{Type: "EMAIL", Old: testEmail, New: "maria.bianchi@example.org"},
			check: func(t *testing.T, r resp) {
				if !strings.Contains(r.body, `"rectified":true`) {
					t.Fatalf("body %s", r.body)
				}
			}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			re := newRightsEnv(t)
			re.tokenize(testSubject, redact.Email, testEmail)
			tok := re.token(RoleCompliance)
			r := re.do(req{method: "POST", path: tc.path, body: tc.body, token: tok.Token, header: map[string]string{ReasonHeader: "DSR-2026-17"}})
			if r.status != http.StatusOK {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			tc.check(t, r)
			acc := re.auditor.ofType(audit.AdminAccess)
			if len(acc) != 1 || acc[0].Reason != "DSR-2026-17" || acc[0].Subject != testSubject || acc[0].Actions[tc.action] != 1 ||
				acc[0].Actor != "token:"+tok.ID || acc[0].Outcome != "ok" {
				t.Fatalf("admin.access events %+v", acc)
			}
			evs := re.auditor.ofType(tc.rightsEvt)
			if len(evs) != 1 || evs[0].Reason != "DSR-2026-17" || evs[0].Actor != "token:"+tok.ID || evs[0].Role != "compliance" ||
				evs[0].Actions["channel.admin"] != 1 || evs[0].RequestID != acc[0].RequestID {
				t.Fatalf("%s events %+v", tc.rightsEvt, evs)
			}
			if n := len(re.auditor.all()); n != 2 {
				t.Fatalf("%d audit events, want 2", n)
			}
			re.assertNoValue(testEmail)
		})
	}
}

// TestSubjectEndpointsRefuse: no reason, a malformed id or body, a value not stored, and roles
// without the permission.
func TestSubjectEndpointsRefuse(t *testing.T) {
	t.Parallel()
	re := newRightsEnv(t)
	re.tokenize(testSubject, redact.Email, testEmail)
	comp := re.token(RoleCompliance)
	reason := map[string]string{ReasonHeader: "DSR-1"}
	base := "/admin/v1/subjects/" + testSubject
	for _, tc := range []struct {
		desc   string
		method string
		path   string
		role   Role
		header map[string]string
		body   any
		want   int
	}{
		{desc: "export without reason", path: base + "/export", want: http.StatusBadRequest},
		{desc: "erase without reason", path: base + "/erase", want: http.StatusBadRequest},
		{desc: "rectify without reason", path: base + "/rectify", body: RectifyRequest{Type: "EMAIL", Old: testEmail, New: "x@example.org"}, want: http.StatusBadRequest},
		{desc: "register without reason", path: "/admin/v1/requests", body: RegisterRequest{Subject: testSubject, Kind: "export"}, want: http.StatusBadRequest},
		{desc: "list without reason", method: "GET", path: "/admin/v1/requests", want: http.StatusBadRequest},
		{desc: "complete without reason", path: "/admin/v1/requests/abc/complete", body: CompleteRequest{Subject: testSubject}, want: http.StatusBadRequest},
		{desc: "malformed subject id", path: "/admin/v1/subjects/_rights/export", header: reason, want: http.StatusBadRequest},
		{desc: "e-mail as subject id", path: "/admin/v1/subjects/" + testEmail + "/export", header: reason, want: http.StatusBadRequest},
		{desc: "bad format", path: base + "/export?format=xml", header: reason, want: http.StatusBadRequest},
		{desc: "bad mode", path: base + "/erase?mode=shred", header: reason, want: http.StatusBadRequest},
		{desc: "rectify unknown type", path: base + "/rectify", header: reason, body: RectifyRequest{Type: "SHOE", Old: "a", New: "b"}, want: http.StatusBadRequest},
		{desc: "rectify value not stored", path: base + "/rectify", header: reason, body: RectifyRequest{Type: "EMAIL", Old: "other@example.org", New: "x@example.org"}, want: http.StatusNotFound},
		{desc: "register bad kind", path: "/admin/v1/requests", header: reason, body: RegisterRequest{Subject: testSubject, Kind: "forget"}, want: http.StatusBadRequest},
		{desc: "register bad date", path: "/admin/v1/requests", header: reason, body: RegisterRequest{Subject: testSubject, Kind: "erase", Received: "20.11.2026"}, want: http.StatusBadRequest},
		{desc: "register future date", path: "/admin/v1/requests", header: reason, body: RegisterRequest{Subject: testSubject, Kind: "erase", Received: "2999-01-01"}, want: http.StatusBadRequest},
		{desc: "list bad status", method: "GET", path: "/admin/v1/requests?status=late", header: reason, want: http.StatusBadRequest},
		{desc: "complete unknown request", path: "/admin/v1/requests/abc/complete", header: reason, body: CompleteRequest{Subject: testSubject}, want: http.StatusNotFound},
		{desc: "operator exports", role: RoleOperator, path: base + "/export", header: reason, want: http.StatusForbidden},
		{desc: "auditor erases", role: RoleAuditor, path: base + "/erase", header: reason, want: http.StatusForbidden},
		{desc: "admin rectifies", role: RoleAdmin, path: base + "/rectify", header: reason, body: RectifyRequest{Type: "EMAIL", Old: testEmail, New: "x@example.org"}, want: http.StatusForbidden},
		{desc: "auditor lists requests", role: RoleAuditor, method: "GET", path: "/admin/v1/requests", header: reason, want: http.StatusForbidden},
		{desc: "operator registers", role: RoleOperator, path: "/admin/v1/requests", header: reason, body: RegisterRequest{Subject: testSubject, Kind: "export"}, want: http.StatusForbidden},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			tok := comp.Token
			if tc.role != "" {
				tok = re.token(tc.role).Token
			}
			method := tc.method
			if method == "" {
				method = "POST"
			}
			if r := re.do(req{method: method, path: tc.path, token: tok, header: tc.header, body: tc.body}); r.status != tc.want {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.want)
			}
		})
	}
	// Nothing was exported, erased or rectified, and the value never reached the trail.
	for _, typ := range []audit.Type{audit.SubjectExported, audit.SubjectErased} {
		if evs := re.auditor.ofType(typ); len(evs) != 0 {
			t.Errorf("%s recorded: %+v", typ, evs)
		}
	}
	re.assertNoValue(testEmail)
	re.assertNoValue("other@example.org")
	if strings.Contains(re.logs.String(), testEmail) {
		t.Error("the log carries a personal value")
	}
}

// TestRequestRegister: a request received by letter is registered with its date, shows as overdue
// once the deadline has passed (rights clock), and the export that answers it completes it.
func TestRequestRegister(t *testing.T) {
	t.Parallel()
	re := newRightsEnv(t)
	tok := re.token(RoleCompliance)
	reason := map[string]string{ReasonHeader: "DSR-2026-17"}
	received := re.clock.Now().Add(-25 * 24 * time.Hour).Format(time.DateOnly)

	r := re.do(req{method: "POST", path: "/admin/v1/requests", token: tok.Token, header: reason,
		body: RegisterRequest{Subject: testSubject, Kind: "export", Received: received}})
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var reg rights.SubjectRequest
	mustJSON(t, r.body, &reg)
	if reg.Subject != testSubject || reg.Kind != rights.RequestAccess || reg.Channel != rights.ChannelLetter ||
		reg.Received.Format(time.DateOnly) != received || reg.Status != rights.StatusReceived {
		t.Fatalf("registered %+v", reg)
	}
	// Reason in the body works too.
	r = re.do(req{method: "POST", path: "/admin/v1/requests", token: tok.Token,
		body: RegisterRequest{Subject: "h0123456789abcdef0123456789abcdef", Kind: "objection", Channel: "email", Reason: "DSR-2026-18"}})
	if r.status != http.StatusCreated {
		t.Fatalf("register objection: %d %s", r.status, r.body)
	}
	var obj rights.SubjectRequest
	mustJSON(t, r.body, &obj)

	list := func(query string) rights.Backlog {
		t.Helper()
		r := re.do(req{method: "GET", path: "/admin/v1/requests" + query, token: tok.Token, header: reason})
		if r.status != http.StatusOK {
			t.Fatalf("list %s: %d %s", query, r.status, r.body)
		}
		var b rights.Backlog
		mustJSON(t, r.body, &b)
		return b
	}
	if b := list("?overdue=true"); len(b.Requests) != 0 || b.Open != 2 {
		t.Fatalf("overdue before the deadline: %+v", b)
	}
	re.clock.Advance(6 * 24 * time.Hour)
	b := list("?overdue=true")
	if len(b.Requests) != 1 || b.Requests[0].ID != reg.ID || !b.Requests[0].Overdue || b.Overdue != 1 {
		t.Fatalf("overdue listing: %+v", b)
	}
	if b := list("?status=open"); len(b.Requests) != 2 {
		t.Fatalf("open listing: %+v", b)
	}

	r = re.do(req{method: "POST", path: "/admin/v1/subjects/" + testSubject + "/export", token: tok.Token, header: reason})
	if r.status != http.StatusOK {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	if b := list("?overdue=true"); len(b.Requests) != 0 || b.Overdue != 0 || b.Open != 1 {
		t.Fatalf("overdue after the export: %+v", b)
	}

	r = re.do(req{method: "POST", path: "/admin/v1/requests/" + obj.ID + "/complete", token: tok.Token, header: reason,
		body: CompleteRequest{Subject: obj.Subject}})
	if r.status != http.StatusOK || !strings.Contains(r.body, `"status":"completed"`) {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	if b := list("?status=open"); len(b.Requests) != 0 || b.Open != 0 {
		t.Fatalf("open after completing: %+v", b)
	}
	if b := list("?status=completed"); len(b.Requests) != 2 {
		t.Fatalf("completed: %+v", b)
	}
	// Every call is one admin.access event with its reason; listings name no subject.
	for _, ev := range re.auditor.ofType(audit.AdminAccess) {
		if ev.Reason == "" || ev.Outcome != "ok" {
			t.Errorf("access event %+v", ev)
		}
		if ev.Actions["requests.list"] == 1 && ev.Subject != "" {
			t.Errorf("listing names a subject: %+v", ev)
		}
	}
}
