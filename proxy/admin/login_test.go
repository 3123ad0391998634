package admin

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/audit"
)

// TestLogin covers the interactive login: cookie attributes, wrong factors, replay, recovery codes.
func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.identity("dpo", RoleCompliance)
	if c.Password == "" || c.TOTPSecret == "" || !strings.HasPrefix(c.TOTPURL, "otpauth://totp/") || len(c.RecoveryCodes) != recoveryCodes {
		t.Fatalf("credentials incomplete: %+v", c)
	}

	cookie, r := e.login(LoginRequest{Name: "dpo", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)})
	if r.status != 200 || cookie == "" {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	var sc *http.Cookie
	for _, k := range r.res.Cookies() {
		if k.Name == SessionCookie {
			sc = k
		}
	}
	if !sc.Secure || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Path != "/" || sc.Domain != "" {
		t.Fatalf("cookie attributes: %+v", sc)
	}
	if r := e.do(req{method: "GET", path: "/admin/v1/whoami", cookie: cookie}); r.status != 200 || !strings.Contains(r.body, `"actor":"dpo"`) {
		t.Fatalf("whoami: %d %s", r.status, r.body)
	}

	e.clock.advance(totpPeriod * time.Second)
	for _, tc := range []struct {
		desc string
		lr   LoginRequest
	}{
		{desc: "replayed TOTP code within its window", lr: LoginRequest{Name: "dpo", Password: c.Password, TOTP: e.code(c.TOTPSecret, -1)}},
		{desc: "wrong TOTP", lr: LoginRequest{Name: "dpo", Password: c.Password, TOTP: "000000"}},
		{desc: "no TOTP", lr: LoginRequest{Name: "dpo", Password: c.Password}},
		{desc: "wrong password", lr: LoginRequest{Name: "dpo", Password: "wrong password!", TOTP: e.code(c.TOTPSecret, 0)}},
		{desc: "unknown user", lr: LoginRequest{Name: "nobody", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)}},
		{desc: "bogus recovery code", lr: LoginRequest{Name: "dpo", Password: c.Password, RecoveryCode: "AAAA-BBBB-CCCC-DDDD"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			cookie, r := e.login(tc.lr)
			if r.status != http.StatusUnauthorized || cookie != "" {
				t.Fatalf("status %d, cookie %v", r.status, cookie != "")
			}
			if !strings.Contains(r.body, "invalid credentials") {
				t.Fatalf("body %s", r.body)
			}
		})
	}
	// Five of the failures above were dpo's: the identity is locked. Lift it; a fresh code works.
	if _, err := e.srv.Accounts().UpdateIdentity(t.Context(), "dpo", IdentityUpdate{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if cookie, r := e.login(LoginRequest{Name: "dpo", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)}); cookie == "" {
		t.Fatalf("fresh code: %d %s", r.status, r.body)
	}
	// Recovery code: works once, in any case and with or without dashes.
	rc := strings.ToLower(strings.ReplaceAll(c.RecoveryCodes[3], "-", ""))
	if cookie, r := e.login(LoginRequest{Name: "dpo", Password: c.Password, RecoveryCode: rc}); cookie == "" {
		t.Fatalf("recovery code: %d %s", r.status, r.body)
	}
	if cookie, _ := e.login(LoginRequest{Name: "dpo", Password: c.Password, RecoveryCode: c.RecoveryCodes[3]}); cookie != "" {
		t.Fatal("a recovery code worked twice")
	}
	id, _ := e.srv.Accounts().Identity(t.Context(), "dpo")
	if id.RecoveryCodesLeft != recoveryCodes-1 {
		t.Fatalf("recovery codes left %d", id.RecoveryCodesLeft)
	}

	outcomes := map[string]int{}
	for _, ev := range e.auditor.ofType(audit.AdminLogin) {
		outcomes[ev.Outcome]++
		if ev.Actor == "nobody" {
			t.Error("an unknown name was recorded as actor")
		}
	}
	if outcomes[OutcomeOK] != 3 || outcomes[OutcomeDenied]+outcomes[OutcomeLocked] != 7 {
		t.Fatalf("login outcomes %v", outcomes)
	}
}

