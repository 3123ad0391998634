package audit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/redisstore"
)

// lateSink is the Redis store counting the appends Redis refused some entries of. If late, it
// has one write that the writer is told failed but that Redis makes later: the first append fails
// without writing, and its entries land, under the ids they were sent with, just before the next
// append runs, as a write the client gave up on (a timeout) and that Redis executed afterwards would.
// If lostReply is set, the next append without an after id (the writer's detour after the
// stream's last id) is made but reported failed, as a write whose reply was lost.
type lateSink struct {
	*redisstore.Store
	late      bool
	lostReply bool
	mu        sync.Mutex
	calls     int
	held      []map[string]string
	heldIDs   []string
	refused   int
}

func (s *lateSink) AppendAt(ctx context.Context, stream, after string, ids []string, entries ...map[string]string) ([]bool, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	switch {
	case s.late && s.calls == 1:
		s.held, s.heldIDs = entries, ids
		return nil, false, context.DeadlineExceeded
	case s.held != nil:
		if _, _, err := s.Store.AppendAt(ctx, stream, after, s.heldIDs, s.held...); err != nil {
			return nil, false, err
		}
		s.held = nil
	}
	added, lost, err := s.Store.AppendAt(ctx, stream, after, ids, entries...)
	if err == nil && slices.Contains(added, false) {
		s.refused++
	}
	if err == nil && s.lostReply && after == "" {
		s.lostReply = false
		return nil, false, context.DeadlineExceeded
	}
	return added, lost, err
}

func (s *lateSink) armLostReply() {
	s.mu.Lock()
	s.lostReply = true
	s.mu.Unlock()
}

// TestLateWriteNotDoubled: a batch the writer spooled after a failed write, but that Redis made
// after all once the writer had looked at the stream, is refused by the replay (its stream ids are
// taken) and found in the stream: every event is there once and the chain verifies.
func TestLateWriteNotDoubled(t *testing.T) {
	t.Parallel()
	store, _ := openRedis(t)
	sink := &lateSink{Store: store, late: true}
	dir := t.TempDir()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 0 })
	a := testAuditor(t, sink, dir, cfg, nil)
	recordEvents(t, a, 0, 5)
	sink.mu.Lock()
	calls := sink.calls
	sink.mu.Unlock()
	if calls == 0 {
		t.Fatal("the writer did not append under its own ids")
	}
	waitFor(t, "the spool to replay", func() bool { return value(a.m.spooled) > 0 && value(a.m.degraded) == 0 })
	recordEvents(t, a, 5, 8)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, planted(0, 8), countPlanted(t, sink, cfg.Stream))
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if sink.refused == 0 || value(a.m.gaps) != 0 {
		t.Errorf("%d refusals (want some), %v gaps (want none)", sink.refused, value(a.m.gaps))
	}
}

// TestStoreLostEvents: when the store loses the stream's last events (a failover before they
// were replicated: the entries and the stream's memory of their ids are gone), the next batch goes
// after what the store holds, Record keeps succeeding, the gap is counted, and verify reports it.
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
	key := "veil:stream:" + cfg.Stream
	if err := srv.Client().XDel(ctx, key, entries[3].ID, entries[4].ID).Err(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Client().Do(ctx, "XSETID", key, entries[2].ID).Err(); err != nil {
		t.Fatal(err)
	}
	recordEvents(t, a, 5, 8) // Record keeps succeeding after the store lost events
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	want := planted(0, 8)
	delete(want, event(3).RequestID)
	delete(want, event(4).RequestID)
	checkExactlyOnce(t, want, countPlanted(t, sink, cfg.Stream))
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

// TestStreamIDsAhead: when the stream's last id is above the ids the writer chooses (set by
// something else), the refused events are not in the stream: they go after its last id, later
// events follow them, and only the first batch takes that detour. The detour's write is made but
// its reply lost: the batch goes to the spool, and its replay finds the events by their ids. Every
// event is there once and the chain verifies.
func TestStreamIDsAhead(t *testing.T) {
	t.Parallel()
	rs, srv := openRedis(t)
	sink := &lateSink{Store: rs}
	dir := t.TempDir()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 0 })
	a := testAuditor(t, sink, dir, cfg, nil)
	ctx := context.Background()
	recordEvents(t, a, 0, 5)
	ahead := time.Now().Add(3 * time.Second).UnixMilli()
	if err := srv.Client().Do(ctx, "XSETID", "veil:stream:"+cfg.Stream, fmt.Sprintf("%d-0", ahead)).Err(); err != nil {
		t.Fatal(err)
	}
	sink.armLostReply()
	recordEvents(t, a, 5, 6)
	waitFor(t, "the spool to replay", func() bool { return value(a.m.spooled) > 0 && value(a.m.degraded) == 0 })
	recordEvents(t, a, 6, 10)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, planted(0, 10), countPlanted(t, sink, cfg.Stream))
	entries, err := sink.Range(ctx, cfg.Stream, "-", "+", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries[5:] {
		if id, _ := store.ParseID(e.ID); id.MS < uint64(ahead) {
			t.Errorf("entry %s written below the stream's last id %d-0", e.ID, ahead)
		}
	}
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if value(a.m.gaps) != 0 || sink.refused != 2 {
		t.Errorf("gaps %v, refused batches %d; want none, and two (the first try and the replay)", value(a.m.gaps), sink.refused)
	}
}

// TestResumeBelowStreamIDs: a trail whose last stream id is ahead of its last event's time (ids that
// Redis chose from a clock ahead of Veil's, as before Veil chose them) is resumed with the next ids
// after it, so that the first batch after the restart is not refused.
func TestResumeBelowStreamIDs(t *testing.T) {
	t.Parallel()
	rs, srv := openRedis(t)
	sink := &lateSink{Store: rs}
	dir := t.TempDir()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 0 })
	ctx := context.Background()
	a := testAuditor(t, sink, dir, cfg, nil)
	recordEvents(t, a, 0, 3)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := sink.Range(ctx, cfg.Stream, "-", "+", 0)
	if err != nil {
		t.Fatal(err)
	}
	key := "veil:stream:" + cfg.Stream
	ahead := time.Now().Add(3 * time.Second).UnixMilli()
	rc := srv.Client()
	if err := rc.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: fmt.Sprintf("%d-%d", ahead, i+1), Values: e.Fields}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	a = testAuditor(t, sink, dir, cfg, nil)
	recordEvents(t, a, 3, 6)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, planted(0, 6), countPlanted(t, sink, cfg.Stream))
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if sink.refused != 0 {
		t.Errorf("%d batches refused after the restart, want none", sink.refused)
	}
}

// planted is the set of the request ids of events from..to-1.
func planted(from, to int) map[string]bool {
	ids := make(map[string]bool, to-from)
	for i := from; i < to; i++ {
		ids[event(i).RequestID] = true
	}
	return ids
}
