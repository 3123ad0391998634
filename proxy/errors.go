package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"syscall"
)

// StatusClientClosed is the non-standard status (nginx's 499) recorded when the client went away.
const StatusClientClosed = 499

// Error is a failure with the HTTP status the client should see. Its message is for logs only:
// it never carries request or response bytes, and the client sees only the status text.
type Error struct {
	Status int
	Reason string // short machine-readable reason for logs and metrics, e.g. "body_too_large"
	Err    error  // internal cause, for logs
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf-style constructors for the failures the proxy itself detects.
var (
	errBodyTooLarge       = &Error{Status: http.StatusRequestEntityTooLarge, Reason: "body_too_large"}
	errUnsupportedCoding  = &Error{Status: http.StatusUnsupportedMediaType, Reason: "unsupported_content_encoding"}
	errUnsupportedCharset = &Error{Status: http.StatusUnsupportedMediaType, Reason: "unsupported_charset"}
	errUnsupportedType    = &Error{Status: http.StatusUnsupportedMediaType, Reason: "unsupported_media_type"}
	errNoRoute            = &Error{Status: http.StatusNotFound, Reason: "no_route"}
	errBinaryFrame        = errors.New("binary websocket message")
)

// withCause returns a copy of e carrying the internal cause err.
func withCause(e *Error, err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// ErrPrivacyUnavailable wraps a failure of a privacy dependency (policy, audit, vault). Requests
// that hit it are refused with 503: personal data never reaches the upstream uninspected.
var ErrPrivacyUnavailable = errors.New("privacy dependency unavailable")

// StatusFor maps an error to the status the client sees and a reason for logs and metrics. It is the
// one place that decides this.
func StatusFor(err error) (int, string) {
	var pe *Error
	var be *BlockedError
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.As(err, &be):
		return StatusBlocked, "blocked"
	case errors.As(err, &pe):
		return pe.Status, pe.Reason
	case errors.Is(err, ErrPrivacyUnavailable):
		return http.StatusServiceUnavailable, "privacy_unavailable"
	case errors.Is(err, context.Canceled):
		return StatusClientClosed, "client_closed"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return http.StatusGatewayTimeout, "upstream_timeout"
	case errors.Is(err, syscall.ECONNREFUSED), isDialError(err):
		return http.StatusBadGateway, "upstream_unreachable"
	default:
		return http.StatusBadGateway, "upstream_error"
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isDialError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
