package proxy

// Log field names, shared so that log queries stay stable. No field ever holds a body, a query
// string, a header value or any other personal data.
const (
	fieldRequestID = "request_id"
	fieldRoute     = "route"
	fieldKind      = "kind"
	fieldMethod    = "method"
	fieldStatus    = "status"
	fieldReason    = "reason"
	fieldDuration  = "duration_ms"
	fieldBytesIn   = "bytes_in"
	fieldBytesOut  = "bytes_out"
	fieldRules     = "rules" // policy rule ids that fired
)
