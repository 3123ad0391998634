package admin

// Log field names. Logs name endpoints, request ids, actors and outcomes; never a password, token,
// cookie, TOTP code, recovery code, reason-less body or client address.
const (
	logRequestID = "request_id"
	logEndpoint  = "endpoint"
	logActor     = "actor"
	logOutcome   = "outcome"
)
