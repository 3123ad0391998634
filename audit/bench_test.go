package audit

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/internal/gcpolicy"
)

// benchWorkers is how many requests are in flight at once, each waiting for its own event.
const benchWorkers = 64

// runWorkers calls fn n times from workers goroutines and returns the elapsed time.
func runWorkers(b *testing.B, workers, n int, fn func(i int) error) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkThroughputRedis compares events per second into a loopback redis-server through the
// batching writer (chained, checkpointed, one MULTI/EXEC per batch) with one plain XADD per event
// at the same concurrency, in the same run.
func BenchmarkThroughputRedis(b *testing.B) {
	sink, srv := openRedis(b)
	reg := prometheus.NewRegistry()
	a := testAuditor(b, sink, b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), reg)
	ev := event(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	batched := runWorkers(b, benchWorkers, b.N, func(int) error { return a.Record(ctx, ev) })
	b.StopTimer()

	// Baseline: the same entry, one XADD round trip per event.
	fields := ev
	fields.ID, fields.Subject = "x", a.Pseudonym(ev.Subject)
	f, _ := head{}.link(&fields, time.Now(), nil)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: benchWorkers})
	defer c.Close()
	single := runWorkers(b, benchWorkers, b.N, func(int) error {
		return c.XAdd(ctx, &redis.XAddArgs{Stream: "baseline", Values: f}).Err()
	})
	report(b, a, batched, single)
}

// BenchmarkThroughputEmbedded is the same on the embedded (bbolt, fsynced) store, whose baseline
// is one Append, one fsync, per event.
func BenchmarkThroughputEmbedded(b *testing.B) {
	sink := openEmbedded(b)
	a := testAuditor(b, sink, b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), nil)
	ev := event(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	batched := runWorkers(b, benchWorkers, b.N, func(int) error { return a.Record(ctx, ev) })
	b.StopTimer()
	fields := ev
	fields.ID = "x"
	f, _ := head{}.link(&fields, time.Now(), nil)
	single := runWorkers(b, benchWorkers, b.N, func(int) error {
		_, err := sink.Append(ctx, "baseline", f)
		return err
	})
	report(b, a, batched, single)
}

func report(b *testing.B, a *Auditor, batched, single time.Duration) {
	b.ReportMetric(float64(b.N)/batched.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/single.Seconds(), "baseline-events/s")
	b.ReportMetric(single.Seconds()/batched.Seconds(), "speedup")
	if n := value(a.m.batches); n > 0 {
		b.ReportMetric(float64(b.N)/n, "events/batch")
	}
	b.ReportMetric(value(a.m.dropped)+value(a.m.unavailable), "dropped")
}

// BenchmarkRecordLatencyRedis measures what Record adds to a request under concurrent load, from
// the call to the durable acknowledgement, and reports the percentiles.
// Each sub-benchmark runs p × GOMAXPROCS callers in a closed loop.
func BenchmarkRecordLatencyRedis(b *testing.B) {
	sink, _ := openRedis(b)
	a := testAuditor(b, sink, b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), nil)
	for _, p := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("callers=%dxGOMAXPROCS", p), func(b *testing.B) { benchLatency(b, a, p) })
	}
}

// BenchmarkRecordLatencyEmbedded is the same on the embedded store (an fsync per batch).
func BenchmarkRecordLatencyEmbedded(b *testing.B) {
	a := testAuditor(b, openEmbedded(b), b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), nil)
	for _, p := range []int{1, 16} {
		b.Run(fmt.Sprintf("callers=%dxGOMAXPROCS", p), func(b *testing.B) { benchLatency(b, a, p) })
	}
}

func benchLatency(b *testing.B, a *Auditor, parallelism int) {
	ctx := context.Background()
	ev := event(1)
	var mu sync.Mutex
	var all []time.Duration
	b.SetParallelism(parallelism)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			start := time.Now()
			if err := a.Record(ctx, ev); err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(start))
		}
		mu.Lock()
		all = append(all, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(all) == 0 {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(pct(0.999), "p99.9-µs")
	b.ReportMetric(value(a.m.dropped)+value(a.m.unavailable), "dropped")
}

// asServed sets the garbage collector as veil serve does (gcpolicy.Serve), for the latency
// benchmarks at a fixed rate: at Go's default a collection every few thousand events holds up the
// single writer and the events queued behind it (p99 at 5,000 events/s: 0.9–1.1 ms at GOGC=100,
// 0.33–0.35 ms at 400, 0.36–0.39 ms with the collector off, the same binary alternated).
func asServed(b *testing.B) {
	if prev, changed := gcpolicy.Serve(); changed {
		b.Cleanup(func() { debug.SetGCPercent(prev) })
	}
}

// BenchmarkRecordLatencyRedisRate measures what Record adds to a request at a fixed arrival rate
// (open loop: one goroutine per event, started on schedule, as requests arrive at a proxy), from
// the call to the durable acknowledgement, next to the floor measured in the same run: one plain
// XADD round trip per event at the same rate on the same server ("raw-" metrics). Each event has
// its own caller, so a writer that falls behind shows in the latency of the events queued behind
// it.
func BenchmarkRecordLatencyRedisRate(b *testing.B) {
	asServed(b)
	sink, srv := openRedis(b)
	a := testAuditor(b, sink, b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), nil)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: benchWorkers})
	defer c.Close()
	ctx := context.Background()
	fields := event(1)
	fields.ID, fields.Subject = "x", a.Pseudonym(fields.Subject)
	f, _ := head{}.link(&fields, time.Now(), nil)
	raw := func() error { return c.XAdd(ctx, &redis.XAddArgs{Stream: "baseline", Values: f}).Err() }
	for _, rate := range []int{1000, 5000, 20000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			b.ReportAllocs()
			lat := atRate(b, rate, func() error { return a.Record(ctx, event(1)) })
			b.StopTimer()
			base := atRate(b, rate, raw)
			reportPercentiles(b, "", lat)
			reportPercentiles(b, "raw-", base)
			b.ReportMetric(value(a.m.dropped)+value(a.m.unavailable), "dropped")
		})
	}
}

// BenchmarkRecordLatencyEmbeddedRate is the same on the embedded store (its floor is the journal's
// write and fdatasync).
func BenchmarkRecordLatencyEmbeddedRate(b *testing.B) {
	asServed(b)
	a := testAuditor(b, openEmbedded(b), b.TempDir(), testConfig(func(c *Config) { c.CheckpointEvery = 0 }), nil)
	ctx := context.Background()
	for _, rate := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			b.ReportAllocs()
			lat := atRate(b, rate, func() error { return a.Record(ctx, event(1)) })
			b.StopTimer()
			reportPercentiles(b, "", lat)
			b.ReportMetric(value(a.m.dropped)+value(a.m.unavailable), "dropped")
		})
	}
}

// atRate calls fn b.N times at rate calls per second, each call in its own goroutine, and returns
// the sorted latencies of the calls.
func atRate(b *testing.B, rate int, fn func() error) []time.Duration {
	interval := time.Second / time.Duration(rate)
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range b.N {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			if err := fn(); err != nil {
				b.Error(err)
			}
			lat[i] = time.Since(t)
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

func reportPercentiles(b *testing.B, prefix string, sorted []time.Duration) {
	for _, p := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p99", 0.99}, {"p99.9", 0.999}} {
		d := sorted[min(len(sorted)-1, int(p.q*float64(len(sorted))))]
		b.ReportMetric(float64(d.Microseconds()), prefix+p.name+"-µs")
	}
}
