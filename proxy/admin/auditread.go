package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/veil-privacy/veil/audit"
)

// Audit query limits.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
	maxSubjectLen     = 256
)

var errEnough = errors.New("enough events")

// auditRead handles GET /admin/v1/audit?since=&until=&type=&subject=&limit=. Times are RFC 3339.
// Without since it returns the last limit events. A subject filter makes it a data access: it needs
// a reason, the subject is searched for by its pseudonym, and the access event names the subject
// (pseudonymized). Events are the trail's stored fields plus stream_id.
func (a *api) auditRead(r *http.Request, _ principal) (result, error) {
	if a.d.AuditReader == nil {
		return result{}, errStatus(http.StatusNotImplemented, "the audit trail cannot be read here")
	}
	q := r.URL.Query()
	var filter audit.Filter
	subject := q.Get("subject")
	if subject != "" {
		if len(subject) > maxSubjectLen {
			return result{}, errStatus(http.StatusBadRequest, "subject: longer than 256 bytes")
		}
		if _, err := requireReason(r); err != nil {
			return result{}, err
		}
		filter.Subject = a.d.Auditor.Pseudonym(subject)
	} else if v := reasonOf(r); v != "" && !validReason(v) {
		return result{}, errStatus(http.StatusBadRequest, "reason: 1-64 characters of A-Z a-z 0-9 - _ . : / #")
	}
	known := map[audit.Type]bool{}
	for _, t := range audit.Types() {
		known[t] = true
	}
	known[audit.Checkpoint] = true
	for _, t := range q["type"] {
		if !known[audit.Type(t)] {
			return result{}, errStatus(http.StatusBadRequest, "type: not an audit event type")
		}
		filter.Types = append(filter.Types, audit.Type(t))
	}
	limit := defaultAuditLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return result{}, errStatus(http.StatusBadRequest, "limit: not between 1 and 1000")
		}
		limit = n
	}
	since, until, err := period(q)
	if err != nil {
		return result{}, err
	}
	var events []audit.Event
	if since.IsZero() {
		got, _, err := audit.Last(r.Context(), a.d.AuditReader, a.d.AuditStream, limit, filter, a.d.Clock())
		if err != nil {
			return result{}, err
		}
		for _, ev := range got {
			if until.IsZero() || ev.Time.Before(until) {
				events = append(events, ev)
			}
		}
	} else {
		err := audit.Each(r.Context(), a.d.AuditReader, a.d.AuditStream, since, until, filter, func(ev audit.Event) error {
			events = append(events, ev)
			if len(events) >= limit {
				return errEnough
			}
			return nil
		})
		if err != nil && !errors.Is(err, errEnough) {
			return result{}, err
		}
	}
	out := make([]map[string]string, len(events))
	for i := range events {
		f := events[i].Fields()
		f["stream_id"] = events[i].StreamID
		out[i] = f
	}
	return result{status: http.StatusOK, subject: subject, body: map[string]any{"events": out, "count": len(out)}}, nil
}

// auditReport is GET /admin/v1/audit/report?since=&until=: the period's counts (audit.Report),
// for a DPO or a regulator. since is required; until defaults to now.
func (a *api) auditReport(r *http.Request, _ principal) (result, error) {
	if a.d.AuditReader == nil {
		return result{}, errStatus(http.StatusNotImplemented, "the audit trail cannot be read here")
	}
	q := r.URL.Query()
	if q.Get("since") == "" {
		return result{}, errStatus(http.StatusBadRequest, "since: required (RFC 3339)")
	}
	since, until, err := period(q)
	if err != nil {
		return result{}, err
	}
	if until.IsZero() {
		until = a.d.Clock()
	}
	rep, err := audit.Summarize(r.Context(), a.d.AuditReader, a.d.AuditStream, since, until)
	if err != nil {
		return result{}, err
	}
	return result{status: http.StatusOK, body: rep}, nil
}

// period reads the query's since and until (RFC 3339; zero when absent).
func period(q url.Values) (since, until time.Time, err error) {
	if since, err = parseTime(q.Get("since"), "since"); err == nil {
		until, err = parseTime(q.Get("until"), "until")
	}
	return since, until, err
}

func parseTime(s, name string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errStatus(http.StatusBadRequest, name+": not an RFC 3339 time")
	}
	return t, nil
}
