package admin

import (
	"context"
	"crypto/subtle"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/audit"
)

// TestRejections: every API endpoint refuses callers without valid credentials, and data
// endpoints refuse requests without a well-formed reason.
func TestRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	expired := e.token(RoleAdmin)
	revoked := e.token(RoleAdmin)
	if err := e.srv.Accounts().RevokeToken(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	good := e.token(RoleCompliance)
	// A token whose id exists but whose secret is wrong.
	forged := good.Token[:len(good.Token)-4] + "AAAA"
	if forged == good.Token {
		forged = good.Token[:len(good.Token)-4] + "BBBB"
	}

	for _, ep := range endpoints {
		if !strings.Contains(ep.Pattern, "/admin/") {
			continue
		}
		method, path := concretePath(ep.Pattern)
		for _, tc := range []struct {
			desc  string
			token string
			auth  string
			want  int
		}{
			{desc: "no credentials", want: http.StatusUnauthorized},
			{desc: "malformed token", token: "veil_nothex_abc", want: http.StatusUnauthorized},
			{desc: "wrong secret", token: forged, want: http.StatusUnauthorized},
			{desc: "revoked token", token: revoked.Token, want: http.StatusUnauthorized},
			{desc: "basic auth", auth: "Basic YWRtaW46YWRtaW4=", want: http.StatusUnauthorized},
			{desc: "bogus session", auth: "cookie", want: http.StatusUnauthorized},
		} {
			t.Run(ep.Pattern+"/"+tc.desc, func(t *testing.T) {
				r := req{method: method, path: path, token: tc.token, header: map[string]string{ReasonHeader: "INC-1"}}
				if tc.auth == "cookie" {
					r.cookie = strings.Repeat("a", 32) + ".secret"
				} else if tc.auth != "" {
					r.header["Authorization"] = tc.auth
				}
				if got := e.do(r); got.status != tc.want {
					t.Fatalf("status %d, want %d", got.status, tc.want)
				}
			})
		}
	}

	// Expiry, with the injected clock: the token was issued for an hour.
	e.clock.advance(time.Hour)
	t.Run("expired token", func(t *testing.T) {
		if got := e.do(req{method: "GET", path: "/admin/v1/tokens", token: expired.Token}); got.status != http.StatusUnauthorized {
			t.Fatalf("expired token: %d", got.status)
		}
	})

	fresh := e.token(RoleCompliance)
	for _, tc := range []struct {
		desc, path string
		header     map[string]string
		body       any
		want       int
	}{
		{desc: "subject export without reason", path: "/admin/v1/subjects/s-1/export", want: http.StatusBadRequest},
		{desc: "subject erase without reason", path: "/admin/v1/subjects/s-1/erase", body: `{}`, want: http.StatusBadRequest},
		{desc: "subject rectify with prose reason", path: "/admin/v1/subjects/s-1/rectify",
			header: map[string]string{ReasonHeader: "because the customer asked"}, want: http.StatusBadRequest},
		{desc: "reason too long", path: "/admin/v1/subjects/s-1/export",
			header: map[string]string{ReasonHeader: strings.Repeat("A", 65)}, want: http.StatusBadRequest},
		{desc: "reason in the body", path: "/admin/v1/subjects/s-1/export", body: `{"reason":"DSR-17"}`, want: http.StatusNotImplemented},
		{desc: "reason in the header", path: "/admin/v1/subjects/s-1/export", header: map[string]string{ReasonHeader: "DSR#17"}, want: http.StatusNotImplemented},
		{desc: "audit by subject without reason", path: "GET /admin/v1/audit?subject=s-1", want: http.StatusBadRequest},
		{desc: "audit by subject with reason", path: "GET /admin/v1/audit?subject=s-1&reason=INC-2", want: http.StatusOK},
		{desc: "audit without subject needs no reason", path: "GET /admin/v1/audit", want: http.StatusOK},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			method, path := "POST", tc.path
			if m, p, ok := strings.Cut(tc.path, " "); ok {
				method, path = m, p
			}
			got := e.do(req{method: method, path: path, token: fresh.Token, header: tc.header, body: tc.body})
			if got.status != tc.want {
				t.Fatalf("status %d %s, want %d", got.status, got.body, tc.want)
			}
		})
	}
	for _, ev := range e.auditor.ofType(audit.AdminAccess) {
		if ev.Reason == "" && ev.Subject != "" {
			t.Errorf("data access without reason audited: %+v", ev)
		}
	}
}

// TestDataAccessAuditedOnce: each successful data access produces exactly one admin.access event
// with actor, role, action, subject, reason and outcome.
func TestDataAccessAuditedOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		role   Role
		header map[string]string
		path   string
	}{
		{desc: "compliance, reason header", role: RoleCompliance, header: map[string]string{ReasonHeader: "INC-4711"}, path: "/admin/v1/audit?subject=visitor-42"},
		{desc: "auditor, reason query", role: RoleAuditor, path: "/admin/v1/audit?subject=visitor-42&reason=INC-4711"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			tok := e.token(tc.role)
			if r := e.do(req{method: "GET", path: tc.path, token: tok.Token, header: tc.header}); r.status != 200 {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			evs := e.auditor.ofType(audit.AdminAccess)
			if len(evs) != 1 {
				t.Fatalf("%d admin.access events, want 1: %+v", len(evs), evs)
			}
			ev := evs[0]
			want := audit.Event{Type: audit.AdminAccess, Subject: "visitor-42", Route: "admin", Outcome: "ok",
				Actor: "token:" + tok.ID, Role: string(tc.role), Reason: "INC-4711", Actions: map[string]int{"audit.read": 1}}
			ev.RequestID = ""
			if !reflect.DeepEqual(ev, want) {
				t.Fatalf("event\n got %+v\nwant %+v", ev, want)
			}
		})
	}
}

