package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
)

// recorders records planted events from several goroutines until stopped, and remembers every
// request id whose Record succeeded.
type recorders struct {
	stop   atomic.Bool
	wg     sync.WaitGroup
	mu     sync.Mutex
	ok     map[string]bool
	failed atomic.Int64
	n      atomic.Int64
}

func startRecorders(t *testing.T, a *Auditor, goroutines int) *recorders {
	r := &recorders{ok: map[string]bool{}}
	for g := range goroutines {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for i := 0; !r.stop.Load(); i++ {
				ev := event(i)
				ev.RequestID = fmt.Sprintf("planted-%d-%d", g, i)
				if err := a.Record(context.Background(), ev); err != nil {
					r.failed.Add(1)
					t.Errorf("Record during the outage: %v", err)
					return
				}
				r.mu.Lock()
				r.ok[ev.RequestID] = true
				r.mu.Unlock()
				r.n.Add(1)
			}
		}()
	}
	return r
}

func (r *recorders) halt() { r.stop.Store(true); r.wg.Wait() }

// finish stops the recorders and the auditor, and fails unless every Record succeeded and every
// event whose Record succeeded is in the stream once.
func (r *recorders) finish(t *testing.T, a *Auditor, sink Sink, stream string) {
	t.Helper()
	r.halt()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if r.failed.Load() > 0 {
		t.Fatalf("%d Records failed", r.failed.Load())
	}
	checkExactlyOnce(t, r.ok, countPlanted(t, sink, stream))
}

// countPlanted counts each planted request id in the stream.
func countPlanted(t *testing.T, sink Sink, stream string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	err := Each(context.Background(), sink, stream, timeZero, timeZero, Filter{}, func(ev Event) error {
		if ev.RequestID != "" {
			seen[ev.RequestID]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func checkExactlyOnce(t *testing.T, want map[string]bool, seen map[string]int) {
	t.Helper()
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("%s is in the stream %d times, want 1", id, seen[id])
		}
	}
	for id, n := range seen {
		if !want[id] && n > 0 {
			// Allowed only for Records that failed; none did here.
			t.Errorf("%s is in the stream but its Record did not succeed", id)
		}
	}
}

// TestRedisOutage stops redis-server under traffic: Record keeps succeeding through the spool,
// the spool replays once Redis is back, nothing is lost or duplicated and the chain verifies.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	sink, srv := openRedis(t, redistest.WithAppendOnly())
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 50 })
	a := testAuditor(t, sink, dir, cfg, reg)

	rec := startRecorders(t, a, 4)
	waitFor(t, "traffic before the outage", func() bool { return rec.n.Load() >= 200 })
	srv.Stop()
	before := rec.n.Load()
	waitFor(t, "events spooled during the outage", func() bool {
		return value(a.m.spooled) >= 300 && rec.n.Load() >= before+300 || rec.failed.Load() > 0
	})
	srv.Restart()
	waitFor(t, "the spool to replay", func() bool {
		return value(a.m.replayed) > 0 && value(a.m.spoolDepth) == 0 && value(a.m.degraded) == 0 || rec.failed.Load() > 0
	})
	after := rec.n.Load()
	waitFor(t, "traffic after the outage", func() bool { return rec.n.Load() >= after+200 || rec.failed.Load() > 0 })
	rec.finish(t, a, sink, cfg.Stream)
	res := verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if value(a.m.dropped) != 0 {
		t.Errorf("dropped %v", value(a.m.dropped))
	}
	if !res.FinalCheckpoint || res.StartsMidChain {
		t.Errorf("final %v mid %v", res.FinalCheckpoint, res.StartsMidChain)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, DefaultSpoolDir))
	if len(entries) != 0 {
		t.Errorf("spool not emptied: %d files", len(entries))
	}
	t.Logf("%d events, %v spooled, %v replayed, %d checkpoints", len(rec.ok), value(a.m.spooled), value(a.m.replayed), res.Checkpoints)
}

