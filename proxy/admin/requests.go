package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/veil-privacy/veil/proxy/rights"
)

// RegisterRequest is the body of POST /admin/v1/requests: a data-subject request that arrived by
// letter or e-mail, entered so that its deadline runs from the day it was received.
type RegisterRequest struct {
	Subject string `json:"subject"`
	// Kind is export, erase, rectify, objection or restriction.
	Kind string `json:"kind"`
	// Received is the day (2026-11-20) or time (RFC 3339) the request reached the controller;
	// default now.
	Received string `json:"received,omitempty"`
	// Channel is letter (default) or email.
	Channel string `json:"channel,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// CompleteRequest is the body of POST /admin/v1/requests/{id}/complete.
type CompleteRequest struct {
	Subject string `json:"subject"`
	Reason  string `json:"reason,omitempty"`
}

// registerRequest handles POST /admin/v1/requests and answers the register entry (201).
func (a *api) registerRequest(r *http.Request, p principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	var body RegisterRequest
	if err := decodeJSON(r, &body); err != nil {
		return result{}, err
	}
	if !validSubjectID(body.Subject) {
		return result{}, errBadSubject
	}
	kind, err := rights.ParseRequestKind(body.Kind)
	if err != nil {
		return result{}, errStatus(http.StatusBadRequest, "kind: export, erase, rectify, objection or restriction")
	}
	ch, err := rights.ParseChannel(body.Channel)
	if err != nil {
		return result{}, errStatus(http.StatusBadRequest, "channel: letter or email")
	}
	var received time.Time
	if body.Received != "" {
		if received, err = parseDay(body.Received); err != nil {
			return result{}, err
		}
	}
	by := requester(r, p)
	by.Channel = ch
	req, err := rs.Register(r.Context(), body.Subject, kind, received, by)
	if err != nil {
		return result{}, rightsError(err)
	}
	return result{status: http.StatusCreated, subject: body.Subject,
		body: rights.SubjectRequest{Subject: body.Subject, Request: *req}}, nil
}

// parseDay reads a date (2026-11-20, taken as midnight UTC) or an RFC 3339 time.
func parseDay(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errStatus(http.StatusBadRequest, "received: a date (2026-11-20) or an RFC 3339 time")
	}
	return t, nil
}

// listRequests handles GET /admin/v1/requests?status=open|received|completed|failed&overdue=true
// &limit=N: the register across subjects, oldest deadline first, with the counts of open and
// overdue requests (which also update the veil_rights_requests_* gauges).
func (a *api) listRequests(r *http.Request, _ principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	q := r.URL.Query()
	var f rights.BacklogFilter
	switch st := q.Get("status"); st {
	case "":
	case "open":
		f.Status = rights.StatusReceived
	case string(rights.StatusReceived), string(rights.StatusCompleted), string(rights.StatusFailed):
		f.Status = rights.Status(st)
	default:
		return result{}, errStatus(http.StatusBadRequest, "status: open, received, completed or failed")
	}
	if v := q.Get("overdue"); v != "" {
		if f.Overdue, err = strconv.ParseBool(v); err != nil {
			return result{}, errStatus(http.StatusBadRequest, "overdue: true or false")
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > rights.DefaultBacklogLimit {
			return result{}, errStatus(http.StatusBadRequest, "limit: not between 1 and 1000")
		}
		f.Limit = n
	}
	b, err := rs.Backlog(r.Context(), f)
	if err != nil {
		return result{}, rightsError(err)
	}
	return result{status: http.StatusOK, body: b}, nil
}

// completeRequest handles POST /admin/v1/requests/{id}/complete: an objection or restriction, or a
// request answered outside Veil, is closed.
func (a *api) completeRequest(r *http.Request, _ principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	var body CompleteRequest
	if err := decodeJSON(r, &body); err != nil {
		return result{}, err
	}
	if !validSubjectID(body.Subject) {
		return result{}, errBadSubject
	}
	req, err := rs.Complete(r.Context(), body.Subject, r.PathValue("id"))
	if err != nil {
		return result{}, rightsError(err)
	}
	return result{status: http.StatusOK, subject: body.Subject, body: rights.SubjectRequest{Subject: body.Subject, Request: *req}}, nil
}
