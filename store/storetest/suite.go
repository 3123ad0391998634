package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Run checks that the stores open returns behave as store.Store documents. open must return a new,
// empty store each call (a temp file, or a fresh key prefix on a shared Redis) and arrange its
// closing with t.Cleanup. Subtests that move a WithClock clock run first, alone; the rest run in
// parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store, opts ...Option) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	// Sequential: they move the shared clock or wait for real expiry.
	t.Run("Expiry", func(t *testing.T) { testExpiry(t, open(t), cfg) })
	t.Run("ExpiryReplace", func(t *testing.T) { testExpiryReplace(t, open(t), cfg) })

	for _, tc := range []struct {
		desc string
		fn   func(t *testing.T, s store.Store, cfg *config)
	}{
		{"PutGet", testPutGet},
		{"Replace", testReplace},
		{"NotFound", testNotFound},
		{"GetMany", testGetMany},
		{"Invalid", testInvalid},
		{"PastExpiry", testPastExpiry},
		{"ListOrder", testListOrder},
		{"Delete", testDelete},
		{"DeleteSubject", testDeleteSubject},
		{"PutIfAbsent", testPutIfAbsent},
		{"PutIfAbsentRace", testPutIfAbsentRace},
		{"Walk", testWalk},
		{"WalkWrites", testWalkWrites},
		{"WalkError", testWalkError},
		{"ConcurrentRecords", testConcurrentRecords},
		{"AppendOrder", testAppendOrder},
		{"AppendInvalid", testAppendInvalid},
		{"RangeBounds", testRangeBounds},
		{"RangePaging", testRangePaging},
		{"TrimBefore", testTrimBefore},
		{"IDsSurviveTrim", testIDsSurviveTrim},
		{"ConcurrentAppends", testConcurrentAppends},
		{"StreamValues", testStreamValues},
		{"StreamIsolation", testStreamIsolation},
		{"Ping", testPing},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t), cfg)
		})
	}
}

func mustPut(t *testing.T, s store.Store, r store.Record) {
	t.Helper()
	if err := s.Put(context.Background(), r); err != nil {
		t.Fatalf("Put(%s/%s/%q): %v", r.Subject, r.Kind, r.Key, err)
	}
}

// sameRecord compares everything, ExpiresAt to the millisecond (what backends keep).
func sameRecord(got, want store.Record) error {
	switch {
	case got.Subject != want.Subject || got.Kind != want.Kind || got.Key != want.Key:
		return fmt.Errorf("got record %q/%q/%q, want %q/%q/%q", got.Subject, got.Kind, got.Key, want.Subject, want.Kind, want.Key)
	case !bytes.Equal(got.Value, want.Value):
		return fmt.Errorf("record %q: value of %d bytes differs from the %d bytes written", want.Key, len(got.Value), len(want.Value))
	case got.Value == nil:
		return fmt.Errorf("record %q: nil value, want a non-nil (possibly empty) slice", want.Key)
	case want.ExpiresAt.IsZero() != got.ExpiresAt.IsZero():
		return fmt.Errorf("record %q: ExpiresAt %v, want %v", want.Key, got.ExpiresAt, want.ExpiresAt)
	case !want.ExpiresAt.IsZero() && !got.ExpiresAt.Equal(want.ExpiresAt.Truncate(time.Millisecond)):
		return fmt.Errorf("record %q: ExpiresAt %v, want %v to the millisecond", want.Key, got.ExpiresAt, want.ExpiresAt)
	}
	return nil
}

func checkGet(t *testing.T, s store.Store, want store.Record) {
	t.Helper()
	got, err := s.Get(context.Background(), want.Subject, want.Kind, want.Key)
	if err != nil {
		t.Fatalf("Get(%s/%s/%q): %v", want.Subject, want.Kind, want.Key, err)
	}
	if err := sameRecord(got, want); err != nil {
		t.Fatal(err)
	}
}

func checkNotFound(t *testing.T, s store.Store, subject, kind, key string) {
	t.Helper()
	_, err := s.Get(context.Background(), subject, kind, key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%s/%s/%q) = %v, want ErrNotFound", subject, kind, key, err)
	}
}