// TestLockout: after threshold failures the right credentials are refused until the lock ends
// or an admin lifts it.
func TestLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.Lockout.Threshold = 3; c.Lockout.Duration = 10 * time.Minute })
	c := e.identity("ops", RoleOperator)
	for range 3 {
		if cookie, _ := e.login(LoginRequest{Name: "ops", Password: "not the password"}); cookie != "" {
			t.Fatal("wrong password accepted")
		}
	}
	locked := e.auditor.ofType(audit.AdminLogin)
	if last := locked[len(locked)-1]; last.Outcome != OutcomeLocked || last.Actor != "ops" {
		t.Fatalf("third failure: %+v", last)
	}
	if cookie, r := e.login(LoginRequest{Name: "ops", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)}); cookie != "" || r.status != http.StatusUnauthorized {
		t.Fatalf("locked-out account signed in: %d", r.status)
	}
	e.clock.advance(10*time.Minute + time.Second)
	if cookie, r := e.login(LoginRequest{Name: "ops", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)}); cookie == "" {
		t.Fatalf("after the lock: %d %s", r.status, r.body)
	}

	// An admin lifts a lock early.
	for range 3 {
		e.login(LoginRequest{Name: "ops", Password: "not the password"})
	}
	admin := e.token(RoleAdmin)
	r := e.do(req{method: "GET", path: "/admin/v1/identities/ops", token: admin.Token})
	if !strings.Contains(r.body, "locked_until") {
		t.Fatalf("identity does not show the lock: %s", r.body)
	}
	if r := e.do(req{method: "PATCH", path: "/admin/v1/identities/ops", token: admin.Token, body: IdentityUpdate{Unlock: true}}); r.status != 200 {
		t.Fatalf("unlock: %d %s", r.status, r.body)
	}
	e.clock.advance(totpPeriod * time.Second)
	if cookie, r := e.login(LoginRequest{Name: "ops", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)}); cookie == "" {
		t.Fatalf("after unlock: %d %s", r.status, r.body)
	}
}

// TestLoginRateLimit: attempts are limited per client address and per name.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.LoginRatePerMinute = 3; c.Lockout.Threshold = 100 })
	for i := range 3 {
		if _, r := e.login(LoginRequest{Name: "n" + string(rune('a'+i)), Password: "x"}); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	if _, r := e.login(LoginRequest{Name: "nz", Password: "x"}); r.status != http.StatusTooManyRequests {
		t.Fatalf("4th attempt from one address: %d", r.status)
	}
	evs := e.auditor.ofType(audit.AdminLogin)
	if evs[len(evs)-1].Outcome != OutcomeRateLimited {
		t.Fatalf("rate limit not audited: %+v", evs[len(evs)-1])
	}
	e.clock.advance(time.Minute)
	if _, r := e.login(LoginRequest{Name: "nz", Password: "x"}); r.status != http.StatusUnauthorized {
		t.Fatalf("after a minute: %d", r.status)
	}

	// Per name: a fresh limiter per address is simulated by calling the limiter directly.
	l := newLimiter(2)
	now := e.clock.now()
	first := l.allow("dpo", now)
	second := l.allow("dpo", now)
	third := l.allow("dpo", now)
	if !first || !second || third {
		t.Fatal("per-name limit not applied")
	}
	if !l.allow("other", now) {
		t.Fatal("another name was limited")
	}
}

