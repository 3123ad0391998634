package rights

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/store"
)

// WriteTranscript keeps one exchange of a conversation (the message as forwarded, the reply as
// shown) when the policy decision asks for it. The record is sealed under the subject's data key,
// so erasing the subject makes it unreadable at once, and it expires after retention (or the
// configured conversation retention, whichever is shorter). Implements proxy.TranscriptWriter.
func (s *Service) WriteTranscript(ctx context.Context, ex *proxy.Exchange, entries []proxy.TranscriptEntry, retention time.Duration) error {
	now := s.now().UTC()
	t := Transcript{Version: TranscriptVersion, Route: ex.Route.Name, Started: now, Updated: now}
	for _, e := range entries {
		m := TranscriptMessage{Time: now, Direction: e.Direction, Text: e.Text}
		for _, f := range e.Findings {
			m.Findings = append(m.Findings, TranscriptFinding{Type: f.Type, Start: f.Start, End: f.End})
		}
		t.Messages = append(t.Messages, m)
	}
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encoding transcript: %w", err)
	}
	if d := s.cfg.ConversationRetentionDays; d > 0 {
		retention = min(retention, time.Duration(d)*24*time.Hour)
	}
	key := fmt.Sprintf("%020d-%s", now.UnixNano(), ex.ID)
	sealed, err := s.v.Seal(ctx, ex.Subject, key, b)
	if err != nil {
		return fmt.Errorf("sealing transcript: %w", err)
	}
	return s.st.Put(ctx, store.Record{Subject: ex.Subject, Kind: KindTranscript, Key: key, Value: sealed, ExpiresAt: now.Add(retention)})
}

// readTranscript opens a stored transcript: sealed under the subject's key (as the pipeline writes
// them), or plain (an anonymised copy, which holds no values).
func (s *Service) readTranscript(ctx context.Context, subject string, r store.Record) (Transcript, error) {
	if pt, err := s.v.Open(ctx, subject, r.Key, r.Value); err == nil {
		return ParseTranscript(pt)
	}
	return ParseTranscript(r.Value)
}

var _ proxy.TranscriptWriter = (*Service)(nil)
