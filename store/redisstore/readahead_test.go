package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/redistest"
)

// commandCounter counts the commands a client sends (a pipeline's commands one by one), and the
// round trips (a pipeline is one). A new connection's setup (HELLO, CLIENT SETINFO) is left out:
// it is paid once per connection, not per call.
type commandCounter struct{ n, trips atomic.Int64 }

func connSetup(cmd redis.Cmder) bool { return cmd.Name() == "hello" || cmd.Name() == "client" }

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !connSetup(cmd) {
			c.n.Add(1)
			c.trips.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		n := 0
		for _, cmd := range cmds {
			n += b2i(!connSetup(cmd))
		}
		if n > 0 {
			c.n.Add(int64(n))
			c.trips.Add(1)
		}
		return next(ctx, cmds)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countedStore returns a store on a fresh redis-server holding recs, its client and the client's
// command counter.
func countedStore(t *testing.T, recs []store.Record) (*Store, *redis.Client, *commandCounter) {
	t.Helper()
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	cnt := &commandCounter{}
	c.AddHook(cnt)
	s := newStore(t, c)
	for _, r := range recs {
		if err := s.Put(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return s, c, cnt
}

func TestReadAhead(t *testing.T) {
	t.Parallel()
	s, _, cnt := countedStore(t, []store.Record{
		{Subject: "s", Kind: "consent", Key: "state", Value: []byte("yes")},
		{Subject: "s", Kind: "vault.index", Key: "a", Value: []byte("A")},
		{Subject: "s", Kind: "vault.index", Key: "b", Value: []byte("B")},
		{Subject: "other", Kind: "consent", Key: "state", Value: []byte("no")},
	})
	ctx := context.Background()
	ids := []store.KindKey{{Kind: "consent", Key: "state"}, {Kind: "rights.confirm", Key: "erase"},
		{Kind: "vault.index", Key: "a"}, {Kind: "vault.index", Key: "b"}}
	before := cnt.n.Load()
	actx, err := s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := cnt.n.Load() - before; got != 1 {
		t.Fatalf("ReadAhead sent %d commands, want 1 (MGET)", got)
	}

	before = cnt.n.Load()
	if r, err := s.Get(actx, "s", "consent", "state"); err != nil || string(r.Value) != "yes" {
		t.Errorf("Get read ahead = %q, %v", r.Value, err)
	}
	if _, err := s.Get(actx, "s", "rights.confirm", "erase"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of a record read ahead as absent = %v, want ErrNotFound", err)
	}
	recs, err := s.GetMany(actx, "s", "vault.index", []string{"a", "b"})
	if err != nil || string(recs[0].Value) != "A" || string(recs[1].Value) != "B" {
		t.Errorf("GetMany read ahead = %v, %v", recs, err)
	}
	if got := cnt.n.Load() - before; got != 0 {
		t.Errorf("reads of records read ahead sent %d commands, want 0", got)
	}

	// Each record is handed out once: a second read goes to Redis and sees a write made meanwhile
	// by another client.
	if err := newStoreOnPrefix(t, s).Put(ctx, store.Record{Subject: "s", Kind: "consent", Key: "state", Value: []byte("changed")}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(actx, "s", "consent", "state"); err != nil || string(r.Value) != "changed" {
		t.Errorf("second Get = %q, %v; want the stored value", r.Value, err)
	}

	// A write under the context drops what was read ahead of that record.
	actx, err = s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(actx, store.Record{Subject: "s", Kind: "rights.confirm", Key: "erase", Value: []byte("pending")}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(actx, "s", "rights.confirm", "erase"); err != nil || string(r.Value) != "pending" {
		t.Errorf("Get after a write under the context = %q, %v; want the write", r.Value, err)
	}
	if err := s.Delete(actx, "s", "vault.index", "a"); err != nil {
		t.Fatal(err)
	}
	before = cnt.n.Load()
	recs, err = s.GetMany(actx, "s", "vault.index", []string{"a", "b"})
	if err != nil || recs[0].Key != "" || string(recs[1].Value) != "B" {
		t.Errorf("GetMany after a delete under the context = %v, %v", recs, err)
	}
	if got := cnt.n.Load() - before; got != 1 {
		t.Errorf("GetMany with a record no longer read ahead sent %d commands, want 1", got)
	}
	if _, err := s.DeleteSubject(actx, "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(actx, "s", "consent", "state"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after DeleteSubject under the context = %v, want ErrNotFound", err)
	}

	// Records read ahead for one subject are not another's.
	actx, err = s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(actx, "other", "consent", "state"); err != nil || string(r.Value) != "no" {
		t.Errorf("another subject's Get = %q, %v", r.Value, err)
	}
}

// newStoreOnPrefix returns a second store (its own client) on s's key prefix: another replica.
func newStoreOnPrefix(t *testing.T, s *Store) *Store {
	t.Helper()
	o, err := New(redis.NewClient(s.c.(*redis.Client).Options()), s.k.prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}

// TestReadAheadCluster: on a real Redis Cluster the read-ahead of a subject's records (an MGET and
// a list script, in one pipeline) stays within the subject's hash slot, and the records come back.
func TestReadAheadCluster(t *testing.T) {
	t.Parallel()
	cl := redistest.StartCluster(t, 3)
	s := newConfigStore(t, store.RedisConfig{Addrs: cl.Addrs()})
	ctx := context.Background()
	for i := range 20 { // subjects spread over the three masters
		subject := fmt.Sprintf("subject-%d", i)
		if err := s.Put(ctx, store.Record{Subject: subject, Kind: "consent", Key: "state", Value: []byte(subject)}); err != nil {
			t.Fatal(err)
		}
		ids := []store.KindKey{{Kind: "consent", Key: "state"}, {Kind: "vault.key", Key: "dk"}, {Kind: "consent"}}
		actx, err := s.ReadAhead(ctx, subject, ids)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.Get(actx, subject, "consent", "state"); err != nil || string(r.Value) != subject {
			t.Fatalf("Get read ahead = %q, %v", r.Value, err)
		}
		if recs, err := s.List(actx, subject, "consent"); err != nil || len(recs) != 1 || string(recs[0].Value) != subject {
			t.Fatalf("List read ahead = %v, %v", recs, err)
		}
	}
}

// TestReadAheadList: a kind named without a key is listed in the read-ahead's round trip, handed
// to the first List of that kind under the context, and dropped by a write of that kind.
func TestReadAheadList(t *testing.T) {
	t.Parallel()
	s, c, cnt := countedStore(t, []store.Record{
		{Subject: "s", Kind: "vault.token", Key: "t1", Value: []byte("one")},
		{Subject: "s", Kind: "vault.token", Key: "t2", Value: []byte("two")},
		{Subject: "s", Kind: "vault.key", Key: "dk", Value: []byte("key")},
	})
	ctx := context.Background()
	if _, err := s.List(ctx, "s", "vault.token"); err != nil { // loads the list script
		t.Fatal(err)
	}
	ids := []store.KindKey{{Kind: "vault.key", Key: "dk"}, {Kind: "vault.token"}}
	before := cnt.trips.Load()
	actx, err := s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := cnt.trips.Load() - before; got != 1 {
		t.Fatalf("ReadAhead took %d round trips, want 1 (MGET and the list in one pipeline)", got)
	}
	before = cnt.n.Load()
	recs, err := s.List(actx, "s", "vault.token")
	if err != nil || len(recs) != 2 || string(recs[0].Value) != "one" || string(recs[1].Value) != "two" {
		t.Fatalf("List read ahead = %v, %v", recs, err)
	}
	if r, err := s.Get(actx, "s", "vault.key", "dk"); err != nil || string(r.Value) != "key" {
		t.Fatalf("Get read ahead = %q, %v", r.Value, err)
	}
	if got := cnt.n.Load() - before; got != 0 {
		t.Errorf("reads of what was read ahead sent %d commands, want 0", got)
	}

	// A token written under the context drops the list: List sees the write.
	actx, err = s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(actx, store.Record{Subject: "s", Kind: "vault.token", Key: "t3", Value: []byte("three")}); err != nil {
		t.Fatal(err)
	}
	if recs, err := s.List(actx, "s", "vault.token"); err != nil || len(recs) != 3 {
		t.Errorf("List after a write under the context = %d records, %v; want 3", len(recs), err)
	}

	// Without the script loaded on the server, the list is left to List, which loads it.
	if err := c.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	actx, err = s.ReadAhead(ctx, "s", ids)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := s.List(actx, "s", "vault.token"); err != nil || len(recs) != 3 {
		t.Errorf("List after SCRIPT FLUSH = %d records, %v; want 3", len(recs), err)
	}
}
