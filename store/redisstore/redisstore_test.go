package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/redistest"
	"github.com/veil-privacy/veil/store/storetest"
)

var prefixes atomic.Int64

// go-redis's own messages (a Sentinel client announces its master on every connection) would
// flood the test output; they are tested in TestClientLogger.
func init() { redis.SetLogger(clientLogger{zerolog.Nop()}) }

// newStore returns a store on a fresh key prefix of a shared server.
func newStore(t testing.TB, c redis.UniversalClient, opts ...Option) *Store {
	t.Helper()
	s, err := New(c, fmt.Sprintf("t%d:", prefixes.Add(1)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := srv.Client()
	storetest.Run(t, func(t *testing.T) store.Store { return newStore(t, c) })
}

// TestConformanceCluster runs the suite against a real three-master Redis Cluster, through the
// client NewFromConfig builds for several addresses, and for one seed address with cluster: true.
func TestConformanceCluster(t *testing.T) {
	t.Parallel()
	cl := redistest.StartCluster(t, 3)
	for _, cfg := range []store.RedisConfig{{Addrs: cl.Addrs()}, {Addrs: cl.Addrs()[:1], Cluster: true}} {
		t.Run(fmt.Sprintf("%d addrs", len(cfg.Addrs)), func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) store.Store {
				s := newConfigStore(t, cfg)
				if !s.cluster {
					t.Fatal("not a Cluster client")
				}
				return s
			})
		})
	}
}

// TestConformanceSentinel runs the suite against a master found through a real Sentinel.
func TestConformanceSentinel(t *testing.T) {
	t.Parallel()
	sn := redistest.StartSentinel(t, 0)
	cfg := store.RedisConfig{Addrs: sn.Addrs(), MasterName: redistest.SentinelMaster}
	storetest.Run(t, func(t *testing.T) store.Store { return newConfigStore(t, cfg) })
}

// newConfigStore returns a store built from cfg as Veil builds it, on a fresh key prefix.
func newConfigStore(t *testing.T, cfg store.RedisConfig) *Store {
	t.Helper()
	c := store.Config{Driver: store.DriverRedis, Redis: cfg}
	c.Redis.KeyPrefix = fmt.Sprintf("c%d:", prefixes.Add(1))
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := NewFromConfig(c.Redis)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestClusterKeySlots runs the suite through the Cluster code paths (kind sets maintained outside
// the scripts) against a standalone server, checking every multi-key command and transaction keeps
// to one hash slot, as Redis Cluster requires.
func TestClusterKeySlots(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var mu sync.Mutex
	var all []*slotChecker
	// Run's parallel subtests finish after this function returns: check in a cleanup.
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		total := 0
		for _, h := range all {
			errs, n := h.problems()
			total += n
			for _, e := range errs {
				t.Error(e)
			}
		}
		if len(all) < 20 || total < 100 {
			t.Errorf("only %d stores and %d multi-key commands checked", len(all), total)
		}
	})
	storetest.Run(t, func(t *testing.T) store.Store {
		// A client per store, so each hook knows its store's prefix.
		cc := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		t.Cleanup(func() { _ = cc.Close() })
		s := newStore(t, cc)
		s.cluster = true
		h := &slotChecker{prefix: s.k.prefix}
		cc.AddHook(h)
		mu.Lock()
		all = append(all, h)
		mu.Unlock()
		return s
	})
}

func TestKeyLayout(t *testing.T) {
	t.Parallel()
	k := keys{prefix: "veil:"}
	for _, tc := range []struct{ desc, got, want string }{
		{"record", k.recPrefix("s1") + member("vault.token", "t:1"), "veil:{s1}:rec:vault.token:t:1"},
		{"index", k.idx("s1"), "veil:{s1}:idx"},
		{"kind set", k.kindSet("consent"), "veil:kind:consent"},
		{"stream", k.stream("audit"), "veil:stream:audit"},
		{"escaped subject", k.idx("a}b{c%d:e"), "veil:{a%7Db%7Bc%25d%3Ae}:idx"},
		{"escaped kind", member("k:{}%", "x"), "k%3A%7B%7D%25:x"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.desc, tc.got, tc.want)
		}
	}
	for _, sub := range []string{"s1", "}", "{", "{}", "a}b", "%7D", "ü😀", ":"} {
		rec := k.recPrefix(sub) + member("k", "x{y}")
		if slot(rec) != slot(k.idx(sub)) {
			t.Errorf("subject %q: record and index in different slots", sub)
		}
		if got := rec[strings.IndexByte(rec, '{')+1 : strings.IndexByte(rec, '}')]; got != escape(sub) {
			t.Errorf("subject %q: hash tag %q, want the escaped subject", sub, got)
		}
	}
	for _, s := range []string{"", "plain", "%", "%%7D", "a:b", "{}", "\x00%ff"} {
		if u, ok := unescape(escape(s)); !ok || u != s {
			t.Errorf("escape round trip of %q gave %q", s, u)
		}
	}
	for _, bad := range []string{"%", "%4", "%zz"} {
		if _, ok := unescape(bad); ok {
			t.Errorf("unescape(%q) accepted", bad)
		}
	}
}

