package admin

import "slices"

// Role is what an identity or token may do, as a set of permissions (rolePermissions).
type Role string

// Roles. Least privilege: an operator runs Veil without seeing personal data; compliance acts on
// data subjects' requests; an auditor reads the trail; an admin manages who may do what.
const (
	RoleOperator   Role = "operator"
	RoleCompliance Role = "compliance"
	RoleAuditor    Role = "auditor"
	RoleAdmin      Role = "admin"
)

// Roles lists every role, in a stable order.
func Roles() []Role { return []Role{RoleOperator, RoleCompliance, RoleAuditor, RoleAdmin} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// NeedsMFA reports whether interactive logins of this role need a TOTP code: every role that can
// touch personal data or grant access to it.
func (r Role) NeedsMFA() bool { return r == RoleCompliance || r == RoleAdmin }

// Permission is one thing an endpoint needs. Every endpoint declares exactly one (endpoints).
type Permission string

// Permissions.
const (
	PermObserve          Permission = "observe"           // health, readiness, metrics (any role)
	PermConfigReload     Permission = "config.reload"     // reload configuration and policy
	PermPolicyRead       Permission = "policy.read"       // policy status and revision
	PermKeysRotate       Permission = "keys.rotate"       // rotate the vault master key
	PermAuditRead        Permission = "audit.read"        // read the audit trail
	PermSubjectsExport   Permission = "subjects.export"   // export a data subject's data
	PermSubjectsErase    Permission = "subjects.erase"    // erase a data subject's data
	PermSubjectsRectify  Permission = "subjects.rectify"  // rectify a data subject's data
	PermSubjectsRequests Permission = "subjects.requests" // register, list and close data-subject requests
	PermIdentitiesManage Permission = "identities.manage" // create, change, delete identities
	PermTokensManage     Permission = "tokens.manage"     // issue and revoke API tokens
	PermSessionsManage   Permission = "sessions.manage"   // list and revoke sessions
	// PermSelf needs only a signed-in caller: logout acts on the caller's own session.
	PermSelf Permission = "self"
)

// rolePermissions is the role → permissions table. Nothing else grants a permission.
var rolePermissions = map[Role][]Permission{
	RoleOperator:   {PermObserve, PermSelf, PermConfigReload, PermPolicyRead, PermKeysRotate},
	RoleCompliance: {PermObserve, PermSelf, PermSubjectsExport, PermSubjectsErase, PermSubjectsRectify, PermSubjectsRequests, PermAuditRead},
	RoleAuditor:    {PermObserve, PermSelf, PermAuditRead},
	RoleAdmin:      {PermObserve, PermSelf, PermIdentitiesManage, PermTokensManage, PermSessionsManage},
}

// Allows reports whether role r has permission p.
func (r Role) Allows(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// Permissions returns a copy of the role's permissions.
func (r Role) Permissions() []Permission { return slices.Clone(rolePermissions[r]) }

// endpoint is one route of the admin API: the permission it needs, whether it reads or changes
// personal data (then it needs a reason and is audited with the subject), and its action name
// in the audit trail ("" for routes that are not audited as access: health, metrics, logout,
// whoami; logins are audited as admin.login).
type endpoint struct {
	Pattern    string
	Permission Permission
	Data       bool   // touches personal data: a reason is required
	Action     string // audit action name; "" when the route is not audited as admin.access
}

// endpoints is the endpoint → permission table. Every route the API serves is here and nowhere
// else; login is absent because it is where credentials come from.
var endpoints = []endpoint{
	{Pattern: "GET /healthz", Permission: PermObserve},
	{Pattern: "GET /readyz", Permission: PermObserve},
	{Pattern: "GET /metrics", Permission: PermObserve},

	{Pattern: "POST /admin/v1/logout", Permission: PermSelf},
	{Pattern: "GET /admin/v1/whoami", Permission: PermSelf},

	{Pattern: "POST /admin/v1/config/reload", Permission: PermConfigReload, Action: "config.reload"},
	{Pattern: "GET /admin/v1/policy", Permission: PermPolicyRead, Action: "policy.read"},
	{Pattern: "POST /admin/v1/keys/rotate", Permission: PermKeysRotate, Action: "keys.rotate"},

	// An audit read is audited; with a subject filter it is a data access and needs a reason.
	{Pattern: "GET /admin/v1/audit", Permission: PermAuditRead, Action: "audit.read"},
	// A period's counts for a DPO or a regulator (audit.Report): no subject, no value.
	{Pattern: "GET /admin/v1/audit/report", Permission: PermAuditRead, Action: "audit.report"},

	// Data-subject requests received by letter or e-mail, carried out through the rights service.
	{Pattern: "POST /admin/v1/subjects/{id}/export", Permission: PermSubjectsExport, Data: true, Action: "subjects.export"},
	{Pattern: "POST /admin/v1/subjects/{id}/erase", Permission: PermSubjectsErase, Data: true, Action: "subjects.erase"},
	{Pattern: "POST /admin/v1/subjects/{id}/rectify", Permission: PermSubjectsRectify, Data: true, Action: "subjects.rectify"},
	// The register lists subject ids: reading it is a data access too.
	{Pattern: "GET /admin/v1/requests", Permission: PermSubjectsRequests, Data: true, Action: "requests.list"},
	{Pattern: "POST /admin/v1/requests", Permission: PermSubjectsRequests, Data: true, Action: "requests.register"},
	{Pattern: "POST /admin/v1/requests/{id}/complete", Permission: PermSubjectsRequests, Data: true, Action: "requests.complete"},

	{Pattern: "GET /admin/v1/identities", Permission: PermIdentitiesManage, Action: "identities.list"},
	{Pattern: "POST /admin/v1/identities", Permission: PermIdentitiesManage, Action: "identities.create"},
	{Pattern: "GET /admin/v1/identities/{name}", Permission: PermIdentitiesManage, Action: "identities.read"},
	{Pattern: "PATCH /admin/v1/identities/{name}", Permission: PermIdentitiesManage, Action: "identities.update"},
	{Pattern: "DELETE /admin/v1/identities/{name}", Permission: PermIdentitiesManage, Action: "identities.delete"},
	{Pattern: "POST /admin/v1/identities/{name}/reset", Permission: PermIdentitiesManage, Action: "identities.reset"},

	{Pattern: "GET /admin/v1/tokens", Permission: PermTokensManage, Action: "tokens.list"},
	{Pattern: "POST /admin/v1/tokens", Permission: PermTokensManage, Action: "tokens.issue"},
	{Pattern: "DELETE /admin/v1/tokens/{id}", Permission: PermTokensManage, Action: "tokens.revoke"},

	{Pattern: "GET /admin/v1/sessions", Permission: PermSessionsManage, Action: "sessions.list"},
	{Pattern: "DELETE /admin/v1/sessions/{id}", Permission: PermSessionsManage, Action: "sessions.revoke"},
}

// Endpoints returns the API's routes and the permission each needs, for documentation and tests.
func Endpoints() map[string]Permission {
	m := make(map[string]Permission, len(endpoints))
	for _, e := range endpoints {
		m[e.Pattern] = e.Permission
	}
	return m
}