func keysOf(recs []store.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Kind + "/" + r.Key
	}
	return out
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func testPutGet(t *testing.T, s store.Store, cfg *config) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	for _, tc := range []struct {
		desc string
		r    store.Record
	}{
		{"plain", store.Record{Subject: "s1", Kind: "consent", Key: "analytics", Value: []byte(`{"granted":true}`)}},
		{"expiring", store.Record{Subject: "s1", Kind: "vault.token", Key: "t1", Value: []byte("v"), ExpiresAt: cfg.now().Add(time.Hour + 123456789)}},
		{"empty value", store.Record{Subject: "s1", Kind: "consent", Key: "empty", Value: []byte{}}},
		{"nil value", store.Record{Subject: "s1", Kind: "consent", Key: "nil"}},
		{"empty key", store.Record{Subject: "s1", Kind: "consent", Key: ""}},
		{"binary value", store.Record{Subject: "s1", Kind: "vault.key", Key: "k", Value: allBytes()}},
		{"1 MiB value", store.Record{Subject: "s1", Kind: "transcript", Key: "big", Value: big}},
		{"unicode", store.Record{Subject: "ü-Ω-😀", Kind: "könig", Key: "ключ 鍵", Value: []byte("Grüße, 世界 🌍")}},
		{"separators in key", store.Record{Subject: "s1", Kind: "odd", Key: "a:b{c}%d\x00e\n/", Value: []byte("x")}},
		{"separators in subject", store.Record{Subject: "a:b{c}%d}", Kind: "k:i{n}d%", Key: "x", Value: []byte("y")}},
		{"brace subject", store.Record{Subject: "}", Kind: "{", Key: "}", Value: []byte("z")}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			mustPut(t, s, tc.r)
			checkGet(t, s, tc.r)
			recs, err := s.List(context.Background(), tc.r.Subject, tc.r.Kind)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range recs {
				if r.Key == tc.r.Key {
					found = true
					if err := sameRecord(r, tc.r); err != nil {
						t.Fatalf("List: %v", err)
					}
				}
			}
			if !found {
				t.Fatalf("List does not return the record: %q", keysOf(recs))
			}
		})
	}
	// Subjects that escape to similar key names stay apart.
	checkNotFound(t, s, "a:b{c}%d", "k:i{n}d%", "x")
	checkNotFound(t, s, "a", "b{c}%d}:k:i{n}d%", "x")
}

func testReplace(t *testing.T, s store.Store, cfg *config) {
	r := store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("one"), ExpiresAt: cfg.now().Add(time.Hour)}
	mustPut(t, s, r)
	r.Value, r.ExpiresAt = []byte("two"), time.Time{}
	mustPut(t, s, r)
	checkGet(t, s, r)
	r.Value, r.ExpiresAt = []byte("three"), cfg.now().Add(2*time.Hour)
	mustPut(t, s, r)
	checkGet(t, s, r)
	recs, err := s.List(context.Background(), "s", "")
	if err != nil || len(recs) != 1 {
		t.Fatalf("List after replacing = %d records, %v; want 1", len(recs), err)
	}
}

func testNotFound(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	checkNotFound(t, s, "nobody", "k", "x")
	mustPut(t, s, store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("v")})
	checkNotFound(t, s, "s", "k", "y")
	checkNotFound(t, s, "s", "other", "x")
	checkNotFound(t, s, "s2", "k", "x")
	if recs, err := s.List(ctx, "nobody", ""); err != nil || len(recs) != 0 {
		t.Fatalf("List(unknown subject) = %v, %v", keysOf(recs), err)
	}
	if err := s.Delete(ctx, "nobody", "k", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete(missing) = %v, want ErrNotFound", err)
	}
	if n, err := s.DeleteSubject(ctx, "nobody"); err != nil || n != 0 {
		t.Fatalf("DeleteSubject(unknown) = %d, %v", n, err)
	}
	called := false
	if err := s.Walk(ctx, "never-written", func(store.Record) error { called = true; return nil }); err != nil || called {
		t.Fatalf("Walk(unknown kind) = %v, called %v", err, called)
	}
}

