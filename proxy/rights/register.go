package rights

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Record kinds the rights service writes or reads.
const (
	// KindRequest is the register: one record per rights request of the subject, key
	// "<received unix ns, 20 digits>-<request id>" so that keys sort in time order.
	KindRequest = "rights.request"
	// KindConfirm is an erasure asked for in the chat and awaiting the subject's "yes" (one
	// record, key "erase", short-lived).
	KindConfirm = "rights.confirm"
	// KindTranscript is a stored conversation (see Transcript). Veil's pipeline does not write
	// them yet; export, erasure, anonymisation and conversation retention already handle them.
	KindTranscript = "transcript"
)

// RequestKind is the right a request exercises.
type RequestKind string

// Request kinds.
const (
	RequestAccess        RequestKind = "access"        // art. 15 (and 20: the export is machine-readable)
	RequestErasure       RequestKind = "erasure"       // art. 17
	RequestRectification RequestKind = "rectification" // art. 16
	RequestObjection     RequestKind = "objection"     // art. 21 (registered; closed with Complete)
	RequestRestriction   RequestKind = "restriction"   // art. 18 (registered; closed with Complete)
)

// ParseRequestKind reads a request kind by its name or by the action that answers it: "export"
// is RequestAccess, "erase" RequestErasure, "rectify" RequestRectification.
func ParseRequestKind(s string) (RequestKind, error) {
	switch s {
	case "export", string(RequestAccess):
		return RequestAccess, nil
	case "erase", string(RequestErasure):
		return RequestErasure, nil
	case "rectify", string(RequestRectification):
		return RequestRectification, nil
	case string(RequestObjection):
		return RequestObjection, nil
	case string(RequestRestriction):
		return RequestRestriction, nil
	}
	return "", errBadInput
}

// Status is where a request stands.
type Status string

// Statuses.
const (
	StatusReceived  Status = "received"  // registered, not yet answered
	StatusCompleted Status = "completed" // answered; Completed says when
	StatusFailed    Status = "failed"    // could not be answered; the subject may ask again
)

// Request is one entry of the register. It holds no personal value: the right, the channel and
// the dates, and for an erasure the receipt.
type Request struct {
	ID        string      `json:"id"`
	Kind      RequestKind `json:"kind"`
	Channel   Channel     `json:"channel"`
	Received  time.Time   `json:"received"`
	Deadline  time.Time   `json:"deadline"`
	Status    Status      `json:"status"`
	Completed *time.Time  `json:"completed,omitempty"`
	Receipt   *Receipt    `json:"receipt,omitempty"`

	key string
}

// register opens a request received now in the register and returns it.
func (s *Service) register(ctx context.Context, subject string, kind RequestKind, by Requester) (*Request, error) {
	return s.registerAt(ctx, subject, kind, s.now().UTC(), by)
}

func (s *Service) registerAt(ctx context.Context, subject string, kind RequestKind, received time.Time, by Requester) (*Request, error) {
	id := by.RequestID
	if id == "" {
		id = newID()
	}
	r := &Request{ID: id, Kind: kind, Channel: by.Channel, Received: received,
		Deadline: received.Add(days(s.cfg.DeadlineDays)), Status: StatusReceived,
		key: requestKey(received, id)}
	return r, s.saveRequest(ctx, subject, r)
}

// answering returns the request an action of this kind answers: the oldest open one of the kind
// in the register (registered by an administrator when it came by letter or e-mail; pending is
// then true), else a new one received now.
func (s *Service) answering(ctx context.Context, subject string, kind RequestKind, by Requester) (req *Request, pending bool, err error) {
	reqs, err := s.Requests(ctx, subject)
	if err != nil {
		return nil, false, err
	}
	for i := range reqs {
		if reqs[i].Kind == kind && reqs[i].Status == StatusReceived {
			return &reqs[i], true, nil
		}
	}
	req, err = s.register(ctx, subject, kind, by)
	return req, false, err
}

// settle records the outcome of an action on the request it answers: a registered request the
// action failed on stays open (the deadline still runs), any other one is finished.
func (s *Service) settle(ctx context.Context, subject string, r *Request, pending bool, err error) error {
	if err != nil && pending {
		return nil
	}
	return s.finish(ctx, subject, r, err)
}

func requestKey(received time.Time, id string) string {
	return fmt.Sprintf("%020d-%s", received.UnixNano(), id)
}

// finish records the outcome of a request.
func (s *Service) finish(ctx context.Context, subject string, r *Request, err error) error {
	now := s.now().UTC()
	r.Status = StatusCompleted
	if err != nil {
		r.Status = StatusFailed
	}
	r.Completed = &now
	return s.saveRequest(ctx, subject, r)
}

func (s *Service) saveRequest(ctx context.Context, subject string, r *Request) error {
	b, _ := json.Marshal(r)
	err := s.st.Put(ctx, store.Record{Subject: subject, Kind: KindRequest, Key: r.key, Value: b,
		ExpiresAt: r.Received.Add(days(s.cfg.RequestRetentionDays))})
	if err != nil {
		return fmt.Errorf("registering rights request: %w", err)
	}
	s.sw.noteRequest(subject, r)
	return nil
}

// Requests returns the subject's rights requests, oldest first.
func (s *Service) Requests(ctx context.Context, subject string) ([]Request, error) {
	recs, err := s.st.List(ctx, subject, KindRequest)
	if err != nil {
		return nil, fmt.Errorf("reading rights requests: %w", err)
	}
	out := make([]Request, 0, len(recs))
	for _, rec := range recs {
		var r Request
		if err := json.Unmarshal(rec.Value, &r); err != nil {
			return nil, fmt.Errorf("decoding rights request: %w", err)
		}
		r.key = rec.Key
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Request) int { return a.Received.Compare(b.Received) })
	return out, nil
}

// newID returns 16 random bytes in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
