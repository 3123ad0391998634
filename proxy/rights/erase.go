package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/store"
)

// Mode says what an erasure does with conversations.
type Mode string

// Modes.
const (
	// ModeErase deletes everything.
	ModeErase Mode = "erase"
	// ModeAnonymize deletes everything too, but first keeps an anonymised copy of each stored
	// conversation (Transcript.Anonymize) under a fresh random subject, for aggregate analytics.
	ModeAnonymize Mode = "anonymize"
)

// ParseMode reads a mode name; "" is ModeErase.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", ModeErase:
		return ModeErase, nil
	case ModeAnonymize:
		return ModeAnonymize, nil
	}
	return "", errBadInput
}

// anonymousPrefix starts the random subject an anonymised conversation is kept under.
const anonymousPrefix = "anon-"

// Receipt is what the subject gets back from an erasure, and what the register keeps.
type Receipt struct {
	RequestID string    `json:"request_id"`
	Mode      Mode      `json:"mode"`
	Received  time.Time `json:"received"`
	Completed time.Time `json:"completed"`
	// KeyDestroyed is true once the subject's data key is gone: whatever it encrypted, on any
	// replica or backup of the store, can no longer be read, and old tokens stay tokens forever.
	KeyDestroyed bool `json:"key_destroyed"`
	// Erased counts the records deleted, by kind.
	Erased map[string]int `json:"erased"`
	// Records is how many records were deleted in all.
	Records int `json:"records"`
	// Anonymized counts the conversations kept in anonymised form (ModeAnonymize).
	Anonymized int `json:"anonymized,omitempty"`
}

// errBadInput is a request the subject can fix (400).
var errBadInput = errors.New("rights: bad request")

// checkSubject refuses ids no subject can have: empty, or reserved for system records.
func checkSubject(subject string) error {
	if subject == "" || strings.HasPrefix(subject, "_") || strings.HasPrefix(subject, anonymousPrefix) {
		return errBadInput
	}
	return nil
}

// Erase carries out an erasure request (GDPR art. 17). The event is audited first, with the
// counts of what is about to go; then the vault crypto-shreds the subject (its data key is
// deleted before anything else, so nothing it encrypted can be read again even if a later step
// fails) and deletes every record of the subject, of every kind. The register then gets this
// request back, completed, with its receipt: with the subject's other open requests, the only
// records left, holding no personal value. The oldest erasure request registered by an
// administrator (Register) is the one answered, and the receipt carries its id and receipt date.
// On error, call it again: it is idempotent.
func (s *Service) Erase(ctx context.Context, subject string, mode Mode, by Requester) (Receipt, error) {
	rc := Receipt{RequestID: by.RequestID, Mode: mode, Received: s.now().UTC(), Erased: map[string]int{}}
	if rc.RequestID == "" {
		rc.RequestID = newID()
		by.RequestID = rc.RequestID
	}
	if err := checkSubject(subject); err != nil {
		return rc, err
	}
	open, err := s.openRequests(ctx, subject)
	if err != nil {
		return rc, err
	}
	for _, r := range open {
		if r.Kind == RequestErasure { // the receipt answers the oldest registered erasure request
			rc.RequestID, rc.Received = r.ID, r.Received
			break
		}
	}
	recs, err := s.st.List(ctx, subject, "")
	if err != nil {
		return rc, fmt.Errorf("listing the subject's records: %w", err)
	}
	var keep []anonymous
	for _, r := range recs {
		rc.Erased[r.Kind]++
		if mode == ModeAnonymize && r.Kind == KindTranscript {
			// A record that does not parse cannot be anonymised: it is only erased.
			if t, err := s.readTranscript(ctx, subject, r); err == nil {
				keep = append(keep, anonymous{t: t.Anonymize(), expires: r.ExpiresAt})
			}
		}
	}
	if err := s.record(ctx, audit.SubjectErased, subject, by, rc.Erased, "ok"); err != nil {
		return rc, fmt.Errorf("recording erasure: %w", err)
	}
	if err := s.sw.markErased(ctx, subject); err != nil {
		return rc, err
	}
	vr, err := s.v.EraseSubject(ctx, subject)
	rc.KeyDestroyed = vr.KeyDestroyed
	if err != nil {
		_ = s.record(ctx, audit.SubjectErased, subject, by, nil, "error")
		s.keepOpen(ctx, subject, open, nil)
		return rc, fmt.Errorf("erasing subject: %w", err)
	}
	rc.Records = vr.Records
	for _, a := range keep {
		if err := s.putAnonymous(ctx, a); err != nil {
			// The erasure stands; only the analytics copy is lost.
			s.log.Warn().Str(fieldRequestID, rc.RequestID).AnErr(fieldError, err).Msg("storing an anonymised conversation failed")
			continue
		}
		rc.Anonymized++
	}
	rc.Completed = s.now().UTC()
	if !s.keepOpen(ctx, subject, open, &rc) {
		req := &Request{ID: rc.RequestID, Kind: RequestErasure, Channel: by.Channel, Received: rc.Received,
			Deadline: rc.Received.Add(days(s.cfg.DeadlineDays)), Status: StatusCompleted, Completed: &rc.Completed,
			Receipt: &rc, key: requestKey(rc.Received, rc.RequestID)}
		if err := s.saveRequest(ctx, subject, req); err != nil {
			s.log.Warn().Str(fieldRequestID, rc.RequestID).AnErr(fieldError, err).Msg("registering a completed erasure failed")
		}
	}
	return rc, nil
}

// openRequests returns the subject's register entries still awaiting an answer.
func (s *Service) openRequests(ctx context.Context, subject string) ([]Request, error) {
	reqs, err := s.Requests(ctx, subject)
	if err != nil {
		return nil, err
	}
	open := reqs[:0]
	for _, r := range reqs {
		if r.Status == StatusReceived {
			open = append(open, r)
		}
	}
	return open, nil
}

// keepOpen writes back the open register entries an erasure deleted: with a receipt, the erasure
// requests among them as completed by it (it reports whether there was one); the others as they
// were, since their deadline still runs. They hold no personal value.
func (s *Service) keepOpen(ctx context.Context, subject string, open []Request, rc *Receipt) bool {
	answered := false
	for i := range open {
		r := &open[i]
		if rc != nil && r.Kind == RequestErasure {
			r.Status, r.Completed, r.Receipt = StatusCompleted, &rc.Completed, rc
			answered = true
		}
		if err := s.saveRequest(ctx, subject, r); err != nil {
			s.log.Warn().Str(fieldRequestID, r.ID).AnErr(fieldError, err).Msg("keeping an open rights request after an erasure failed")
		}
	}
	return answered
}

// anonymous is an anonymised conversation with the expiry of the record it came from.
type anonymous struct {
	t       Transcript
	expires time.Time
}

// putAnonymous stores an anonymised conversation under a fresh random subject and key, so that
// nothing links it to the erased subject or to the subject's other conversations.
func (s *Service) putAnonymous(ctx context.Context, a anonymous) error {
	b, err := json.Marshal(a.t)
	if err != nil {
		return fmt.Errorf("encoding an anonymised conversation: %w", err)
	}
	if err := s.st.Put(ctx, store.Record{Subject: anonymousPrefix + newID(), Kind: KindTranscript, Key: newID(),
		Value: b, ExpiresAt: a.expires}); err != nil {
		return fmt.Errorf("storing an anonymised conversation: %w", err)
	}
	return nil
}
