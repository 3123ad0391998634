package rights

import (
	"context"
	"errors"
	"fmt"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
)

// ErrNotFound is a rectification of a value the subject has no live token for.
var ErrNotFound = errors.New("rights: no such value")

// Rectify carries out a rectification request (GDPR art. 16): the value behind the subject's
// tokens for oldValue becomes newValue, tokens unchanged, so the bot's conversation stays
// consistent and its replies now show the corrected value. ErrNotFound if oldValue is not stored
// for the subject. The audit event counts the type rectified, never a value. It completes the
// oldest open rectification request in the register, or registers a completed one.
func (s *Service) Rectify(ctx context.Context, subject string, t redact.Type, oldValue, newValue string, by Requester) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if !t.Valid() || oldValue == "" || newValue == "" || len(newValue) > vault.MaxValueLen {
		return errBadInput
	}
	err := s.v.Rectify(ctx, subject, t, oldValue, newValue)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		if aerr := s.record(ctx, audit.SubjectRectified, subject, by, nil, "not_found"); aerr != nil {
			return fmt.Errorf("recording rectification: %w", aerr)
		}
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("rectifying: %w", err)
	}
	// The vault wrote first: Rectify cannot be audited ahead of knowing whether the value exists.
	// A failure here is reported (503) although the correction stands; the subject may retry.
	if err := s.record(ctx, audit.SubjectRectified, subject, by, map[string]int{t.String(): 1}, "ok"); err != nil {
		return fmt.Errorf("recording rectification: %w", err)
	}
	req, _, err := s.answering(ctx, subject, RequestRectification, by)
	if err != nil {
		return err
	}
	return s.finish(ctx, subject, req, nil)
}
