package vault

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
	"github.com/veil-privacy/veil/store/storetest"
)

// backend is one store the vault's tests run against. clock drives both the store's expiry (where
// the store takes a clock) and the vault's own expiry checks; realTTL says the store expires
// records by the real clock instead (Redis).
type backend struct {
	name    string
	st      Store
	clock   *storetest.Clock
	realTTL bool
}

// newStores returns every backend the vault must pass its tests on: the in-memory double, the
// embedded bbolt store and a real Redis (skipped, not failed, where redis-server is missing and CI
// is unset).
func newStores(t testing.TB) []backend {
	t.Helper()
	var out []backend
	mc := storetest.NewClock(time.Now())
	out = append(out, backend{name: "memory", st: newMemStore(mc.Now), clock: mc})

	ec := storetest.NewClock(time.Now())
	es, err := embedded.Open(filepath.Join(t.TempDir(), embedded.FileName), embedded.WithClock(ec.Now), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatalf("opening embedded store: %v", err)
	}
	t.Cleanup(func() { _ = es.Close() })
	out = append(out, backend{name: "embedded", st: es, clock: ec})

	if rs := redisStore(t); rs != nil {
		out = append(out, backend{name: "redis", st: rs, clock: storetest.NewClock(time.Now()), realTTL: true})
	}
	return out
}

// redisStore starts a redis-server for the test and returns a store on it, or nil (logged) when
// redis-server is not installed and $CI is unset; under CI redistest.Start fails the test instead.
func redisStore(t testing.TB) Store {
	t.Helper()
	if os.Getenv("CI") == "" && !haveRedis() {
		t.Logf("redis backend skipped: redis-server not installed")
		return nil
	}
	srv := redistest.Start(t)
	rs, err := redisstore.New(srv.Client(), "")
	if err != nil {
		t.Fatalf("redis store: %v", err)
	}
	return rs
}

func haveRedis() bool {
	for _, p := range []string{os.Getenv("VEIL_REDIS_SERVER"), redistest.DefaultBinary} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return true
		}
	}
	_, err := exec.LookPath("redis-server")
	return err == nil
}

// memStore is the in-memory test double: a map with the store's semantics (expiry by clock,
// PutIfAbsent against live records, List in key order) and a hook run before each write, for
// interleaving another operation at an exact point.
type memStore struct {
	mu     sync.Mutex
	now    func() time.Time
	recs   map[[3]string]store.Record
	before func(op string, r store.Record) // called without the lock held
}

func newMemStore(now func() time.Time) *memStore {
	return &memStore{now: now, recs: map[[3]string]store.Record{}}
}

func (m *memStore) live(r store.Record) bool {
	return r.ExpiresAt.IsZero() || m.now().Before(r.ExpiresAt)
}

func (m *memStore) hook(op string, r store.Record) {
	if m.before != nil {
		m.before(op, r)
	}
}

func clone(r store.Record) store.Record {
	r.Value = slices.Clone(r.Value)
	return r
}

func (m *memStore) Put(ctx context.Context, r store.Record) error {
	if err := store.CheckRecordID(r.Subject, r.Kind); err != nil {
		return err
	}
	m.hook("put", r)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[[3]string{r.Subject, r.Kind, r.Key}] = clone(r)
	return nil
}

func (m *memStore) PutIfAbsent(ctx context.Context, r store.Record) (bool, error) {
	if err := store.CheckRecordID(r.Subject, r.Kind); err != nil {
		return false, err
	}
	m.hook("putifabsent", r)
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [3]string{r.Subject, r.Kind, r.Key}
	if old, ok := m.recs[k]; ok && m.live(old) {
		return false, nil
	}
	m.recs[k] = clone(r)
	return true, nil
}

func (m *memStore) Get(ctx context.Context, subject, kind, key string) (store.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[[3]string{subject, kind, key}]
	if !ok || !m.live(r) {
		return store.Record{}, store.ErrNotFound
	}
	return clone(r), nil
}

func (m *memStore) GetMany(ctx context.Context, subject, kind string, keys []string) ([]store.Record, error) {
	out := make([]store.Record, len(keys))
	for i, key := range keys {
		r, err := m.Get(ctx, subject, kind, key)
		if err == nil {
			out[i] = r
		}
	}
	return out, nil
}

func (m *memStore) List(ctx context.Context, subject, kind string) ([]store.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Record
	for k, r := range m.recs {
		if k[0] == subject && (kind == "" || k[1] == kind) && m.live(r) {
			out = append(out, clone(r))
		}
	}
	slices.SortFunc(out, func(a, b store.Record) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

func (m *memStore) Delete(ctx context.Context, subject, kind, key string) error {
	m.hook("delete", store.Record{Subject: subject, Kind: kind, Key: key})
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [3]string{subject, kind, key}
	r, ok := m.recs[k]
	delete(m.recs, k)
	if !ok || !m.live(r) {
		return store.ErrNotFound
	}
	return nil
}

func (m *memStore) DeleteSubject(ctx context.Context, subject string) (int, error) {
	m.hook("deletesubject", store.Record{Subject: subject})
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, r := range m.recs {
		if k[0] == subject {
			if m.live(r) {
				n++
			}
			delete(m.recs, k)
		}
	}
	return n, nil
}

func (m *memStore) Walk(ctx context.Context, kind string, fn func(store.Record) error) error {
	m.mu.Lock()
	var recs []store.Record
	for k, r := range m.recs {
		if k[1] == kind && m.live(r) {
			recs = append(recs, clone(r))
		}
	}
	m.mu.Unlock()
	for _, r := range recs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

var _ Store = (*memStore)(nil)
