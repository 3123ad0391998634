package embedded

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/storetest"
)

func openAt(t *testing.T, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func countKeys(t *testing.T, s *Store, bucket []byte) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, _ []byte) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSweepDeletesExpiredFromDisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := storetest.NewClock(time.UnixMilli(1_700_000_000_000))
	s := openAt(t, filepath.Join(t.TempDir(), FileName), WithClock(clock.Now), WithSweepInterval(0))
	for i := range 2500 { // more than one sweep batch
		exp := clock.Now().Add(time.Minute)
		if i%2 == 0 {
			exp = clock.Now().Add(time.Hour)
		}
		if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: string(rune('a'+i%26)) + string(rune(i)), ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: "forever"}); err != nil {
		t.Fatal(err)
	}
	// Replacing an expiring record leaves a stale index entry that must not delete the new one.
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: "replaced", ExpiresAt: clock.Now().Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k", Key: "replaced", ExpiresAt: clock.Now().Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, s, bucketExpIdx); n != 2501 {
		t.Fatalf("expiry index holds %d entries, want 2501", n)
	}

	if n, err := s.sweepExpired(); err != nil || n != 0 {
		t.Fatalf("sweep before anything expired = %d, %v", n, err)
	}
	clock.Advance(time.Minute)
	if n, err := s.sweepExpired(); err != nil || n != 1250 {
		t.Fatalf("sweep = %d, %v; want 1250", n, err)
	}
	if n := countKeys(t, s, bucketRecords); n != 1252 {
		t.Fatalf("%d records on disk after the sweep, want 1252", n)
	}
	if n := countKeys(t, s, bucketKindIdx); n != 1252 {
		t.Fatalf("%d kind index entries after the sweep, want 1252", n)
	}
	clock.Advance(time.Hour)
	if n, err := s.sweepExpired(); err != nil || n != 1250 {
		t.Fatalf("second sweep = %d, %v; want 1250", n, err)
	}
	if _, err := s.Get(ctx, "s", "k", "replaced"); err != nil {
		t.Fatalf("the sweep deleted a record replaced with a later expiry: %v", err)
	}
	if _, err := s.Get(ctx, "s", "k", "forever"); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, s, bucketExpIdx); n != 1 {
		t.Fatalf("expiry index holds %d entries, want 1", n)
	}
}

func TestIDsIncreaseWhenClockGoesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := storetest.NewClock(time.UnixMilli(1_700_000_000_000))
	s := openAt(t, filepath.Join(t.TempDir(), FileName), WithClock(clock.Now))
	var ids []string
	for _, step := range []time.Duration{0, 0, time.Millisecond, -time.Hour, 0, 2 * time.Hour} {
		clock.Advance(step)
		got, err := s.Append(ctx, "audit", map[string]string{"a": "b"}, map[string]string{"c": "d"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got...)
	}
	want := []string{
		"1700000000000-0", "1700000000000-1", "1700000000000-2", "1700000000000-3",
		"1700000000001-0", "1700000000001-1", "1700000000001-2", "1700000000001-3",
		"1700000000001-4", "1700000000001-5", "1700003600001-0", "1700003600001-1",
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("ids = %v, want %v", ids, want)
		}
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("kept")}
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	ids, err := s.Append(ctx, "audit", map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TrimBefore(ctx, "audit", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping after Close succeeded")
	}

	// A clock far behind the first run: ids still follow the ones already handed out.
	s = openAt(t, path, WithClock(func() time.Time { return time.UnixMilli(1000) }))
	got, err := s.Get(ctx, "s", "k", "x")
	if err != nil || string(got.Value) != "kept" {
		t.Fatalf("after reopening: %q, %v", got.Value, err)
	}
	next, err := s.Append(ctx, "audit", map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	if store.CompareIDs(ids[0], next[0]) >= 0 {
		t.Fatalf("id %s after reopening is not after %s", next[0], ids[0])
	}
}

func TestCorruptValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), FileName))
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRecords).Put(compositeKey("s", "k", "x"), []byte{9})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "s", "k", "x"); !errors.Is(err, errCorrupt) {
		t.Fatalf("Get of a corrupt value = %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	s := openAt(t, filepath.Join(t.TempDir(), FileName))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, store.Record{Subject: "s", Kind: "k"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a canceled context = %v", err)
	}
}

func TestFileMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	openAt(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestGroupCommitIsolatesAFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), FileName))
	boom := errors.New("boom")
	put := func(key string) *writeReq {
		return &writeReq{done: make(chan error, 1), fn: func(tx *bbolt.Tx) error {
			_, err := s.put(tx, store.Record{Subject: "s", Kind: "k", Key: key, Value: []byte(key)}, false)
			return err
		}}
	}
	bad := &writeReq{done: make(chan error, 1), fn: func(tx *bbolt.Tx) error {
		if _, err := s.put(tx, store.Record{Subject: "s", Kind: "k", Key: "bad"}, false); err != nil {
			return err
		}
		return boom
	}}
	group := []*writeReq{put("a"), bad, put("b")}
	s.commit(group)
	for i, want := range []error{nil, boom, nil} {
		if err := <-group[i].done; !errors.Is(err, want) {
			t.Fatalf("write %d: %v, want %v", i, err, want)
		}
	}
	recs, err := s.List(ctx, "s", "k")
	if err != nil || len(recs) != 2 || recs[0].Key != "a" || recs[1].Key != "b" {
		t.Fatalf("List = %v, %v; want a and b only", recs, err)
	}
}

func TestWritesAfterClose(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(context.Background(), store.Record{Subject: "s", Kind: "k"}); !errors.Is(err, errClosed) {
		t.Fatalf("Put after Close = %v", err)
	}
}
