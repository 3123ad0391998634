package audit

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidEvent is returned by Record for an event it refuses to write: an unknown type, a field
// outside its alphabet, or a field that contains the subject id. The message names the field,
// never its value.
var ErrInvalidEvent = errors.New("audit: invalid event")

// Field limits. Identifiers are short; anything longer is not an identifier.
const (
	maxIDLen     = 128
	maxReasonLen = 64
	maxKeyLen    = 48
	maxCountKeys = 64
	// minSubjectCheck is the shortest subject id searched for in the other fields: shorter ids
	// would match by chance.
	minSubjectCheck = 8
)

// identChars is the alphabet of identifier fields: no space, no @, nothing prose or an address needs.
func identChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':' || c == '/'
}

func reasonChar(c byte) bool { return identChar(c) || c == '#' }

func countKeyChar(c byte) bool { return identChar(c) && c != '/' }

func checkIdent(s string, max int, ok func(byte) bool) string {
	if len(s) > max {
		return fmt.Sprintf("longer than %d bytes", max)
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return "has a character outside its alphabet"
		}
	}
	return ""
}

// validate checks a caller's event before it is pseudonymized. subject is the raw subject id.
func (e *Event) validate() error {
	var errs []error
	bad := func(field, what string) {
		errs = append(errs, fmt.Errorf("%w: %s %s", ErrInvalidEvent, field, what))
	}
	if !knownTypes[e.Type] {
		bad("type", "is not a recordable event type")
	}
	for _, f := range []struct {
		name, v string
		max     int
		ok      func(byte) bool
	}{
		{"request_id", e.RequestID, maxIDLen, identChar},
		{"route", e.Route, maxIDLen, identChar},
		{"policy_rev", e.PolicyRevision, maxIDLen, identChar},
		{"decision_id", e.DecisionID, maxIDLen, identChar},
		{"outcome", e.Outcome, maxIDLen, identChar},
		{"actor", e.Actor, maxIDLen, identChar},
		{"role", e.Role, maxIDLen, identChar},
		{"reason", e.Reason, maxReasonLen, reasonChar},
	} {
		if msg := checkIdent(f.v, f.max, f.ok); msg != "" {
			bad(f.name, msg)
		}
		if containsSubject(f.v, e.Subject) {
			bad(f.name, "contains the subject id")
		}
	}
	for _, c := range []struct {
		name string
		m    map[string]int
	}{{"findings", e.Findings}, {"actions", e.Actions}} {
		if len(c.m) > maxCountKeys {
			bad(c.name, fmt.Sprintf("has more than %d keys", maxCountKeys))
			continue
		}
		for k, n := range c.m {
			if k == "" || !(k[0] >= 'A' && k[0] <= 'Z' || k[0] >= 'a' && k[0] <= 'z') {
				bad(c.name, "has a key that does not start with a letter")
			} else if msg := checkIdent(k, maxKeyLen, countKeyChar); msg != "" {
				bad(c.name, "has a key that "+strings.TrimPrefix(msg, "has "))
			}
			if containsSubject(k, e.Subject) {
				bad(c.name, "has a key that contains the subject id")
			}
			if n < 0 {
				bad(c.name, "has a negative count")
			}
		}
	}
	return errors.Join(errs...)
}

// containsSubject reports whether v contains the subject id, ignoring case.
func containsSubject(v, subject string) bool {
	if len(subject) < minSubjectCheck || len(v) < len(subject) {
		return false
	}
	return strings.Contains(strings.ToLower(v), strings.ToLower(subject))
}
