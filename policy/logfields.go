package policy

// Log field names. Logs carry revisions, rule ids, types, route names and counts: never a value.
const (
	fieldRevision       = "policy_revision"
	fieldShadowRevision = "shadow_revision"
	fieldPack           = "pack"
	fieldReason         = "reason"
	fieldCode           = "code"
	fieldLocation       = "location"
	fieldRoute          = "route"
	fieldDirection      = "direction"
	fieldFields         = "fields"
	fieldTypes          = "types"
	fieldActiveReasons  = "active_reasons"
	fieldShadowReasons  = "shadow_reasons"
	fieldSuppressed     = "suppressed"
	fieldTests          = "tests_passed"
	fieldSource         = "source"
	fieldFoldError      = "fold_error"
)
