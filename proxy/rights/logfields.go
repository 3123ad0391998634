package rights

// Log field names.
const (
	fieldRequestID = "request_id"
	fieldCount     = "count"
	fieldScanned   = "scanned"
	fieldTracked   = "tracked"
	fieldError     = "error"
)