// TestAuditUnavailable: an access that cannot be recorded is refused and leaves nothing behind.
func TestAuditUnavailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.token(RoleAdmin)
	e.auditor.mu.Lock()
	e.auditor.fail = audit.ErrUnavailable
	e.auditor.mu.Unlock()
	r := e.do(req{method: "POST", path: "/admin/v1/tokens", token: admin.Token, body: TokenRequest{Role: RoleAuditor, TTL: "1h"}})
	if r.status != http.StatusServiceUnavailable || strings.Contains(r.body, "veil_") {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	toks, _ := e.srv.Accounts().Tokens(context.Background())
	if len(toks) != 1 {
		t.Fatalf("the unaudited token was kept: %+v", toks)
	}
}

// TestConstantTimeCompare: secrets are compared with crypto/subtle.
func TestConstantTimeCompare(t *testing.T) {
	t.Parallel()
	if reflect.ValueOf(compare).Pointer() != reflect.ValueOf(subtle.ConstantTimeCompare).Pointer() {
		t.Fatal("compare is not subtle.ConstantTimeCompare")
	}
	if !equal([]byte("abc"), []byte("abc")) || equal([]byte("abc"), []byte("abd")) || equal([]byte("abc"), []byte("ab")) {
		t.Fatal("equal is wrong")
	}
}

// TestTokenLifecycle: issue through the API (shown once), list without secrets, revoke.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.token(RoleAdmin)
	r := e.do(req{method: "POST", path: "/admin/v1/tokens", token: admin.Token, body: map[string]string{"role": "auditor", "ttl": "1h"}})
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"token":"veil_`) {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	var issued IssuedToken
	mustJSON(t, r.body, &issued)
	if len(issued.Token) < 5+16+1+43 {
		t.Fatalf("token too short: %d", len(issued.Token))
	}
	list := e.do(req{method: "GET", path: "/admin/v1/tokens", token: admin.Token})
	if strings.Contains(list.body, issued.Token) || strings.Contains(list.body, "hash") {
		t.Fatalf("token list shows a secret: %s", list.body)
	}
	e.store.mu.Lock()
	for _, rec := range e.store.m {
		if strings.Contains(string(rec.Value), issued.Token) {
			t.Error("the token is stored in clear")
		}
	}
	e.store.mu.Unlock()
	if r := e.do(req{method: "GET", path: "/admin/v1/audit", token: issued.Token}); r.status != 200 {
		t.Fatalf("new token: %d", r.status)
	}
	if r := e.do(req{method: "DELETE", path: "/admin/v1/tokens/" + issued.ID, token: admin.Token}); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.do(req{method: "GET", path: "/admin/v1/audit", token: issued.Token}); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", r.status)
	}
	for _, tc := range []struct {
		desc string
		body any
	}{
		{desc: "unknown role", body: map[string]string{"role": "root"}},
		{desc: "ttl too long", body: map[string]string{"role": "auditor", "ttl": "100000h"}},
		{desc: "ttl not a duration", body: map[string]string{"role": "auditor", "ttl": "soon"}},
		{desc: "unknown field", body: map[string]string{"role": "auditor", "scope": "all"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if r := e.do(req{method: "POST", path: "/admin/v1/tokens", token: admin.Token, body: tc.body}); r.status != http.StatusBadRequest {
				t.Fatalf("status %d", r.status)
			}
		})
	}
}

// TestObserveEndpoints: health and metrics are open on loopback, need a token elsewhere.
func TestObserveEndpoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		listen string
		open   bool
	}{
		{desc: "loopback", listen: "127.0.0.1:9090", open: true},
		{desc: "all interfaces", listen: ":9090", open: false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *Config, _ *Deps) { c.Listen = tc.listen })
			tok := e.token(RoleAuditor)
			for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
				want := http.StatusOK
				if !tc.open {
					want = http.StatusUnauthorized
				}
				if r := e.do(req{method: "GET", path: p}); r.status != want {
					t.Errorf("%s without token: %d, want %d", p, r.status, want)
				}
				if r := e.do(req{method: "GET", path: p, token: tok.Token}); r.status != http.StatusOK {
					t.Errorf("%s with token: %d", p, r.status)
				}
			}
		})
	}
}

// TestOperatorEndpoints: reload, policy and rotation call the app's functions.
func TestOperatorEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op := e.token(RoleOperator)
	if r := e.do(req{method: "POST", path: "/admin/v1/config/reload", token: op.Token}); r.status != 200 {
		t.Fatalf("reload: %d", r.status)
	}
	e.mu.Lock()
	n := e.reloads
	e.mu.Unlock()
	if n != 1 {
		t.Fatalf("reloads = %d", n)
	}
	if r := e.do(req{method: "GET", path: "/admin/v1/policy", token: op.Token}); r.status != 200 || !strings.Contains(r.body, "rev-1") {
		t.Fatalf("policy: %d %s", r.status, r.body)
	}
	if r := e.do(req{method: "POST", path: "/admin/v1/keys/rotate", token: op.Token}); r.status != 200 || !strings.Contains(r.body, "rewrapped") {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	acts := map[string]bool{}
	for _, ev := range e.auditor.ofType(audit.AdminAccess) {
		for k := range ev.Actions {
			acts[k] = true
		}
	}
	if !acts["config.reload"] || !acts["keys.rotate"] {
		t.Fatalf("operator actions not audited: %v", acts)
	}
}