// testGetMany: each key's live record in the order asked (a key twice, twice), the zero Record
// for a missing, expired, other-kind or other-subject key; no keys, no records.
func testGetMany(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	a := store.Record{Subject: "s", Kind: "k", Key: "a", Value: []byte("va")}
	b := store.Record{Subject: "s", Kind: "k", Key: "b", Value: allBytes(), ExpiresAt: cfg.now().Add(time.Hour)}
	for _, r := range []store.Record{a, b,
		{Subject: "s", Kind: "k", Key: "old", Value: []byte("v"), ExpiresAt: cfg.now().Add(-time.Hour)},
		{Subject: "s", Kind: "other", Key: "c", Value: []byte("v")},
		{Subject: "s2", Kind: "k", Key: "d", Value: []byte("v")},
	} {
		mustPut(t, s, r)
	}
	got, err := s.GetMany(ctx, "s", "k", []string{"b", "missing", "a", "old", "c", "d", "b"})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Record{b, {}, a, {}, {}, {}, b}
	if len(got) != len(want) {
		t.Fatalf("GetMany returned %d records for %d keys", len(got), len(want))
	}
	for i := range want {
		if want[i].Key == "" {
			if got[i].Key != "" || got[i].Value != nil {
				t.Errorf("GetMany[%d] = %q, want the zero Record", i, got[i].Key)
			}
			continue
		}
		if err := sameRecord(got[i], want[i]); err != nil {
			t.Errorf("GetMany[%d]: %v", i, err)
		}
	}
	if got, err := s.GetMany(ctx, "s", "k", nil); err != nil || len(got) != 0 {
		t.Fatalf("GetMany(no keys) = %d records, %v", len(got), err)
	}
}

