package redisstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/veil-privacy/veil/store"
)

// ahead holds records read ahead for one request (store.ReadAheader): the raw values of one
// subject's records, each handed out once.
type ahead struct {
	st      *Store
	subject string
	mu      sync.Mutex
	vals    map[store.KindKey]rawRecord
}

// rawRecord is a record as Redis holds it (see decodeInto), or its absence.
type rawRecord struct {
	raw   []byte
	found bool
}

type aheadCtxKey struct{}

// ReadAhead reads ids of one subject with one MGET (they share the subject's hash tag, so they
// live in one Cluster slot) and returns a context that carries them to Get and GetMany.
func (s *Store) ReadAhead(ctx context.Context, subject string, ids []store.KindKey) (context.Context, error) {
	if err := store.CheckSubject(subject); err != nil {
		return ctx, err
	}
	if len(ids) == 0 {
		return ctx, nil
	}
	for _, id := range ids {
		if err := store.CheckKind(id.Kind, false); err != nil {
			return ctx, err
		}
	}
	vals, err := s.mget(ctx, subject, ids)
	if err != nil {
		return ctx, fmt.Errorf("reading records ahead: %w", err)
	}
	a := &ahead{st: s, subject: subject, vals: make(map[store.KindKey]rawRecord, len(ids))}
	for i, v := range vals {
		a.vals[ids[i]] = v
	}
	return context.WithValue(ctx, aheadCtxKey{}, a), nil
}

// mget reads records of one subject with one MGET (their keys share the subject's hash tag, so
// they live in one Cluster slot): each one's stored bytes, and whether it exists.
func (s *Store) mget(ctx context.Context, subject string, ids []store.KindKey) ([]rawRecord, error) {
	prefix := s.k.recPrefix(subject)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = prefix + member(id.Kind, id.Key)
	}
	got, err := s.c.MGet(ctx, names...).Result()
	if err != nil {
		return nil, err
	}
	vals := make([]rawRecord, len(got))
	for i, v := range got {
		str, ok := v.(string) // nil: no such record
		vals[i] = rawRecord{raw: []byte(str), found: ok}
	}
	return vals, nil
}

// aheadOf returns what ctx holds read ahead from s for subject, or nil.
func (s *Store) aheadOf(ctx context.Context, subject string) *ahead {
	a, _ := ctx.Value(aheadCtxKey{}).(*ahead)
	if a == nil || a.st != s || a.subject != subject {
		return nil
	}
	return a
}

// takeAhead hands out the record (subject, kind, key) if ctx holds it read ahead: its raw value
// and whether it existed; ok is false when it was not read ahead (or was handed out already).
func (s *Store) takeAhead(ctx context.Context, subject, kind, key string) (raw []byte, found, ok bool) {
	a := s.aheadOf(ctx, subject)
	if a == nil {
		return nil, false, false
	}
	k := store.KindKey{Kind: kind, Key: key}
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.vals[k]
	if ok {
		delete(a.vals, k)
	}
	return v.raw, v.found, ok
}

// takeAheadAll hands out the records of kind with keys if ctx holds every one of them read
// ahead; otherwise it hands out nothing and returns nil.
func (s *Store) takeAheadAll(ctx context.Context, subject, kind string, keys []string) []rawRecord {
	a := s.aheadOf(ctx, subject)
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, key := range keys {
		if _, ok := a.vals[store.KindKey{Kind: kind, Key: key}]; !ok {
			return nil
		}
	}
	out := make([]rawRecord, len(keys))
	for i, key := range keys {
		k := store.KindKey{Kind: kind, Key: key}
		out[i] = a.vals[k]
		delete(a.vals, k)
	}
	return out
}

// dropAhead forgets what ctx holds read ahead of a record written through s (kind "" and key "":
// every record of the subject).
func (s *Store) dropAhead(ctx context.Context, subject, kind, key string) {
	a := s.aheadOf(ctx, subject)
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if kind == "" {
		clear(a.vals)
		return
	}
	delete(a.vals, store.KindKey{Kind: kind, Key: key})
}
