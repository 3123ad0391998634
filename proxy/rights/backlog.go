package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/veil-privacy/veil/store"
)

// ErrBadInput is a request the caller can fix (400): a subject id no subject can have, an
// unknown kind or mode, a value out of bounds.
var ErrBadInput = errBadInput

// ErrNoRequest is a register entry that does not exist (or no longer: the register keeps
// requests for request_retention_days).
var ErrNoRequest = errors.New("rights: no such request")

// maxFutureSkew is how far in the future a registered receipt date may lie: a letter dated
// "today" in a time zone ahead of UTC.
const maxFutureSkew = 24 * time.Hour

// Register enters a request that reached the controller outside Veil (a letter, an e-mail) in the
// register, received at received, so that its deadline (deadline_days from received) runs and it
// shows in Backlog. The action that answers it (Export, Erase, Rectify) completes it; objections
// and restrictions, which Veil does not carry out itself, are closed with Complete. by.Channel says
// how it came (ChannelLetter, ChannelEmail). The register keeps no personal value: the right, the
// channel and the dates.
func (s *Service) Register(ctx context.Context, subject string, kind RequestKind, received time.Time, by Requester) (*Request, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	if _, err := ParseRequestKind(string(kind)); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	received = received.UTC()
	if received.IsZero() {
		received = now
	}
	// A request older than the register keeps them would expire on arrival.
	if received.After(now.Add(maxFutureSkew)) || received.Before(now.Add(-days(s.cfg.RequestRetentionDays))) {
		return nil, errBadInput
	}
	by.RequestID = newID() // the admin call's request id names the call, not the letter
	return s.registerAt(ctx, subject, kind, received, by)
}

// Complete closes an open request of the subject as answered: for the rights Veil does not carry
// out itself (objection, restriction), or one answered outside Veil. ErrNoRequest if the subject
// has no such request; a request already closed is returned unchanged.
func (s *Service) Complete(ctx context.Context, subject, id string) (*Request, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	reqs, err := s.Requests(ctx, subject)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(reqs, func(r Request) bool { return r.ID == id })
	if i < 0 {
		return nil, ErrNoRequest
	}
	r := &reqs[i]
	if r.Status == StatusReceived {
		if err := s.finish(ctx, subject, r, nil); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// BacklogFilter selects register entries across subjects.
type BacklogFilter struct {
	// Status keeps requests in this status ("" for any).
	Status Status
	// Overdue keeps open requests whose deadline has passed.
	Overdue bool
	// Limit caps the entries returned (oldest deadline first); 0 means DefaultBacklogLimit.
	Limit int
}

// DefaultBacklogLimit is how many entries Backlog returns unless told otherwise.
const DefaultBacklogLimit = 1000

// SubjectRequest is a register entry with the subject it belongs to.
type SubjectRequest struct {
	Subject string `json:"subject"`
	Request
	// Overdue is true for an open request past its deadline.
	Overdue bool `json:"overdue,omitempty"`
}

// Backlog is the register across subjects.
type Backlog struct {
	Requests []SubjectRequest `json:"requests"`
	// Open and Overdue count every open and overdue request, whatever the filter.
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// Truncated is true when more entries matched than Limit.
	Truncated bool `json:"truncated,omitempty"`
}

// Backlog lists the register across subjects (one walk over the rights.request kind), oldest
// deadline first, and updates the open and overdue gauges with what it counted.
func (s *Service) Backlog(ctx context.Context, f BacklogFilter) (Backlog, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultBacklogLimit
	}
	now := s.now()
	b := Backlog{Requests: []SubjectRequest{}}
	err := s.st.Walk(ctx, KindRequest, func(rec store.Record) error {
		if strings.HasPrefix(rec.Subject, "_") {
			return nil
		}
		var r Request
		if err := json.Unmarshal(rec.Value, &r); err != nil {
			return nil // not a register entry this version can read; the export still lists it
		}
		r.key = rec.Key
		sr := SubjectRequest{Subject: rec.Subject, Request: r, Overdue: overdue(r, now)}
		if r.Status == StatusReceived {
			b.Open++
		}
		if sr.Overdue {
			b.Overdue++
		}
		if (f.Status == "" || r.Status == f.Status) && (!f.Overdue || sr.Overdue) {
			b.Requests = append(b.Requests, sr)
		}
		return nil
	})
	if err != nil {
		return Backlog{}, fmt.Errorf("reading the rights register: %w", err)
	}
	s.sw.gauges.set(b.Open, b.Overdue)
	slices.SortFunc(b.Requests, func(x, y SubjectRequest) int {
		if c := x.Deadline.Compare(y.Deadline); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	if len(b.Requests) > f.Limit {
		b.Requests, b.Truncated = b.Requests[:f.Limit], true
	}
	return b, nil
}

// overdue reports whether r is open past its deadline at now.
func overdue(r Request, now time.Time) bool {
	return r.Status == StatusReceived && now.After(r.Deadline)
}
