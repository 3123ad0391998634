package proxy

import (
	"context"
	"strings"
	"time"

	"github.com/veil-privacy/veil/redact"
)

// TranscriptWriter keeps a conversation when the policy decision says "transcript": the messages
// as forwarded (already redacted or tokenized) and the replies as shown, encrypted under the
// subject's data key (rights.Service).
type TranscriptWriter interface {
	WriteTranscript(ctx context.Context, ex *Exchange, entries []TranscriptEntry, retention time.Duration) error
}

// TranscriptEntry is one message of a kept exchange, with where personal data (or its stand-in)
// sits in Text, so an anonymised copy can replace each by its type.
type TranscriptEntry struct {
	Direction string // "request" or "response"
	Text      string
	Findings  []redact.Finding
}

// pendingTranscript is the request half of an exchange whose policy asked for a transcript.
type pendingTranscript struct {
	request   TranscriptEntry
	retention time.Duration
}

// holdTranscript records the request half of an exchange when the decision asks for a transcript.
func (p *Pipeline) holdTranscript(m *message) {
	if !m.decision.Transcript || p.Transcripts == nil || m.ex.Subject == "" {
		return
	}
	days := m.decision.RetentionDays
	if days <= 0 {
		days = 30
	}
	m.ex.transcript.Store(&pendingTranscript{request: transcriptRequest(m, m.replaced), retention: time.Duration(days) * 24 * time.Hour})
}

// transcriptRequest builds the request entry from the fields as forwarded: each field's new text,
// one per line, with the spans of what replaced its findings.
func transcriptRequest(m *message, replaced map[int][]redact.Finding) TranscriptEntry {
	var b strings.Builder
	var fs []redact.Finding
	for i := range m.fields {
		f := &m.fields[i]
		if f.source != fromBody {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		base := b.Len()
		text := f.value
		if nv, ok := m.newValues[i]; ok {
			text = nv
		}
		b.WriteString(text)
		for _, fd := range replaced[i] {
			fd.Start += base
			fd.End += base
			fs = append(fs, fd)
		}
	}
	return TranscriptEntry{Direction: "request", Text: b.String(), Findings: fs}
}

// keepTranscript writes the exchange once its reply is known. The reply is already on its way, so
// a failure is logged, not returned.
func (p *Pipeline) keepTranscript(ctx context.Context, ex *Exchange, shown []string) {
	pt := ex.transcript.Swap(nil) // one reply completes one kept exchange
	if pt == nil || p.Transcripts == nil {
		return
	}
	reply := strings.Join(shown, "\n")
	entries := []TranscriptEntry{pt.request, {Direction: "response", Text: reply,
		Findings: p.Detector.ScanWith(reply, redact.ScanOptions{}, nil)}}
	if err := p.Transcripts.WriteTranscript(ctx, ex, entries, pt.retention); err != nil {
		p.Logger.Warn().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).AnErr("error", err).Msg("keeping the transcript failed")
	}
}
