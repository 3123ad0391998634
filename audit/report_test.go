package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reportEvents is a month of a small deployment, in order.
func reportEvents() []Event {
	msg := func(typ Type, subject string, found, actions map[string]int) Event {
		return Event{Type: typ, RequestID: "req", Subject: subject, Route: "chat", PolicyRevision: "rev-1",
			Findings: found, Actions: actions, Outcome: "ok"}
	}
	consent := func(typ Type, subject, purpose string) Event {
		return Event{Type: typ, Subject: subject, Actions: map[string]int{"purpose." + purpose: 1}, Outcome: "ok"}
	}
	admin := func(actor, role, action, reason, outcome string) Event {
		return Event{Type: AdminAccess, Route: "admin", Actor: actor, Role: role, Reason: reason, Outcome: outcome,
			Actions: map[string]int{action: 1}}
	}
	evs := []Event{
		{Type: PolicyLoaded, PolicyRevision: "rev-1", Outcome: "ok"},
		{Type: ConsentShown, Subject: "visitor-aaaaaaaa", Outcome: "ok"},
		consent(ConsentGranted, "visitor-aaaaaaaa", "support"),
		msg(MessageForwarded, "visitor-aaaaaaaa", map[string]int{"EMAIL": 1, "PHONE": 1}, map[string]int{"tokenize": 2}),
		msg(ResponseFiltered, "visitor-aaaaaaaa", map[string]int{"PERSON": 1}, map[string]int{"redact": 1}),
		msg(MessageForwarded, "visitor-bbbbbbbb", map[string]int{"EMAIL": 1}, map[string]int{"redact": 1}),
		msg(MessageBlocked, "visitor-bbbbbbbb", map[string]int{"NATIONAL_ID": 1}, map[string]int{"block": 1}),
		consent(ConsentGranted, "visitor-bbbbbbbb", "marketing"),
		consent(ConsentWithdrawn, "visitor-bbbbbbbb", "marketing"),
		consent(ObjectionRecorded, "visitor-bbbbbbbb", "profiling"),
		{Type: TokenCreated, Subject: "visitor-aaaaaaaa", Outcome: "ok"},
		{Type: AdminLogin, Actor: "alice", Role: "dpo", Outcome: "ok"},
		{Type: AdminLogin, Actor: "mallory", Outcome: "bad_credentials"},
		admin("alice", "dpo", "subject.export", "INC-1", "ok"),
		admin("alice", "dpo", "subject.erase", "INC-2", "ok"),
		admin("bob", "support", "subject.export", "", "denied"),
		{Type: SubjectExported, Subject: "visitor-aaaaaaaa", Actor: "alice", Role: "dpo", Reason: "INC-1", Outcome: "ok"},
		{Type: SubjectErased, Subject: "visitor-bbbbbbbb", Actor: "alice", Role: "dpo", Reason: "INC-2", Outcome: "ok"},
		{Type: PolicyRejected, PolicyRevision: "rev-2", Outcome: "rejected"},
		{Type: ConfigReloaded, Outcome: "ok"},
		msg(MessageForwarded, "visitor-aaaaaaaa", map[string]int{"IBAN": 1}, map[string]int{"tokenize": 1}),
	}
	return evs
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openEmbedded(t)
	a := testAuditor(t, s, dir, testConfig(func(c *Config) { c.CheckpointEvery = 1000 }), nil)
	before := time.Now().UTC()
	for _, ev := range reportEvents() {
		if err := a.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	rep, err := Summarize(ctx, s, a.cfg.Stream, before.Add(-time.Second), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Subjects != 2 || rep.Events[MessageForwarded] != 3 || rep.Events[MessageBlocked] != 1 {
		t.Errorf("subjects %d, events %v", rep.Subjects, rep.Events)
	}
	wantFound := map[string]int{"EMAIL": 2, "PHONE": 1, "PERSON": 1, "NATIONAL_ID": 1, "IBAN": 1}
	if !maps.Equal(rep.Found, wantFound) || !maps.Equal(rep.Actions, map[string]int{"tokenize": 3, "redact": 2, "block": 1}) {
		t.Errorf("found %v, actions %v", rep.Found, rep.Actions)
	}
	if c := rep.Consent["marketing"]; c == nil || *c != (PurposeCounts{Granted: 1, Withdrawn: 1}) ||
		*rep.Consent["profiling"] != (PurposeCounts{Objections: 1}) || *rep.Consent["support"] != (PurposeCounts{Granted: 1}) {
		t.Errorf("consent %+v", rep.Consent)
	}
	if len(rep.Admins) != 2 || rep.Admins[0].Actor != "alice" || rep.Admins[0].Accesses != 2 || rep.Admins[0].WithReason != 2 ||
		rep.Admins[1].Actor != "bob" || rep.Admins[1].Refused != 1 || rep.Admins[1].WithReason != 0 {
		t.Errorf("admins %+v %+v", rep.Admins[0], rep.Admins[1])
	}
	if strings.Join(rep.Policies, ",") != "rev-1" || !maps.Equal(rep.AdminLogins, map[string]int{"ok": 1, "bad_credentials": 1}) {
		t.Errorf("policies %v, logins %v", rep.Policies, rep.AdminLogins)
	}

	// The text report, with the times fixed for the golden file; JSON holds the same counts.
	rep.Since, rep.Until = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rep.First, rep.Last = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	rep.Stream = "veil:audit"
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden")
	if *update {
		if err := os.WriteFile(golden, text.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if text.String() != string(want) {
		t.Errorf("report:\n%s\nwant (go test -update to accept):\n%s", text.String(), want)
	}
	var back Report
	b, _ := json.Marshal(rep)
	if err := json.Unmarshal(b, &back); err != nil || back.Subjects != 2 || back.Events[MessageForwarded] != 3 {
		t.Errorf("JSON round trip: %v %s", err, b)
	}

	// A period with no events.
	empty, err := Summarize(ctx, s, a.cfg.Stream, before.Add(time.Hour), time.Time{})
	if err != nil || len(empty.Events) != 0 {
		t.Fatalf("empty period: %v %v", empty.Events, err)
	}
}

// TestSummaryWithVerify: a Summary fed by Verify's Each holds what Summarize reads, for a period
// that leaves events out at both ends.
func TestSummaryWithVerify(t *testing.T) {
	t.Parallel()
	s := openEmbedded(t)
	dir := t.TempDir()
	a := testAuditor(t, s, dir, testConfig(func(c *Config) { c.CheckpointEvery = 4 }), nil)
	ctx := context.Background()
	record := func() {
		for _, ev := range reportEvents() {
			if err := a.Record(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	record()
	time.Sleep(5 * time.Millisecond)
	since := time.Now().UTC()
	record()
	until := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	record()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	want, err := Summarize(ctx, s, a.cfg.Stream, since, until)
	if err != nil {
		t.Fatal(err)
	}
	sum := NewSummary(a.cfg.Stream, since, until)
	res, err := Verify(ctx, s, a.cfg.Stream, VerifyOptions{PublicKey: publicKey(t, dir), Each: sum.Add})
	if err != nil || !res.OK() {
		t.Fatalf("verify: %v %+v", err, res.Break)
	}
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(sum.Report())
	if string(gb) != string(wb) || want.Events[MessageForwarded] != 3 {
		t.Errorf("summary with verify:\n%s\nwant:\n%s", gb, wb)
	}
}