func testInvalid(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	nop := func(store.Record) error { return nil }
	for _, tc := range []struct {
		desc string
		call func() error
	}{
		{"Put empty subject", func() error { return s.Put(ctx, store.Record{Kind: "k", Key: "x"}) }},
		{"Put empty kind", func() error { return s.Put(ctx, store.Record{Subject: "s", Key: "x"}) }},
		{"Put NUL subject", func() error { return s.Put(ctx, store.Record{Subject: "a\x00b", Kind: "k"}) }},
		{"Put NUL kind", func() error { return s.Put(ctx, store.Record{Subject: "s", Kind: "a\x00b"}) }},
		{"PutIfAbsent empty subject", func() error { _, err := s.PutIfAbsent(ctx, store.Record{Kind: "k"}); return err }},
		{"Get empty kind", func() error { _, err := s.Get(ctx, "s", "", "x"); return err }},
		{"GetMany empty subject", func() error { _, err := s.GetMany(ctx, "", "k", []string{"x"}); return err }},
		{"GetMany NUL kind", func() error { _, err := s.GetMany(ctx, "s", "a\x00b", nil); return err }},
		{"List empty subject", func() error { _, err := s.List(ctx, "", ""); return err }},
		{"Delete empty subject", func() error { return s.Delete(ctx, "", "k", "x") }},
		{"DeleteSubject empty", func() error { _, err := s.DeleteSubject(ctx, ""); return err }},
		{"Walk empty kind", func() error { return s.Walk(ctx, "", nop) }},
		{"Range bad from", func() error { _, err := s.Range(ctx, "st", "x", "+", 0); return err }},
		{"Range bad to", func() error { _, err := s.Range(ctx, "st", "-", "1-x", 0); return err }},
		{"Range empty stream", func() error { _, err := s.Range(ctx, "", "-", "+", 0); return err }},
		{"TrimBefore empty stream", func() error { _, err := s.TrimBefore(ctx, "", time.Now()); return err }},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func testExpiry(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	ttl := time.Second
	short := store.Record{Subject: "s", Kind: "k", Key: "short", Value: []byte("v"), ExpiresAt: cfg.now().Add(ttl)}
	long := store.Record{Subject: "s", Kind: "k", Key: "long", Value: []byte("v"), ExpiresAt: cfg.now().Add(time.Hour)}
	forever := store.Record{Subject: "s", Kind: "k", Key: "forever", Value: []byte("v")}
	for _, r := range []store.Record{short, long, forever} {
		mustPut(t, s, r)
	}
	checkGet(t, s, long)
	checkGet(t, s, forever)

	if cfg.clock != nil {
		checkGet(t, s, short)
		cfg.clock.Advance(ttl - time.Millisecond)
		checkGet(t, s, short)
		cfg.clock.Advance(time.Millisecond)
		checkNotFound(t, s, "s", "k", "short")
	} else {
		waitExpired(t, s, short)
	}

	recs, err := s.List(ctx, "s", "k")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keysOf(recs), ","); got != "k/forever,k/long" {
		t.Fatalf("List after expiry = %s, want k/forever,k/long", got)
	}
	walked := 0
	if err := s.Walk(ctx, "k", func(r store.Record) error {
		if r.Key == "short" {
			t.Errorf("Walk returned an expired record")
		}
		walked++
		return nil
	}); err != nil || walked != 2 {
		t.Fatalf("Walk after expiry: %d records, %v; want 2", walked, err)
	}
	if err := s.Delete(ctx, "s", "k", "short"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete(expired) = %v, want ErrNotFound", err)
	}
	mustPut(t, s, short) // already expired: not found again
	checkNotFound(t, s, "s", "k", "short")
	short.ExpiresAt = cfg.now().Add(time.Hour)
	if ok, err := s.PutIfAbsent(ctx, short); err != nil || !ok {
		t.Fatalf("PutIfAbsent over an expired record = %v, %v; want true", ok, err)
	}
	checkGet(t, s, short)
	if n, err := s.DeleteSubject(ctx, "s"); err != nil || n != 3 {
		t.Fatalf("DeleteSubject = %d, %v; want 3", n, err)
	}
}

// waitExpired polls Get until the record is gone; the bound only guards against a hang.
func waitExpired(t *testing.T, s store.Store, r store.Record) {
	t.Helper()
	deadline := r.ExpiresAt.Add(30 * time.Second)
	for {
		_, err := s.Get(context.Background(), r.Subject, r.Kind, r.Key)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("record still readable long after it expired")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func testExpiryReplace(t *testing.T, s store.Store, cfg *config) {
	// Replacing an expiring record with a permanent one keeps it; an expired one never comes back.
	r := store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("v"), ExpiresAt: cfg.now().Add(time.Second)}
	mustPut(t, s, r)
	r.ExpiresAt = time.Time{}
	mustPut(t, s, r)
	other := store.Record{Subject: "s", Kind: "k", Key: "y", Value: []byte("w"), ExpiresAt: cfg.now().Add(time.Second)}
	mustPut(t, s, other)
	if cfg.clock != nil {
		cfg.clock.Advance(2 * time.Second)
	} else {
		waitExpired(t, s, other)
	}
	checkGet(t, s, r)
	checkNotFound(t, s, "s", "k", "y")
	recs, err := s.List(context.Background(), "s", "")
	if err != nil || len(recs) != 1 {
		t.Fatalf("List = %q, %v; want the permanent record only", keysOf(recs), err)
	}
}

func testPastExpiry(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	for i, at := range []time.Time{cfg.now().Add(-time.Hour), time.Unix(0, 0), time.Unix(-100, 0)} {
		r := store.Record{Subject: "s", Kind: "k", Key: fmt.Sprint(i), Value: []byte("v"), ExpiresAt: at}
		mustPut(t, s, r)
		checkNotFound(t, s, "s", "k", r.Key)
	}
	if recs, err := s.List(ctx, "s", ""); err != nil || len(recs) != 0 {
		t.Fatalf("List = %q, %v; want nothing", keysOf(recs), err)
	}
}

func testListOrder(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	// Kinds where one is a prefix of another, keys inserted out of order.
	put := []struct{ kind, key string }{
		{"ab", "2"}, {"a", "b"}, {"b", "a"}, {"a", "a"}, {"ab", "1"}, {"a", "a\x00"}, {"a", ""}, {"a.b", "x"}, {"a", "A"},
	}
	for _, p := range put {
		mustPut(t, s, store.Record{Subject: "sub", Kind: p.kind, Key: p.key, Value: []byte(p.kind + p.key)})
	}
	mustPut(t, s, store.Record{Subject: "sub2", Kind: "a", Key: "zz", Value: []byte("other subject")})
	mustPut(t, s, store.Record{Subject: "su", Kind: "a", Key: "zz", Value: []byte("prefix subject")})
	for _, tc := range []struct {
		desc, kind string
		want       []string
	}{
		{"all kinds", "", []string{"a/", "a/A", "a/a", "a/a\x00", "a/b", "a.b/x", "ab/1", "ab/2", "b/a"}},
		{"one kind", "a", []string{"a/", "a/A", "a/a", "a/a\x00", "a/b"}},
		{"prefix kind", "ab", []string{"ab/1", "ab/2"}},
		{"missing kind", "c", nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			recs, err := s.List(ctx, "sub", tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(recs); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", append([]string{}, tc.want...)) {
				t.Fatalf("List(%q) = %q, want %q", tc.kind, got, tc.want)
			}
			for _, r := range recs {
				if r.Subject != "sub" || string(r.Value) != r.Kind+r.Key {
					t.Fatalf("List returned a wrong record %q/%q", r.Subject, r.Key)
				}
			}
		})
	}
}

func testDelete(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	a := store.Record{Subject: "s", Kind: "k", Key: "a", Value: []byte("1")}
	b := store.Record{Subject: "s", Kind: "k", Key: "b", Value: []byte("2")}
	mustPut(t, s, a)
	mustPut(t, s, b)
	if err := s.Delete(ctx, "s", "k", "a"); err != nil {
		t.Fatal(err)
	}
	checkNotFound(t, s, "s", "k", "a")
	checkGet(t, s, b)
	if err := s.Delete(ctx, "s", "k", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Delete = %v, want ErrNotFound", err)
	}
	recs, err := s.List(ctx, "s", "")
	if err != nil || len(recs) != 1 || recs[0].Key != "b" {
		t.Fatalf("List after Delete = %q, %v", keysOf(recs), err)
	}
	mustPut(t, s, a)
	checkGet(t, s, a)
}

func testDeleteSubject(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	subjects := []string{"alice", "alic", "alice2", "alice\x01", "bob"}
	for _, sub := range subjects {
		for _, kind := range []string{"consent", "vault.token"} {
			for i := range 3 {
				mustPut(t, s, store.Record{Subject: sub, Kind: kind, Key: fmt.Sprint(i), Value: []byte(sub)})
			}
		}
	}
	mustPut(t, s, store.Record{Subject: "alice", Kind: "expiring", Key: "x", ExpiresAt: cfg.now().Add(time.Hour)})
	n, err := s.DeleteSubject(ctx, "alice")
	if err != nil || n != 7 {
		t.Fatalf("DeleteSubject = %d, %v; want 7", n, err)
	}
	if recs, err := s.List(ctx, "alice", ""); err != nil || len(recs) != 0 {
		t.Fatalf("List after DeleteSubject = %q, %v", keysOf(recs), err)
	}
	checkNotFound(t, s, "alice", "consent", "0")
	for _, sub := range subjects[1:] {
		recs, err := s.List(ctx, sub, "")
		if err != nil || len(recs) != 6 {
			t.Fatalf("DeleteSubject touched another subject: %d records left, %v", len(recs), err)
		}
	}
	err = s.Walk(ctx, "consent", func(r store.Record) error {
		if r.Subject == "alice" {
			return errors.New("walk returned an erased subject")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteSubject(ctx, "alice"); err != nil || n != 0 {
		t.Fatalf("second DeleteSubject = %d, %v; want 0", n, err)
	}
	r := store.Record{Subject: "alice", Kind: "consent", Key: "new", Value: []byte("again")}
	mustPut(t, s, r)
	checkGet(t, s, r)
	walked := 0
	_ = s.Walk(ctx, "consent", func(r store.Record) error {
		if r.Subject == "alice" {
			walked++
		}
		return nil
	})
	if walked != 1 {
		t.Fatalf("Walk sees %d records of a subject written again after erasure, want 1", walked)
	}
}

func testPutIfAbsent(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	r := store.Record{Subject: "s", Kind: "k", Key: "x", Value: []byte("first")}
	if ok, err := s.PutIfAbsent(ctx, r); err != nil || !ok {
		t.Fatalf("first PutIfAbsent = %v, %v", ok, err)
	}
	second := r
	second.Value = []byte("second")
	if ok, err := s.PutIfAbsent(ctx, second); err != nil || ok {
		t.Fatalf("second PutIfAbsent = %v, %v; want false", ok, err)
	}
	checkGet(t, s, r)
	if err := s.Delete(ctx, "s", "k", "x"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.PutIfAbsent(ctx, second); err != nil || !ok {
		t.Fatalf("PutIfAbsent after Delete = %v, %v", ok, err)
	}
	checkGet(t, s, second)
	recs, err := s.List(ctx, "s", "k")
	if err != nil || len(recs) != 1 {
		t.Fatalf("List = %q, %v", keysOf(recs), err)
	}
}

func testPutIfAbsentRace(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	const n = 32
	for round := range 5 {
		key := fmt.Sprint("race", round)
		var wins atomic.Int32
		winner := make(chan []byte, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				v := []byte(fmt.Sprint("value", i))
				ok, err := s.PutIfAbsent(ctx, store.Record{Subject: "s", Kind: "vault.key", Key: key, Value: v})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					wins.Add(1)
					winner <- v
				}
			}()
		}
		close(start)
		wg.Wait()
		if w := wins.Load(); w != 1 {
			t.Fatalf("%d goroutines won PutIfAbsent, want exactly 1", w)
		}
		got, err := s.Get(ctx, "s", "vault.key", key)
		if err != nil {
			t.Fatal(err)
		}
		if want := <-winner; !bytes.Equal(got.Value, want) {
			t.Fatalf("stored value is not the winner's")
		}
	}
}

func testWalk(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	want := map[string]bool{}
	for i := range 40 {
		sub := fmt.Sprint("subject-", i)
		for j := range i % 4 {
			mustPut(t, s, store.Record{Subject: sub, Kind: "vault.key", Key: fmt.Sprint(j), Value: []byte(sub)})
			want[sub+"/"+fmt.Sprint(j)] = true
		}
		mustPut(t, s, store.Record{Subject: sub, Kind: "vault.keys", Key: "other kind", Value: []byte("x")})
		mustPut(t, s, store.Record{Subject: sub, Kind: "vault", Key: "other kind", Value: []byte("x")})
	}
	got := map[string]bool{}
	err := s.Walk(ctx, "vault.key", func(r store.Record) error {
		k := r.Subject + "/" + r.Key
		if got[k] {
			return fmt.Errorf("walk returned a record twice")
		}
		if r.Kind != "vault.key" || string(r.Value) != r.Subject {
			return fmt.Errorf("walk returned a wrong record")
		}
		got[k] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Walk returned %d records, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("Walk missed a record")
		}
	}
}

func testWalkWrites(t *testing.T, s store.Store, _ *config) {
	// Key rotation: fn rewrites every record it is given (and the file may grow meanwhile).
	ctx := context.Background()
	const n = 600
	for i := range n {
		mustPut(t, s, store.Record{Subject: fmt.Sprint("s", i%50), Kind: "vault.key", Key: fmt.Sprint(i), Value: []byte("old")})
	}
	visited := 0
	err := s.Walk(ctx, "vault.key", func(r store.Record) error {
		visited++
		r.Value = bytes.Repeat([]byte("new"), 1000)
		return s.Put(ctx, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if visited != n {
		t.Fatalf("Walk visited %d records, want %d", visited, n)
	}
	err = s.Walk(ctx, "vault.key", func(r store.Record) error {
		if !bytes.HasPrefix(r.Value, []byte("new")) {
			return errors.New("a record was not rewritten")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testWalkError(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	for i := range 10 {
		mustPut(t, s, store.Record{Subject: fmt.Sprint("s", i), Kind: "k", Key: "x"})
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Walk(ctx, "k", func(store.Record) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("Walk = %v after %d calls; want fn's error after 3", err, calls)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Walk(cctx, "k", func(store.Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("Walk with a canceled context = %v", err)
	}
}

func testConcurrentRecords(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := fmt.Sprint("s", g)
			for i := range 50 {
				r := store.Record{Subject: sub, Kind: "k", Key: fmt.Sprint(i), Value: []byte(sub)}
				if err := s.Put(ctx, r); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Get(ctx, sub, "k", r.Key); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 0 {
					if _, err := s.List(ctx, sub, ""); err != nil {
						t.Error(err)
						return
					}
				}
			}
			if n, err := s.DeleteSubject(ctx, sub); err != nil || n != 50 {
				t.Errorf("DeleteSubject = %d, %v; want 50", n, err)
			}
		}()
	}
	wg.Wait()
}

func testPing(t *testing.T, s store.Store, _ *config) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// sortedCopy is used by stream tests to check ordering without trusting the backend.
func sortedCopy(ids []string) []string {
	out := append([]string{}, ids...)
	sort.Slice(out, func(i, j int) bool { return store.CompareIDs(out[i], out[j]) < 0 })
	return out
}
