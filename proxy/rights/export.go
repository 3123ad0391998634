package rights

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/redact/vault"
)

// SchemaVersion is the version of the export format (Export): it changes when a field changes
// meaning or goes away, not when one is added.
const SchemaVersion = 1

// Export is everything Veil keeps about a subject, as the access (art. 15) and portability
// (art. 20) rights return it.
type Export struct {
	SchemaVersion int       `json:"schema_version"`
	Generated     time.Time `json:"generated"`
	// Subject is the pseudonymous id everything below hangs off (Veil's cookie, or the id the
	// route takes from the bot's session).
	Subject string `json:"subject"`
	// Vault holds the personal values the bot only ever saw as tokens.
	Vault       []VaultEntry       `json:"vault"`
	Consent     ConsentRecord      `json:"consent"`
	Objections  []string           `json:"objections"`
	Requests    []Request          `json:"requests"`
	Transcripts []StoredTranscript `json:"transcripts"`
	// Records counts every record Veil keeps about the subject, by kind, including internal ones
	// that hold no readable value (the wrapped data key, the keyed-hash index of tokens).
	Records map[string]int `json:"records"`
}

// VaultEntry is one tokenized value.
type VaultEntry struct {
	Type    string    `json:"type"`
	Format  string    `json:"format"`
	Token   string    `json:"token"`
	Value   string    `json:"value"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// ConsentRecord is the subject's consent state and its evidence log.
type ConsentRecord struct {
	Purposes      map[string]consent.Choice `json:"purposes"`
	NoticeShown   bool                      `json:"notice_shown"`
	NoticeVersion string                    `json:"notice_version,omitempty"`
	Log           []consent.Change          `json:"log"`
}

// StoredTranscript is a stored conversation with its id.
type StoredTranscript struct {
	ID string `json:"id"`
	// Unreadable marks a record that is not in the Transcript format; it is listed, and erased
	// with the rest, but has no content to show.
	Unreadable bool `json:"unreadable,omitempty"`
	Transcript
}

// Export carries out an access request: it registers it (or completes the oldest open access
// request in the register), audits it with the counts of what is exported (never a value), and
// returns everything Veil keeps about the subject.
func (s *Service) Export(ctx context.Context, subject string, by Requester) (*Export, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	req, pending, err := s.answering(ctx, subject, RequestAccess, by)
	if err != nil {
		return nil, err
	}
	x, err := s.collect(ctx, subject)
	if err == nil {
		err = s.record(ctx, audit.SubjectExported, subject, by, x.Records, "ok")
	}
	if ferr := s.settle(ctx, subject, req, pending, err); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	for i := range x.Requests {
		if x.Requests[i].ID == req.ID {
			x.Requests[i] = *req
		}
	}
	return x, nil
}

// collect reads everything kept about the subject.
func (s *Service) collect(ctx context.Context, subject string) (*Export, error) {
	x := &Export{SchemaVersion: SchemaVersion, Generated: s.now().UTC(), Subject: subject,
		Vault: []VaultEntry{}, Objections: []string{}, Transcripts: []StoredTranscript{}, Records: map[string]int{},
		Consent: ConsentRecord{Purposes: map[string]consent.Choice{}, Log: []consent.Change{}}}
	recs, err := s.st.List(ctx, subject, "")
	if err != nil {
		return nil, fmt.Errorf("listing the subject's records: %w", err)
	}
	for _, r := range recs {
		x.Records[r.Kind]++
		if r.Kind != KindTranscript {
			continue
		}
		t, err := s.readTranscript(ctx, subject, r)
		if err != nil {
			x.Transcripts = append(x.Transcripts, StoredTranscript{ID: r.Key, Unreadable: true})
			continue
		}
		x.Transcripts = append(x.Transcripts, StoredTranscript{ID: r.Key, Transcript: t})
	}
	vals, err := s.v.ExportSubject(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("exporting vault: %w", err)
	}
	for _, e := range vals {
		x.Vault = append(x.Vault, vaultEntry(e))
	}
	if s.cons != nil {
		st, err := s.cons.State(ctx, subject)
		if err != nil {
			return nil, err
		}
		log, err := s.cons.History(ctx, subject)
		if err != nil {
			return nil, err
		}
		x.Consent = ConsentRecord{Purposes: st.Purposes, NoticeShown: st.NoticeShown, NoticeVersion: st.NoticeVersion, Log: log}
		if st.Objections != nil {
			x.Objections = slices.Clone(st.Objections)
		}
	}
	if x.Requests, err = s.Requests(ctx, subject); err != nil {
		return nil, err
	}
	return x, nil
}

func vaultEntry(e vault.Exported) VaultEntry {
	return VaultEntry{Type: e.Type.String(), Format: e.Format.String(), Token: e.Token, Value: e.Value,
		Created: e.CreatedAt, Expires: e.ExpiresAt}
}
