package admin

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// ReasonHeader carries the access reason: a ticket reference such as "INC-4711" or "DSR#2024-17".
const ReasonHeader = "X-Veil-Reason"

// maxReasonLen is the audit trail's limit for the reason field.
const maxReasonLen = 64

// validReason reports whether s is a reason the trail accepts: 1-64 of A-Z a-z 0-9 - _ . : / #.
// A reason is a reference to where the justification lives, not the justification itself: prose
// would invite personal data into the trail.
func validReason(s string) bool {
	if s == "" || len(s) > maxReasonLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_.:/#", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// reasonOf returns the reason a request carries: the X-Veil-Reason header, else the "reason" query
// parameter, else the "reason" field of a JSON body (which stays readable for the handler).
func reasonOf(r *http.Request) string {
	if v := r.Header.Get(ReasonHeader); v != "" {
		return v
	}
	if v := r.URL.Query().Get("reason"); v != "" {
		return v
	}
	if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return ""
	}
	var v struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return v.Reason
}

// requireReason returns the request's reason, or a 400 error when it is missing or malformed.
func requireReason(r *http.Request) (string, error) {
	v := reasonOf(r)
	if v == "" {
		return "", errStatus(http.StatusBadRequest, "a reason is required: "+ReasonHeader+" header or reason field (a ticket reference)")
	}
	if !validReason(v) {
		return "", errStatus(http.StatusBadRequest, "reason: 1-64 characters of A-Z a-z 0-9 - _ . : / #")
	}
	return v, nil
}

// safeReason is the request's reason when it is well formed, else "".
func safeReason(r *http.Request) string {
	if v := reasonOf(r); validReason(v) {
		return v
	}
	return ""
}
