package rights

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/veil-privacy/veil/redact"
)

// TranscriptVersion is the record format version of Transcript.
const TranscriptVersion = 1

// Transcript is the stored form of one conversation: a record of kind "transcript" under the
// subject, keyed by a conversation id, its TTL the policy's retention. Text is stored after the
// policy's actions (tokens and placeholders, never a raw value), and Findings say where in Text
// each piece of personal data (or the token standing for it) sits, so that the conversation can be
// anonymised without detecting again.
type Transcript struct {
	Version    int                 `json:"v"`
	Route      string              `json:"route,omitempty"`
	Started    time.Time           `json:"started"`
	Updated    time.Time           `json:"updated"` // time of the last message
	Anonymized bool                `json:"anonymized,omitempty"`
	Messages   []TranscriptMessage `json:"messages"`
}

// TranscriptMessage is one message of a conversation.
type TranscriptMessage struct {
	Time      time.Time           `json:"time"`
	Direction string              `json:"direction"` // "request" (the subject) or "response" (the bot)
	Text      string              `json:"text"`
	Findings  []TranscriptFinding `json:"findings,omitempty"`
}

// TranscriptFinding locates personal data in a message's Text, by byte offsets.
type TranscriptFinding struct {
	Type  redact.Type `json:"type"`
	Start int         `json:"start"`
	End   int         `json:"end"`
}

// ParseTranscript decodes and checks a transcript record's value.
func ParseTranscript(b []byte) (Transcript, error) {
	var t Transcript
	if err := json.Unmarshal(b, &t); err != nil {
		return t, errors.New("decoding transcript: not a transcript record")
	}
	if t.Version != TranscriptVersion {
		return t, fmt.Errorf("decoding transcript: unsupported version %d", t.Version)
	}
	for i, m := range t.Messages {
		for _, f := range m.Findings {
			if f.Start < 0 || f.End < f.Start || f.End > len(m.Text) {
				return t, fmt.Errorf("decoding transcript: message %d: finding outside the text", i)
			}
		}
	}
	return t, nil
}

// LastActivity is when the conversation last changed: Updated, or Started for an old record.
func (t *Transcript) LastActivity() time.Time {
	if t.Updated.IsZero() {
		return t.Started
	}
	return t.Updated
}

// Anonymize returns a copy of the conversation that keeps its structure for aggregate analytics
// (routes, message count and direction, lengths of turns, the types of personal data mentioned)
// but nothing that leads back to the person: every finding is replaced by its type ("[EMAIL]"),
// so no token remains, and times are truncated to the day. The caller stores it under a fresh
// random subject and key.
func (t *Transcript) Anonymize() Transcript {
	day := func(x time.Time) time.Time {
		if x.IsZero() {
			return x
		}
		return x.UTC().Truncate(24 * time.Hour)
	}
	out := Transcript{Version: TranscriptVersion, Route: t.Route, Started: day(t.Started), Updated: day(t.Updated),
		Anonymized: true, Messages: make([]TranscriptMessage, len(t.Messages))}
	for i, m := range t.Messages {
		out.Messages[i] = anonymizeMessage(m)
		out.Messages[i].Time = day(m.Time)
	}
	return out
}

// anonymizeMessage replaces each finding of m by "[TYPE]", left to right; a finding that overlaps
// an earlier one is merged into it.
func anonymizeMessage(m TranscriptMessage) TranscriptMessage {
	fs := slices.Clone(m.Findings)
	slices.SortFunc(fs, func(a, b TranscriptFinding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	var b strings.Builder
	out := TranscriptMessage{Direction: m.Direction}
	pos := 0
	for _, f := range fs {
		if f.Start < 0 || f.End > len(m.Text) || f.End < f.Start {
			continue // malformed: ParseTranscript refuses these
		}
		if f.Start < pos { // overlaps the previous replacement: extend it
			pos = max(pos, f.End)
			continue
		}
		b.WriteString(m.Text[pos:f.Start])
		start := b.Len()
		b.WriteString("[" + f.Type.String() + "]")
		out.Findings = append(out.Findings, TranscriptFinding{Type: f.Type, Start: start, End: b.Len()})
		pos = f.End
	}
	b.WriteString(m.Text[pos:])
	out.Text = b.String()
	return out
}