// TestSessions: idle timeout, absolute timeout, logout and revocation, cross-origin refusal.
func TestSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.SessionIdleTimeout = 30 * time.Minute; c.SessionMaxAge = time.Hour })
	c := e.identity("root", RoleAdmin)
	login := func() string {
		t.Helper()
		e.clock.advance(totpPeriod * time.Second)
		cookie, r := e.login(LoginRequest{Name: "root", Password: c.Password, TOTP: e.code(c.TOTPSecret, 0)})
		if cookie == "" {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		return cookie
	}
	get := func(cookie string) int {
		return e.do(req{method: "GET", path: "/admin/v1/sessions", cookie: cookie}).status
	}

	t.Run("idle past its timeout", func(t *testing.T) {
		s := login()
		e.clock.advance(29 * time.Minute)
		if st := get(s); st != 200 {
			t.Fatalf("within idle timeout: %d", st)
		}
		e.clock.advance(30*time.Minute + time.Second)
		if st := get(s); st != http.StatusUnauthorized {
			t.Fatalf("idle session: %d", st)
		}
	})
	t.Run("absolute timeout while active", func(t *testing.T) {
		s := login()
		for range 4 {
			e.clock.advance(15 * time.Minute)
			get(s)
		}
		if st := get(s); st != http.StatusUnauthorized {
			t.Fatalf("session past max age: %d", st)
		}
	})
	t.Run("logout", func(t *testing.T) {
		s := login()
		if r := e.do(req{method: "POST", path: "/admin/v1/logout", cookie: s}); r.status != http.StatusNoContent {
			t.Fatalf("logout: %d", r.status)
		}
		if st := get(s); st != http.StatusUnauthorized {
			t.Fatalf("after logout: %d", st)
		}
	})
	t.Run("revoked by an admin", func(t *testing.T) {
		s := login()
		id, _, _ := strings.Cut(s, ".")
		admin := e.token(RoleAdmin)
		list := e.do(req{method: "GET", path: "/admin/v1/sessions", token: admin.Token})
		if !strings.Contains(list.body, id) || strings.Contains(list.body, s) {
			t.Fatalf("session list: %s", list.body)
		}
		if r := e.do(req{method: "DELETE", path: "/admin/v1/sessions/" + id, token: admin.Token}); r.status != http.StatusNoContent {
			t.Fatalf("revoke: %d", r.status)
		}
		if st := get(s); st != http.StatusUnauthorized {
			t.Fatalf("revoked session: %d", st)
		}
	})
	t.Run("cross-origin request with a session", func(t *testing.T) {
		s := login()
		r := e.do(req{method: "POST", path: "/admin/v1/tokens", cookie: s, body: TokenRequest{Role: RoleAuditor},
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
		if r.status != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d", r.status)
		}
	})
	t.Run("identity deleted", func(t *testing.T) {
		s := login()
		e.identity("root2", RoleAdmin)
		admin := e.token(RoleAdmin)
		if r := e.do(req{method: "DELETE", path: "/admin/v1/identities/root", token: admin.Token}); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if st := get(s); st != http.StatusUnauthorized {
			t.Fatalf("session of a deleted identity: %d", st)
		}
	})
}

// TestIdentities: CRUD through the API, MFA required for data roles, the last admin kept.
func TestIdentities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.token(RoleAdmin)
	do := func(method, path string, body any) resp {
		return e.do(req{method: method, path: path, token: admin.Token, body: body})
	}
	for _, tc := range []struct {
		desc string
		body any
		want int
	}{
		{desc: "compliance", body: map[string]any{"name": "dpo", "role": "compliance"}, want: http.StatusCreated},
		{desc: "auditor without MFA", body: map[string]any{"name": "aud", "role": "auditor", "no_mfa": true}, want: http.StatusCreated},
		{desc: "duplicate", body: map[string]any{"name": "dpo", "role": "auditor"}, want: http.StatusConflict},
		{desc: "admin without MFA", body: map[string]any{"name": "adm", "role": "admin", "no_mfa": true}, want: http.StatusBadRequest},
		{desc: "email as name", body: map[string]any{"name": "jane@example.com", "role": "auditor"}, want: http.StatusBadRequest},
		{desc: "unknown role", body: map[string]any{"name": "x", "role": "root"}, want: http.StatusBadRequest},
		{desc: "password field refused", body: map[string]any{"name": "y", "role": "auditor", "password": "chosen-by-admin"}, want: http.StatusBadRequest},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if r := do("POST", "/admin/v1/identities", tc.body); r.status != tc.want {
				t.Fatalf("status %d %s", r.status, r.body)
			}
		})
	}
	if r := do("GET", "/admin/v1/identities", nil); !strings.Contains(r.body, `"dpo"`) || strings.Contains(r.body, "argon2") {
		t.Fatalf("list: %s", r.body)
	}
	aud := e.identity("aud2", RoleAuditor)
	_ = aud
	if r := do("PATCH", "/admin/v1/identities/aud", IdentityUpdate{Role: new(RoleCompliance)}); r.status != http.StatusBadRequest {
		t.Fatalf("promoting an identity without MFA to compliance: %d", r.status)
	}
	if r := do("POST", "/admin/v1/identities/aud/reset", nil); r.status != 200 || !strings.Contains(r.body, `"password"`) {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	e.identity("boss", RoleAdmin)
	if r := do("DELETE", "/admin/v1/identities/boss", nil); r.status != http.StatusConflict {
		t.Fatalf("deleting the last admin: %d", r.status)
	}
	if r := do("DELETE", "/admin/v1/identities/dpo", nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	if r := do("GET", "/admin/v1/identities/dpo", nil); r.status != http.StatusNotFound {
		t.Fatalf("deleted identity: %d", r.status)
	}
}

// TestUnknownNameSamePath: a failed login for an unknown name does the same store operations as
// one with a wrong password for a real identity (and the same argon2id work: both verify a hash
// with the same parameters), including when the failure locks the name.
func TestUnknownNameSamePath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.Lockout.Threshold = 2 })
	c := e.identity("real", RoleCompliance)
	e.store.takeOps()
	for i := range 3 {
		e.srv.Accounts().Login(t.Context(), LoginRequest{Name: "real", Password: "wrong password", TOTP: e.code(c.TOTPSecret, 0)})
		known := e.store.takeOps()
		e.srv.Accounts().Login(t.Context(), LoginRequest{Name: "ghost", Password: "wrong password", TOTP: "123456"})
		unknown := e.store.takeOps()
		if strings.Join(known, ",") != strings.Join(unknown, ",") {
			t.Fatalf("attempt %d: known name %v, unknown name %v", i, known, unknown)
		}
	}
	if a, b := strings.Split(e.srv.Accounts().dummy(), "$"), strings.Split(hashPassword(cheapArgon, "x"), "$"); a[3] != b[3] {
		t.Fatalf("dummy hash parameters differ: %s vs %s", a, b)
	}
}
