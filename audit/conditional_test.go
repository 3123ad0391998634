package audit

import (
	"context"
	"sync"
	"testing"

	"github.com/veil-privacy/veil/store/redisstore"
)

// lateSink is the Redis store with one write that the writer is told failed but that Redis makes
// later: the first conditional append fails without writing, and its entries land just before the
// next conditional append runs, as a write the client gave up on (a timeout) and that Redis
// executed afterwards would.
type lateSink struct {
	*redisstore.Store
	mu      sync.Mutex
	calls   int
	held    []map[string]string
	refused int
}

func (s *lateSink) AppendAfter(ctx context.Context, stream, field, last string, entries ...map[string]string) ([]string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	switch {
	case s.calls == 1:
		s.held = entries
		return nil, false, context.DeadlineExceeded
	case s.held != nil:
		if _, err := s.Store.Append(ctx, stream, s.held...); err != nil {
			return nil, false, err
		}
		s.held = nil
	}
	ids, ok, err := s.Store.AppendAfter(ctx, stream, field, last, entries...)
	if err == nil && !ok {
		s.refused++
	}
	return ids, ok, err
}

// TestLateWriteNotDoubled: a batch the writer spooled after a failed write, but that Redis made
// after all once the writer had looked at the stream, is refused by the replay's conditional
// append and found in the stream's tail: every event is there once and the chain verifies.
func TestLateWriteNotDoubled(t *testing.T) {
	t.Parallel()
	store, _ := openRedis(t)
	sink := &lateSink{Store: store}
	dir := t.TempDir()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 0 })
	a := testAuditor(t, sink, dir, cfg, nil)
	recordEvents(t, a, 0, 5)
	sink.mu.Lock()
	calls := sink.calls
	sink.mu.Unlock()
	if calls == 0 {
		t.Fatal("the writer did not append conditionally")
	}
	waitFor(t, "the spool to replay", func() bool { return value(a.m.spooled) > 0 && value(a.m.degraded) == 0 })
	recordEvents(t, a, 5, 8)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	seen := countPlanted(t, sink, cfg.Stream)
	for i := range 8 {
		if id := event(i).RequestID; seen[id] != 1 {
			t.Errorf("%s is in the stream %d times, want 1", id, seen[id])
		}
	}
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if sink.refused == 0 || value(a.m.gaps) != 0 {
		t.Errorf("%d refusals (want some), %v gaps (want none)", sink.refused, value(a.m.gaps))
	}
}

// TestStoreLostEvents: when the store loses the stream's last events (a failover before they
// were replicated), the next batch does not follow the stream's last event: it goes after it,
// Record keeps succeeding, the gap is counted, and verify reports it.
func TestStoreLostEvents(t *testing.T) {
	t.Parallel()
	sink, srv := openRedis(t)
	dir := t.TempDir()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 0 })
	a := testAuditor(t, sink, dir, cfg, nil)
	ctx := context.Background()
	recordEvents(t, a, 0, 5)
	entries, err := sink.Range(ctx, cfg.Stream, "-", "+", 0)
	if err != nil || len(entries) != 5 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	if err := srv.Client().XDel(ctx, "veil:stream:"+cfg.Stream, entries[3].ID, entries[4].ID).Err(); err != nil {
		t.Fatal(err)
	}
	recordEvents(t, a, 5, 8) // Record keeps succeeding after the store lost events
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	seen := countPlanted(t, sink, cfg.Stream)
	for i := range 8 {
		want := 1
		if i == 3 || i == 4 {
			want = 0
		}
		if id := event(i).RequestID; seen[id] != want {
			t.Errorf("%s is in the stream %d times, want %d", id, seen[id], want)
		}
	}
	if value(a.m.gaps) != 1 || value(a.m.spooled) != 0 {
		t.Errorf("gaps %v (want 1), spooled %v (want 0)", value(a.m.gaps), value(a.m.spooled))
	}
	res, err := Verify(ctx, sink, cfg.Stream, VerifyOptions{PublicKey: publicKey(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Break.Seq != 6 {
		t.Errorf("verify: ok %v, break %+v; want the gap before seq 6", res.OK(), res.Break)
	}
}
