package audit

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestRecordInOrderAndVerify writes events concurrently and sequentially on every backend: they
// arrive once each, in chain order, with checkpoints, and verify passes.
func TestRecordInOrderAndVerify(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			sink := b.open(t)
			dir := t.TempDir()
			cfg := testConfig(nil)
			a := testAuditor(t, sink, dir, cfg, nil)
			ctx := context.Background()
			for i := range 25 {
				if err := a.Record(ctx, event(i)); err != nil {
					t.Fatalf("Record %d: %v", i, err)
				}
			}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 25 {
						if err := a.Record(ctx, event(1000*(g+1)+i)); err != nil {
							t.Errorf("Record: %v", err)
						}
					}
				}()
			}
			wg.Wait()
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			res := verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
			seen := map[string]int{}
			var seqs []uint64
			err := Each(ctx, sink, cfg.Stream, timeZero, timeZero, Filter{}, func(ev Event) error {
				seqs = append(seqs, ev.Seq)
				if ev.Type != Checkpoint {
					seen[ev.RequestID]++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != 125 {
				t.Errorf("%d distinct events, want 125", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s recorded %d times", id, n)
				}
			}
			for i, s := range seqs {
				if s != uint64(i+1) {
					t.Fatalf("entry %d has seq %d", i, s)
				}
			}
			// The first 25 were sequential: they are in call order.
			var first []string
			_ = Each(ctx, sink, cfg.Stream, timeZero, timeZero, Filter{Types: []Type{MessageForwarded}}, func(ev Event) error {
				if len(first) < 25 {
					first = append(first, ev.RequestID)
				}
				return nil
			})
			for i, id := range first {
				if id != "req-"+strconv.Itoa(i) {
					t.Fatalf("event %d is %s", i, id)
				}
			}
			if res.Checkpoints < 125/cfg.CheckpointEvery || !res.FinalCheckpoint || res.Uncovered != 0 {
				t.Errorf("checkpoints %d final %v uncovered %d", res.Checkpoints, res.FinalCheckpoint, res.Uncovered)
			}
			if res.TailWarning != "" {
				t.Errorf("tail warning on a cleanly closed trail: %s", res.TailWarning)
			}
		})
	}
}

// TestResumeContinuesChain reopens the trail on the same stream: the chain goes on, verifiable.
func TestResumeContinuesChain(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			sink := b.open(t)
			dir := t.TempDir()
			cfg := testConfig(nil)
			ctx := context.Background()
			for run := range 3 {
				a := testAuditor(t, sink, dir, cfg, nil)
				for i := range 7 {
					if err := a.Record(ctx, event(run*100+i)); err != nil {
						t.Fatal(err)
					}
				}
				if run < 2 {
					a.Close()
				} else {
					// A crash: no final checkpoint. The next start covers the tail first.
					a.kill()
				}
			}
			a := testAuditor(t, sink, dir, cfg, nil)
			if err := a.Record(ctx, event(999)); err != nil {
				t.Fatal(err)
			}
			a.Close()
			res := verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
			if res.StartsMidChain || res.First.Seq != 1 {
				t.Errorf("chain does not start at 1: %+v", res.First)
			}
		})
	}
}

// TestGroupCommitBatches holds the first write and lets N-1 concurrent Records queue behind it:
// they go out in one Append.
func TestGroupCommitBatches(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	gate := make(chan struct{})
	sink.gate = gate
	reg := prometheus.NewRegistry()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 100000 })
	a := testAuditor(t, sink, t.TempDir(), cfg, reg)
	const n = 200
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.Record(context.Background(), event(0)); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, "the first Append to block", func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return sink.gate == nil
	})
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.Record(context.Background(), event(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	// The writer waits for the first Append: the rest queue.
	waitFor(t, "the Records to queue", func() bool { return int(a.w.chained.Load())+len(a.w.in) == n })
	close(gate)
	wg.Wait()
	sink.mu.Lock()
	appends := sink.appends
	sink.mu.Unlock()
	if appends != 2 {
		t.Errorf("%d events took %d appends, want 2 (the first, then the rest)", n, appends)
	}
	if got := value(a.m.batches); got != float64(appends) {
		t.Errorf("batches metric %v, want %d", got, appends)
	}
}

// TestBatchMaxSplits: more queued events than batch_max go out in several Appends.
func TestBatchMaxSplits(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	gate := make(chan struct{})
	sink.gate = gate
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 100000; c.BatchMax = 16 })
	a := testAuditor(t, sink, t.TempDir(), cfg, nil)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = a.Record(context.Background(), event(0)) }()
	waitFor(t, "the first Append to block", func() bool { sink.mu.Lock(); defer sink.mu.Unlock(); return sink.gate == nil })
	for i := 1; i <= 48; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = a.Record(context.Background(), event(i)) }()
	}
	waitFor(t, "the Records to queue", func() bool { return int(a.w.chained.Load())+len(a.w.in) == 49 })
	close(gate)
	wg.Wait()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.appends != 4 {
		t.Errorf("%d appends, want 4 (1, then the 48 queued behind it in batches of 16)", sink.appends)
	}
}

