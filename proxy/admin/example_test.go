package admin_test

import (
	"fmt"

	"github.com/veil-privacy/veil/proxy/admin"
)

// Each endpoint needs one permission; each role has a fixed set.
func ExampleRole_Allows() {
	need := admin.Endpoints()["GET /admin/v1/audit"]
	for _, r := range admin.Roles() {
		fmt.Printf("%s reads the audit trail: %v\n", r, r.Allows(need))
	}
	// Output:
	// operator reads the audit trail: false
	// compliance reads the audit trail: true
	// auditor reads the audit trail: true
	// admin reads the audit trail: false
}