func TestEvictionWarning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		opts []redistest.Option
		want string
	}{
		{"noeviction", nil, ""},
		{"lru", []redistest.Option{redistest.WithMaxMemoryPolicy("allkeys-lru")}, `"allkeys-lru", not noeviction`},
		{"volatile", []redistest.Option{redistest.WithMaxMemoryPolicy("volatile-ttl")}, `"volatile-ttl"`},
		{"config disabled", []redistest.Option{redistest.WithArgs("--rename-command", "CONFIG", "")}, "refuses CONFIG GET"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			srv := redistest.Start(t, tc.opts...)
			var logs bytes.Buffer
			s := newStore(t, srv.Client(), WithLogger(zerolog.New(&logs)))
			for range 3 {
				if err := s.Ping(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			got := s.EvictionWarning()
			if tc.want == "" {
				if got != "" || logs.Len() != 0 {
					t.Fatalf("warning %q, logs %q; want none", got, logs.String())
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("EvictionWarning() = %q, want it to mention %q", got, tc.want)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), `"level":"warn"`) {
				t.Fatalf("logged %d times, want one warning: %s", n, logs.String())
			}
		})
	}
}

func TestOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.Start(t, redistest.WithAppendOnly())
	s := newStore(t, srv.Client())
	r := store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("v")}
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded with Redis down")
	}
	if err := s.Put(ctx, r); err == nil {
		t.Fatal("Put succeeded with Redis down")
	}
	srv.Restart() // the script cache is empty now: scripts must be sent again
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	r.Key = "y"
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteSubject(ctx, "s"); err != nil || n != 2 {
		t.Fatalf("DeleteSubject after restart = %d, %v; want 2", n, err)
	}
}

func TestNewFromConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const password = "correct-horse-battery"
	srv := redistest.Start(t, redistest.WithArgs("--requirepass", password))
	cfg := store.Config{Driver: store.DriverRedis, Redis: store.RedisConfig{Addrs: []string{srv.Addr()}, Password: password, DB: 3}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, cfg, "", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	rs, ok := s.(*Store)
	if !ok {
		t.Fatalf("store.Open returned %T", s)
	}
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: "x"}); err != nil {
		t.Fatal(err)
	}
	if k := rs.k.recPrefix("s") + member("k", "x"); !strings.HasPrefix(k, "veil:{s}") {
		t.Fatalf("default prefix not applied: %q", k)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rs.Client().Ping(ctx).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Fatalf("client still open after Close: %v", err)
	}

	cfg.Redis.Password = "wrong"
	var logs bytes.Buffer
	s, err = store.Open(ctx, cfg, "", zerolog.New(&logs))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Ping(ctx)
	if err == nil {
		t.Fatal("Ping with a wrong password succeeded")
	}
	for _, text := range []string{err.Error(), logs.String(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg)} {
		if strings.Contains(text, "wrong") || strings.Contains(text, password) {
			t.Fatalf("the password leaked: %s", text)
		}
	}
}

func TestNewRejectsBracedPrefix(t *testing.T) {
	t.Parallel()
	if _, err := New(redis.NewClient(&redis.Options{}), "veil:{x}:"); err == nil {
		t.Fatal("New accepted a prefix with a hash tag")
	}
}

func BenchmarkRedis(b *testing.B) {
	srv := redistest.Start(b)
	c := srv.Client()
	storetest.Bench(b, func(b *testing.B) store.Store { return newStore(b, c) })
}

// TestListLarge: a subject with more records than one script reads at once is listed in
// batches, with the same result: every live record of the kind, in key order.
func TestListLarge(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := newStore(t, srv.Client())
	ctx := context.Background()
	n := mgetBatch + 88
	for i := range n {
		if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: fmt.Sprintf("%04d", i), Value: []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "other", Key: "x", Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	// A record that vanished behind the index's back (as an expired one does) is left out.
	if err := srv.Client().Del(ctx, s.k.recPrefix("s")+member("k", "0007")).Err(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind string
		want int
	}{{"k", n - 1}, {"", n}, {"other", 1}} {
		recs, err := s.List(ctx, "s", tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != tc.want {
			t.Fatalf("List(%q) = %d records, want %d", tc.kind, len(recs), tc.want)
		}
		for i := 1; i < len(recs); i++ {
			if a, b := recs[i-1], recs[i]; a.Kind > b.Kind || a.Kind == b.Kind && a.Key >= b.Key {
				t.Fatalf("List(%q) out of order at %d: %s/%s before %s/%s", tc.kind, i, a.Kind, a.Key, b.Kind, b.Key)
			}
			if recs[i].Key == "0007" {
				t.Fatalf("List(%q) returned a deleted record", tc.kind)
			}
		}
	}
}

func TestClientLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := clientLogger{zerolog.New(&buf)}
	l.Printf(context.Background(), "sentinel: new master=%q addr=%q\n", "veil", "10.0.0.1:6379")
	l.Printf(context.Background(), "redis: connection pool: %v", errors.New("dial tcp: refused"))
	want := `{"level":"info","message":"sentinel: new master=\"veil\" addr=\"10.0.0.1:6379\""}` + "\n" +
		`{"level":"warn","message":"redis: connection pool: dial tcp: refused"}` + "\n"
	if buf.String() != want {
		t.Errorf("logged\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestPoolCollector(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := newStore(t, srv.Client())
	reg := prometheus.NewRegistry()
	reg.MustRegister(s.Collector())
	ctx := context.Background()
	for range 3 {
		if err := s.Put(ctx, store.Record{Subject: "s", Kind: "consent", Key: "state", Value: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 8 {
		t.Fatalf("%d metrics, %v; want 8", len(mfs), err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		m := mf.GetMetric()[0]
		got[mf.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	if got["veil_redis_pool_connections"] < 1 || got["veil_redis_pool_hits_total"] < 2 {
		t.Errorf("pool metrics after three calls: %v", got)
	}
}