// TestNoPersonalValueReachesTheStream plants personal values in every field a caller sets: events
// that carry the subject id anywhere but Subject are refused, and no planted value is in the stream.
func TestNoPersonalValueReachesTheStream(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			sink := b.open(t)
			dir := t.TempDir()
			cfg := testConfig(nil)
			a := testAuditor(t, sink, dir, cfg, nil)
			ctx := context.Background()
			const subject = "alice.smith@example.com"
			const cookie = "visitor-3f9a2c7b11"
			planted := []string{subject, cookie, "alice", "+49 170 1234567", "DE89370400440532013000", "Alice Smith"}

			// The subject id itself in each caller-set field: refused, naming the field only.
			for _, tc := range []struct {
				desc string
				mod  func(*Event)
			}{
				{"request id", func(e *Event) { e.RequestID = "req-" + cookie }},
				{"route", func(e *Event) { e.Route = cookie }},
				{"policy revision", func(e *Event) { e.PolicyRevision = cookie }},
				{"decision id", func(e *Event) { e.DecisionID = "d:" + strings.ToUpper(cookie) }},
				{"outcome", func(e *Event) { e.Outcome = cookie }},
				{"actor", func(e *Event) { e.Actor = cookie }},
				{"role", func(e *Event) { e.Role = cookie }},
				{"reason", func(e *Event) { e.Reason = "INC-1/" + cookie }},
				{"findings key", func(e *Event) { e.Findings = map[string]int{cookie: 1} }},
				{"actions key", func(e *Event) { e.Actions = map[string]int{"v" + cookie: 1} }},
			} {
				t.Run(tc.desc, func(t *testing.T) {
					e := Event{Type: AdminAccess, Subject: cookie}
					tc.mod(&e)
					err := a.Record(ctx, e)
					if !errors.Is(err, ErrInvalidEvent) {
						t.Fatalf("Record accepted the subject id in %s: %v", tc.desc, err)
					}
					if strings.Contains(err.Error(), cookie) {
						t.Errorf("the error quotes the value: %v", err)
					}
				})
			}
			// Values that are not identifiers (addresses, phone numbers, prose) are refused by alphabet.
			for _, v := range []string{subject, "+49 170 1234567", "Alice Smith", "ticket about alice"} {
				for _, e := range []Event{
					{Type: AdminAccess, Reason: v}, {Type: AdminAccess, Route: v}, {Type: AdminAccess, RequestID: v},
					{Type: AdminAccess, Actor: v}, {Type: AdminAccess, Findings: map[string]int{v: 1}},
				} {
					err := a.Record(ctx, e)
					if !errors.Is(err, ErrInvalidEvent) {
						t.Errorf("Record accepted a non-identifier: %v", err)
					} else if strings.Contains(err.Error(), v) {
						t.Errorf("the error quotes the value: %v", err)
					}
				}
			}
			// Valid events about the subject: only the pseudonym is stored.
			for _, s := range []string{subject, cookie} {
				if err := a.Record(ctx, Event{Type: ConsentGranted, Subject: s, Route: "chat", RequestID: "r1", Reason: "INC-4711",
					Findings: map[string]int{"EMAIL": 1, "PHONE": 1}, Actions: map[string]int{"EMAIL": 1}, Actor: "admin-7", Role: "dpo", Outcome: "ok"}); err != nil {
					t.Fatal(err)
				}
			}
			a.Close()
			var found int
			err := Each(ctx, sink, cfg.Stream, timeZero, timeZero, Filter{}, func(ev Event) error {
				for _, f := range ev.fields() {
					for _, p := range planted {
						if strings.Contains(strings.ToLower(f), strings.ToLower(p)) {
							t.Errorf("planted value found in the stream (%s event)", ev.Type)
						}
					}
				}
				if ev.Subject == a.Pseudonym(subject) || ev.Subject == a.Pseudonym(cookie) {
					found++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if found != 2 {
				t.Errorf("found %d events by pseudonym, want 2", found)
			}
			verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
		})
	}
}

func TestRecordRefusesCheckpointsAndUnknownTypes(t *testing.T) {
	t.Parallel()
	a := testAuditor(t, newMemSink(), t.TempDir(), testConfig(nil), nil)
	for _, typ := range []Type{Checkpoint, "", "message.sent"} {
		if err := a.Record(context.Background(), Event{Type: typ}); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("type %q: %v", typ, err)
		}
	}
}

func TestRecordAfterClose(t *testing.T) {
	t.Parallel()
	a := testAuditor(t, newMemSink(), t.TempDir(), testConfig(nil), nil)
	a.Close()
	if err := a.Record(context.Background(), event(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Record after Close: %v", err)
	}
}

func TestPseudonymIsKeyed(t *testing.T) {
	t.Parallel()
	p1, _ := NewPseudonymizer([]byte(strings.Repeat("k", 32)))
	p2, _ := NewPseudonymizer([]byte(strings.Repeat("j", 32)))
	if p1.Pseudonym("alice") == p2.Pseudonym("alice") {
		t.Error("two keys give the same pseudonym")
	}
	again := p1.Pseudonym("alice")
	if p1.Pseudonym("alice") != again || again == p1.Pseudonym("bob") {
		t.Error("pseudonyms are not a function of the subject")
	}
	if len(p1.Pseudonym("alice")) != 32 || p1.Pseudonym("") != "" {
		t.Error("unexpected pseudonym shape")
	}
	if _, err := NewPseudonymizer([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}