// TestCrashMidReplay: the sink takes part of a replay batch and fails, the process dies, and the
// next start replays again: the events already in the stream are not written twice.
func TestCrashMidReplay(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	dir := t.TempDir()
	cfg := testConfig(nil)
	want := map[string]bool{}
	record := func(a *Auditor, from, n int) {
		for i := from; i < from+n; i++ {
			ev := event(i)
			ev.RequestID = fmt.Sprintf("planted-%d", i)
			if err := a.Record(context.Background(), ev); err != nil {
				t.Fatalf("Record %d: %v", i, err)
			}
			want[ev.RequestID] = true
		}
	}
	a1 := testAuditor(t, sink, dir, cfg, nil)
	record(a1, 0, 10)
	sink.setDown(true)
	record(a1, 10, 30)
	a1.kill()

	// Second run: replay gets 5 entries in, then the store fails again; then this process dies.
	sink.mu.Lock()
	sink.down, sink.partial = false, 5
	n0 := len(sink.streams[cfg.Stream])
	sink.mu.Unlock()
	a2 := testAuditor(t, sink, dir, cfg, nil)
	waitFor(t, "a partial replay", func() bool { return len(sink.entries(cfg.Stream)) >= n0+5 })
	a2.kill()

	// Third run: everything is replayed, once.
	sink.setDown(false)
	a3 := testAuditor(t, sink, dir, cfg, nil)
	waitFor(t, "the replay", func() bool { return value(a3.m.spoolDepth) == 0 && value(a3.m.degraded) == 0 })
	record(a3, 40, 10)
	a3.Close()
	checkExactlyOnce(t, want, countPlanted(t, sink, cfg.Stream))
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
}

// TestPartialBatchThenSpool: the sink takes half a batch and fails; the whole batch goes to the
// spool, and the replay skips the half that is already in the stream.
func TestPartialBatchThenSpool(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	dir := t.TempDir()
	cfg := testConfig(nil)
	a := testAuditor(t, sink, dir, cfg, nil)
	want := map[string]bool{}
	for i := range 5 {
		ev := event(i)
		ev.RequestID = fmt.Sprintf("planted-%d", i)
		if err := a.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		want[ev.RequestID] = true
	}
	sink.mu.Lock()
	sink.partial = 1 // the next Append writes one entry and fails
	sink.mu.Unlock()
	// One Record is one batch of one event plus, maybe, a checkpoint: at least one entry lands.
	var wg sync.WaitGroup
	for i := 5; i < 25; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := event(i)
			ev.RequestID = fmt.Sprintf("planted-%d", i)
			if err := a.Record(context.Background(), ev); err != nil {
				t.Error(err)
			}
		}()
		want[fmt.Sprintf("planted-%d", i)] = true
	}
	wg.Wait()
	sink.setDown(false)
	waitFor(t, "the replay", func() bool { return value(a.m.spoolDepth) == 0 && value(a.m.degraded) == 0 })
	a.Close()
	checkExactlyOnce(t, want, countPlanted(t, sink, cfg.Stream))
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
}

// TestUnavailableWhenSpoolCannotWrite: with Redis down, a full or unwritable spool makes Record
// fail closed with ErrUnavailable; once Redis is back, recording resumes and the chain verifies.
func TestUnavailableWhenSpoolCannotWrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		cfg    func(*Config)
		break_ func(t *testing.T, spoolDir string)
	}{
		{"spool over its cap", func(c *Config) { c.SpoolMaxBytes = 1 }, func(*testing.T, string) {}},
		{"spool directory unwritable", nil, func(t *testing.T, spoolDir string) {
			// Root ignores permissions: replace the directory with a file instead.
			if err := os.RemoveAll(spoolDir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(spoolDir, nil, 0o400); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			sink, srv := openRedis(t, redistest.WithAppendOnly())
			dir := t.TempDir()
			cfg := testConfig(tc.cfg)
			a := testAuditor(t, sink, dir, cfg, nil)
			ctx := context.Background()
			for i := range 3 {
				if err := a.Record(ctx, event(i)); err != nil {
					t.Fatal(err)
				}
			}
			tc.break_(t, filepath.Join(dir, DefaultSpoolDir))
			srv.Stop()
			for i := range 3 {
				err := a.Record(ctx, event(100+i))
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("Record with the store down and no spool: %v, want ErrUnavailable", err)
				}
			}
			if value(a.m.unavailable) == 0 {
				t.Error("refused records not counted")
			}
			srv.Restart()
			waitFor(t, "recording to resume", func() bool { return a.Record(ctx, event(7)) == nil })
			a.Close()
			verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
			if value(a.m.dropped) != 0 {
				t.Errorf("dropped %v", value(a.m.dropped))
			}
		})
	}
}

