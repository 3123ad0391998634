package admin

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRolePermissions pins the role → permission table: every role × every permission.
func TestRolePermissions(t *testing.T) {
	t.Parallel()
	all := []Permission{PermObserve, PermSelf, PermConfigReload, PermPolicyRead, PermKeysRotate, PermAuditRead,
		PermSubjectsExport, PermSubjectsErase, PermSubjectsRectify, PermSubjectsRequests, PermIdentitiesManage, PermTokensManage, PermSessionsManage}
	want := map[Role][]Permission{
		RoleOperator:   {PermObserve, PermSelf, PermConfigReload, PermPolicyRead, PermKeysRotate},
		RoleCompliance: {PermObserve, PermSelf, PermAuditRead, PermSubjectsExport, PermSubjectsErase, PermSubjectsRectify, PermSubjectsRequests},
		RoleAuditor:    {PermObserve, PermSelf, PermAuditRead},
		RoleAdmin:      {PermObserve, PermSelf, PermIdentitiesManage, PermTokensManage, PermSessionsManage},
	}
	for _, role := range Roles() {
		for _, p := range all {
			t.Run(fmt.Sprintf("%s/%s", role, p), func(t *testing.T) {
				exp := false
				for _, q := range want[role] {
					exp = exp || q == p
				}
				if got := role.Allows(p); got != exp {
					t.Fatalf("%s allows %s = %v, want %v", role, p, got, exp)
				}
			})
		}
	}
	if Role("root").Allows(PermObserve) {
		t.Error("an unknown role has a permission")
	}
	for _, r := range Roles() {
		if r.NeedsMFA() != (r == RoleCompliance || r == RoleAdmin) {
			t.Errorf("%s NeedsMFA = %v", r, r.NeedsMFA())
		}
	}
}

// concretePath fills a pattern's wildcards.
func concretePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	r := strings.NewReplacer("{id}", testSubject, "{name}", "nobody")
	if strings.HasPrefix(path, "/admin/v1/requests/") {
		r = strings.NewReplacer("{id}", "0123456789abcdef0123456789abcdef")
	}
	if strings.HasPrefix(path, "/admin/v1/tokens/") {
		r = strings.NewReplacer("{id}", "0000000000000000")
	}
	if strings.HasPrefix(path, "/admin/v1/sessions/") {
		r = strings.NewReplacer("{id}", strings.Repeat("0", 32))
	}
	return method, r.Replace(path)
}

// TestEndpointRoleMatrix calls every endpoint of the table with a token of every role: a role
// without the endpoint's permission gets 403, one with it gets past authorization.
func TestEndpointRoleMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.Listen = "10.0.0.1:9090" })
	tokens := map[Role]string{}
	for _, r := range Roles() {
		tokens[r] = e.token(r).Token
	}
	for _, ep := range endpoints {
		for _, role := range Roles() {
			t.Run(ep.Pattern+"/"+string(role), func(t *testing.T) {
				method, path := concretePath(ep.Pattern)
				var body any
				if method == "POST" || method == "PATCH" {
					body = "{}"
				}
				if ep.Pattern == "POST /admin/v1/logout" {
					body = nil
				}
				r := e.do(req{method: method, path: path, body: body, token: tokens[role],
					header: map[string]string{ReasonHeader: "INC-1"}})
				if role.Allows(ep.Permission) {
					if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
						t.Fatalf("%s with %s = %d %s, want it allowed", ep.Pattern, role, r.status, r.body)
					}
				} else if r.status != http.StatusForbidden {
					t.Fatalf("%s with %s = %d, want 403", ep.Pattern, role, r.status)
				}
			})
		}
	}
}

// TestEveryEndpointHasOnePermission checks the table: unique patterns, a known permission each,
// data endpoints audited.
func TestEveryEndpointHasOnePermission(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	granted := map[Permission]bool{}
	for _, r := range Roles() {
		for _, p := range r.Permissions() {
			granted[p] = true
		}
	}
	for _, ep := range endpoints {
		if seen[ep.Pattern] {
			t.Errorf("%s declared twice", ep.Pattern)
		}
		seen[ep.Pattern] = true
		if !granted[ep.Permission] {
			t.Errorf("%s needs %q, which no role has", ep.Pattern, ep.Permission)
		}
		if ep.Data && ep.Action == "" {
			t.Errorf("%s touches personal data but is not audited", ep.Pattern)
		}
	}
	if len(Endpoints()) != len(endpoints) {
		t.Error("Endpoints() does not cover the table")
	}
}
