package rights

// Log field names.
const (
	fieldComponent = "component"
	fieldRequestID = "request_id"
	fieldKind      = "kind"
	fieldCount     = "count"
	fieldError     = "error"
)
