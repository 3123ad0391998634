package rights

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
	"github.com/veil-privacy/veil/store/storetest"
)

func (f *fixture) retentionEvents(outcome string) []audit.Event {
	var out []audit.Event
	for _, ev := range f.events(audit.RetentionExpired) {
		if ev.Outcome == outcome {
			out = append(out, ev)
		}
	}
	return out
}

// TestSweeperAuditsExpiry follows the vault's records from one scan to their expiry on the
// embedded store (whose clock the test moves): they are counted once, by kind, without a subject;
// an extended record and an erased subject's records are not counted.
func TestSweeperAuditsExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	sw := f.svc.Sweeper()
	for _, v := range []string{"a@example.org", "b@example.org"} {
		if _, err := f.vault.Tokenize(ctx, "c-expiring", redact.Email, v, 0, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.vault.Tokenize(ctx, "c-erased", redact.Email, "e@example.org", 0, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := f.vault.Tokenize(ctx, "c-lasting", redact.Email, "l@example.org", 0, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	// A record that will be extended before it expires.
	ext := store.Record{Subject: "c-extended", Kind: KindRequest, Key: "r1", Value: []byte("{}"), ExpiresAt: f.clock.Now().Add(90 * time.Minute)}
	if err := f.st.Put(ctx, ext); err != nil {
		t.Fatal(err)
	}

	rep, err := sw.Pass(ctx)
	if err != nil || !rep.Held || !rep.Scanned {
		t.Fatalf("first pass %+v %v", rep, err)
	}
	if rep.Tracked != 7 { // 3 tokens, 3 index entries, 1 request
		t.Fatalf("tracked %d records, want 7", rep.Tracked)
	}
	if _, err := f.svc.Erase(ctx, "c-erased", ModeErase, Requester{Channel: ChannelAdmin, Actor: "dpo-1", Role: "dpo", Reason: "INC-1"}); err != nil {
		t.Fatal(err)
	}
	ext.ExpiresAt = f.clock.Now().Add(48 * time.Hour)
	if err := f.st.Put(ctx, ext); err != nil {
		t.Fatal(err)
	}

	f.clock.Advance(time.Hour)
	if rep, _ = sw.Pass(ctx); len(rep.Expired) != 0 || rep.Scanned {
		t.Fatalf("pass before expiry %+v", rep)
	}
	f.clock.Advance(90 * time.Minute)
	rep, err = sw.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Expired["vault.token"] != 2 || rep.Expired["vault.index"] != 2 || len(rep.Expired) != 2 || rep.Tracked != 0 {
		t.Fatalf("expired %v, tracked %d", rep.Expired, rep.Tracked)
	}
	evs := f.retentionEvents("expired")
	if len(evs) != 1 || evs[0].Actions["vault.token"] != 2 || evs[0].Subject != "" {
		t.Fatalf("retention.expired events %+v", evs)
	}
	// Nothing is counted twice.
	f.clock.Advance(2 * time.Hour)
	if rep, _ = sw.Pass(ctx); len(rep.Expired) != 0 {
		t.Fatalf("counted again: %v", rep.Expired)
	}
	f.verifyTrail()
}

// TestSweeperConversationRetention deletes conversations whose last message is older than the
// configured retention, audits that first, and leaves younger ones and the audit stream alone.
func TestSweeperConversationRetention(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) { c.ConversationRetentionDays = 30 })
	ctx := context.Background()
	now := f.clock.Now()
	old := Transcript{Version: TranscriptVersion, Started: now.Add(-50 * 24 * time.Hour), Updated: now.Add(-31 * 24 * time.Hour)}
	young := Transcript{Version: TranscriptVersion, Started: now.Add(-50 * 24 * time.Hour), Updated: now.Add(-29 * 24 * time.Hour)}
	f.putTranscript("c-1", "old", old, 365*24*time.Hour)
	f.putTranscript("c-1", "young", young, 365*24*time.Hour)
	f.putTranscript("c-2", "old", old, 365*24*time.Hour)
	f.say("c-1", "what do you know about me") // something in the trail before the sweep
	before := len(f.events(audit.SubjectExported))

	rep, err := f.svc.Sweeper().Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted[KindTranscript] != 2 {
		t.Fatalf("deleted %v", rep.Deleted)
	}
	recs, _ := f.st.List(ctx, "c-1", KindTranscript)
	if len(recs) != 1 || recs[0].Key != "young" {
		t.Fatalf("left %v", recs)
	}
	if evs := f.retentionEvents("deleted"); len(evs) != 1 || evs[0].Actions[KindTranscript] != 2 {
		t.Fatalf("retention.expired deleted events %+v", evs)
	}
	// A day later the young one goes too, at the next scan.
	f.clock.Advance(12 * time.Hour)
	if rep, _ = f.svc.Sweeper().Pass(ctx); rep.Scanned || rep.Deleted[KindTranscript] != 0 {
		t.Fatalf("scanned before scan_interval: %+v", rep)
	}
	f.clock.Advance(13 * time.Hour)
	if rep, _ = f.svc.Sweeper().Pass(ctx); rep.Deleted[KindTranscript] != 1 {
		t.Fatalf("second scan %+v", rep)
	}
	if n := len(f.events(audit.SubjectExported)); n != before {
		t.Fatalf("the sweeper touched the audit stream: %d events, had %d", n, before)
	}
	f.verifyTrail()
}

// TestSweeperLease lets one of two replicas sweep.
func TestSweeperLease(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.svc.Sweeper()
	b := NewSweeper(f.svc.cfg, f.st, f.aud, zerolog.Nop(), f.clock.Now)
	if rep, err := a.Pass(ctx); err != nil || !rep.Held {
		t.Fatalf("a: %+v %v", rep, err)
	}
	if rep, err := b.Pass(ctx); err != nil || rep.Held {
		t.Fatalf("b swept while a holds the lease: %+v %v", rep, err)
	}
	// a stops renewing; once the lease lapses b takes over.
	f.clock.Advance(3*f.svc.cfg.SweepInterval + time.Second)
	if rep, err := b.Pass(ctx); err != nil || !rep.Held || !rep.Scanned {
		t.Fatalf("b after the lease lapsed: %+v %v", rep, err)
	}
	if rep, _ := a.Pass(ctx); rep.Held {
		t.Fatal("a swept again while b holds the lease")
	}
}

func TestSweeperStartStop(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sw := f.svc.Sweeper()
	sw.Start(context.Background())
	sw.Stop()
	sw.Stop()
	NewSweeper(f.svc.cfg, f.st, nil, zerolog.Nop(), nil).Stop() // never started
}

// recorder is an Auditor double that keeps events.
type recorder struct {
	mu  sync.Mutex
	evs []audit.Event
}

func (r *recorder) Record(_ context.Context, ev audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
	return nil
}

// TestSweeperBackends runs the same accounting on both backends. Expiry is what each backend
// does on its own (a Redis TTL, the bbolt sweeper); here the records are deleted by the test to
// stand for it, since Redis keeps real time, and the sweeper's clock is moved past their expiry.
func TestSweeperBackends(t *testing.T) {
	t.Parallel()
	backends := []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"embedded", func(t *testing.T) store.Store {
			s, err := embedded.Open(t.TempDir() + "/" + embedded.FileName)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}},
		{"redis", func(t *testing.T) store.Store {
			if testing.Short() {
				t.Skip("needs redis-server")
			}
			srv := redistest.Start(t)
			s, err := redisstore.New(srv.Client(), "")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := be.open(t)
			clock := storetest.NewClock(time.Now())
			var cfg Config
			_ = cfg.Validate()
			rec := &recorder{}
			sw := NewSweeper(cfg, st, rec, zerolog.Nop(), clock.Now)
			exp := clock.Now().Add(30 * time.Minute)
			for _, r := range []store.Record{
				{Subject: "c-1", Kind: "vault.token", Key: "t1", Value: []byte("x"), ExpiresAt: exp},
				{Subject: "c-1", Kind: "vault.index", Key: "i1", Value: []byte("x"), ExpiresAt: exp},
				{Subject: "c-2", Kind: "consent.log", Key: "l1", Value: []byte("x"), ExpiresAt: exp},
				{Subject: "c-2", Kind: "consent", Key: "state", Value: []byte("x"), ExpiresAt: clock.Now().Add(30 * time.Minute)},
				{Subject: "c-3", Kind: "vault.token", Key: "t9", Value: []byte("x"), ExpiresAt: clock.Now().Add(72 * time.Hour)},
				{Subject: "_vault", Kind: "vault.token", Key: "sys", Value: []byte("x"), ExpiresAt: exp},
			} {
				if err := st.Put(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if rep, err := sw.Pass(ctx); err != nil || rep.Tracked != 4 {
				t.Fatalf("scan %+v %v", rep, err)
			}
			for _, k := range [][3]string{{"c-1", "vault.token", "t1"}, {"c-1", "vault.index", "i1"}, {"c-2", "consent.log", "l1"}} {
				if err := st.Delete(ctx, k[0], k[1], k[2]); err != nil {
					t.Fatal(err)
				}
			}
			// The consent state was renewed (its TTL pushed back) before it expired.
			if err := st.Put(ctx, store.Record{Subject: "c-2", Kind: "consent", Key: "state", Value: []byte("y"), ExpiresAt: clock.Now().Add(1000 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
			rep, err := sw.Pass(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"vault.token": 1, "vault.index": 1, "consent.log": 1}
			if len(rep.Expired) != len(want) || rep.Expired["vault.token"] != 1 || rep.Expired["vault.index"] != 1 || rep.Expired["consent.log"] != 1 {
				t.Fatalf("expired %v, want %v", rep.Expired, want)
			}
			if len(rec.evs) != 1 || rec.evs[0].Type != audit.RetentionExpired || rec.evs[0].Subject != "" || rec.evs[0].Actions["consent.log"] != 1 {
				t.Fatalf("events %+v", rec.evs)
			}
		})
	}
}
