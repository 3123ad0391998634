package rights

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/proxy"

	"github.com/veil-privacy/veil/redact"
)

func TestAnonymize(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		desc string
		msg  TranscriptMessage
		want string
		fs   []TranscriptFinding
	}{
		{desc: "no findings", msg: TranscriptMessage{Text: "hello"}, want: "hello"},
		{desc: "token and surrogate",
			msg: TranscriptMessage{Text: "I am Alex Ashworth, mail [EMAIL_7f3a2c].",
				Findings: []TranscriptFinding{{Type: redact.Email, Start: 25, End: 39}, {Type: redact.Person, Start: 5, End: 18}}},
			want: "I am [PERSON], mail [EMAIL].",
			fs:   []TranscriptFinding{{Type: redact.Person, Start: 5, End: 13}, {Type: redact.Email, Start: 20, End: 27}}},
		{desc: "overlap merges", msg: TranscriptMessage{Text: "abcdefgh",
			Findings: []TranscriptFinding{{Type: redact.Address, Start: 1, End: 5}, {Type: redact.Person, Start: 3, End: 7}}},
			want: "a[ADDRESS]h", fs: []TranscriptFinding{{Type: redact.Address, Start: 1, End: 10}}},
		{desc: "malformed skipped", msg: TranscriptMessage{Text: "abc",
			Findings: []TranscriptFinding{{Type: redact.Email, Start: 2, End: 9}}}, want: "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			tc.msg.Time, tc.msg.Direction = at, "request"
			tr := Transcript{Version: TranscriptVersion, Route: "chat", Started: at, Updated: at, Messages: []TranscriptMessage{tc.msg}}
			got := tr.Anonymize()
			m := got.Messages[0]
			if m.Text != tc.want || !got.Anonymized || got.Route != "chat" || !got.Started.Equal(day) || !m.Time.Equal(day) || m.Direction != "request" {
				t.Fatalf("anonymized %+v", got)
			}
			if len(m.Findings) != len(tc.fs) {
				t.Fatalf("findings %+v, want %+v", m.Findings, tc.fs)
			}
			for i := range tc.fs {
				if m.Findings[i] != tc.fs[i] {
					t.Fatalf("findings %+v, want %+v", m.Findings, tc.fs)
				}
				if f := m.Findings[i]; m.Text[f.Start:f.End] != "["+f.Type.String()+"]" {
					t.Fatalf("finding %+v does not point at its placeholder", f)
				}
			}
		})
	}
}

func TestParseTranscript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		ok   bool
	}{
		{desc: "valid", in: `{"v":1,"started":"2026-01-01T00:00:00Z","messages":[{"text":"a [EMAIL]","findings":[{"type":"EMAIL","start":2,"end":9}]}]}`, ok: true},
		{desc: "not json", in: `{`},
		{desc: "other version", in: `{"v":2,"messages":[]}`},
		{desc: "finding past the end", in: `{"v":1,"messages":[{"text":"a","findings":[{"type":"EMAIL","start":0,"end":5}]}]}`},
		{desc: "negative offset", in: `{"v":1,"messages":[{"text":"a","findings":[{"type":"EMAIL","start":-1,"end":1}]}]}`},
		{desc: "unknown type", in: `{"v":1,"messages":[{"text":"a","findings":[{"type":"SHOE","start":0,"end":1}]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if _, err := ParseTranscript([]byte(tc.in)); (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestWriteTranscriptSealed: a kept exchange is stored sealed (no value readable in the store),
// exported decrypted, anonymised on request, and unreadable after erasure.
func TestWriteTranscriptSealed(t *testing.T) {
	f := newFixture(t)
	sub := f.newBrowser().subject
	ex := &proxy.Exchange{ID: "req1", Route: &proxy.Route{Name: "rasa"}, Subject: sub}
	text := "I am Ana Lopez"
	entries := []proxy.TranscriptEntry{
		{Direction: "request", Text: "I am [PERSON]", Findings: []redact.Finding{{Type: redact.Person, Start: 5, End: 13}}},
		{Direction: "response", Text: "You said: " + text, Findings: []redact.Finding{{Type: redact.Person, Start: 15, End: 24}}},
	}
	if err := f.svc.WriteTranscript(context.Background(), ex, entries, time.Hour); err != nil {
		t.Fatal(err)
	}
	recs, err := f.st.List(context.Background(), sub, KindTranscript)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %d, %v", len(recs), err)
	}
	if strings.Contains(string(recs[0].Value), "Ana Lopez") {
		t.Fatal("the transcript is stored in clear")
	}
	x, err := f.svc.Export(context.Background(), sub, Requester{Channel: ChannelAPI})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Transcripts) != 1 || x.Transcripts[0].Unreadable || x.Transcripts[0].Transcript.Messages[1].Text != "You said: "+text {
		t.Fatalf("exported transcripts %+v", x.Transcripts)
	}
}