// openRedisAsVeil starts redis-server with opts and opens a store on it through a client set up as
// Veil's own (redisstore.NewFromConfig): context deadlines bound each call, retries on.
func openRedisAsVeil(t *testing.T, opts ...redistest.Option) (*redisstore.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t, opts...)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	sink, err := redisstore.New(c, "")
	if err != nil {
		t.Fatal(err)
	}
	return sink, srv
}

// disturbUnderTraffic records from goroutines recorders, calls disturb times times, once 50 events
// are in and then each time after every more events, waits for the spool to be replayed, and
// checks that every event whose Record succeeded is in the stream once, in a chain that verifies,
// with nothing dropped and no gap.
func disturbUnderTraffic(t *testing.T, sink Sink, cfg Config, goroutines, times, every int, disturb func() error) {
	t.Helper()
	dir := t.TempDir()
	a := testAuditor(t, sink, dir, cfg, nil)
	rec := startRecorders(t, a, goroutines)
	for i := 0; i < times && rec.failed.Load() == 0; i++ {
		n := rec.n.Load()
		waitFor(t, "traffic", func() bool { return rec.n.Load() >= max(n+int64(every), 50) || rec.failed.Load() > 0 })
		if err := disturb(); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the spool to replay", func() bool {
		return value(a.m.spoolDepth) == 0 && value(a.m.degraded) == 0 || rec.failed.Load() > 0
	})
	rec.finish(t, a, sink, cfg.Stream)
	verifyOK(t, sink, cfg.Stream, publicKey(t, dir))
	if value(a.m.dropped) != 0 || value(a.m.gaps) != 0 {
		t.Errorf("dropped %v, gaps %v", value(a.m.dropped), value(a.m.gaps))
	}
	t.Logf("%d events, %v spooled, %v replayed", len(rec.ok), value(a.m.spooled), value(a.m.replayed))
}

// TestRedisStalls stalls redis-server (DEBUG SLEEP) for longer than the sink's timeout, sixteen
// times, under traffic: a write the writer gave up on may still be executed by Redis after the
// writer has gone to the spool and looked at what the stream holds. The replay must not write
// such events twice, nor leave a gap: every event is in the stream once and the chain verifies.
func TestRedisStalls(t *testing.T) {
	t.Parallel()
	sink, srv := openRedisAsVeil(t, redistest.WithArgs("--enable-debug-command", "yes"))
	stall := srv.Client()
	cfg := testConfig(func(c *Config) { c.CheckpointEvery = 50; c.SinkTimeout = 20 * time.Millisecond })
	// Back to back: the next stall comes while the spool of the last one is being replayed.
	disturbUnderTraffic(t, sink, cfg, 4, 16, 0, func() error {
		err := stall.Do(context.Background(), "DEBUG", "SLEEP", "0.05").Err()
		time.Sleep(20 * time.Millisecond)
		return err
	})
}

// TestConnectionsKilled kills the client's connections again and again under traffic, with the
// client's own retries on as in Veil: a write whose reply was lost and that the client sends
// again, or that the writer spools and replays, must still be in the stream once, in order.
func TestConnectionsKilled(t *testing.T) {
	t.Parallel()
	sink, srv := openRedisAsVeil(t)
	admin := srv.Client()
	disturbUnderTraffic(t, sink, testConfig(func(c *Config) { c.CheckpointEvery = 50 }), 8, 20, 50, func() error {
		return admin.Do(context.Background(), "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes").Err()
	})
}
