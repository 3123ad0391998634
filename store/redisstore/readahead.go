package redisstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// ahead holds records read ahead for one request (store.ReadAheader): the raw values of one
// subject's records, and the lists of whole kinds, each handed out once.
type ahead struct {
	st      *Store
	subject string
	mu      sync.Mutex
	vals    map[store.KindKey]rawRecord
	lists   map[string]listed // by kind
}

// listed is what listScript returned for one kind: index members and their records' values.
type listed struct {
	members []string
	vals    []any
}

// rawRecord is a record as Redis holds it (see decodeInto), or its absence.
type rawRecord struct {
	raw   []byte
	found bool
}

type aheadCtxKey struct{}

// ReadAhead reads ids of one subject in one round trip and returns a context that carries them
// to Get, GetMany and List: the records with a key in one MGET, and for each id with an empty Key
// every record of its kind, as List returns them, with listScript in the same pipeline (every key
// shares the subject's hash tag, so they live in one Cluster slot and the pipeline goes to one
// node). A kind whose list cannot be read ahead (the script not loaded yet, an index too large
// for one script) is left to List.
func (s *Store) ReadAhead(ctx context.Context, subject string, ids []store.KindKey) (context.Context, error) {
	if err := store.CheckSubject(subject); err != nil {
		return ctx, err
	}
	if len(ids) == 0 {
		return ctx, nil
	}
	var keyed []store.KindKey
	var kinds []string
	for _, id := range ids {
		if err := store.CheckKind(id.Kind, false); err != nil {
			return ctx, err
		}
		if id.Key == "" {
			kinds = append(kinds, id.Kind)
		} else {
			keyed = append(keyed, id)
		}
	}
	a := &ahead{st: s, subject: subject, vals: make(map[store.KindKey]rawRecord, len(keyed))}
	if len(kinds) == 0 {
		vals, err := s.mget(ctx, subject, keyed)
		if err != nil {
			return ctx, fmt.Errorf("reading records ahead: %w", err)
		}
		a.keep(keyed, vals)
		return context.WithValue(ctx, aheadCtxKey{}, a), nil
	}
	pipe := s.c.Pipeline()
	var mg *redis.SliceCmd
	if len(keyed) > 0 {
		mg = pipe.MGet(ctx, s.recordKeys(subject, keyed)...)
	}
	lists := make([]*redis.Cmd, len(kinds))
	for i, kind := range kinds {
		lists[i] = pipe.EvalSha(ctx, listScript.Hash(), []string{s.k.idx(subject)}, s.k.recPrefix(subject), kindPrefix(kind), mgetBatch)
	}
	_, _ = pipe.Exec(ctx) // each command's own error is looked at below
	if mg != nil {
		got, err := mg.Result()
		if err != nil {
			return ctx, fmt.Errorf("reading records ahead: %w", err)
		}
		a.keep(keyed, rawRecords(got))
	}
	a.lists = make(map[string]listed, len(kinds))
	for i, kind := range kinds {
		res, err := lists[i].Slice()
		if err != nil {
			continue
		}
		if members, vals, err := parseListed(res); err == nil {
			a.lists[kind] = listed{members, vals}
		}
	}
	return context.WithValue(ctx, aheadCtxKey{}, a), nil
}

// keep stores the records read for ids.
func (a *ahead) keep(ids []store.KindKey, vals []rawRecord) {
	for i, v := range vals {
		a.vals[ids[i]] = v
	}
}

// mget reads records of one subject with one MGET (their keys share the subject's hash tag, so
// they live in one Cluster slot): each one's stored bytes, and whether it exists.
func (s *Store) mget(ctx context.Context, subject string, ids []store.KindKey) ([]rawRecord, error) {
	got, err := s.c.MGet(ctx, s.recordKeys(subject, ids)...).Result()
	if err != nil {
		return nil, err
	}
	return rawRecords(got), nil
}

// recordKeys are the Redis keys of a subject's records.
func (s *Store) recordKeys(subject string, ids []store.KindKey) []string {
	prefix := s.k.recPrefix(subject)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = prefix + member(id.Kind, id.Key)
	}
	return names
}

// rawRecords reads an MGET's reply: nil is a record that does not exist.
func rawRecords(got []any) []rawRecord {
	vals := make([]rawRecord, len(got))
	for i, v := range got {
		str, ok := v.(string)
		vals[i] = rawRecord{raw: []byte(str), found: ok}
	}
	return vals
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

// takeAheadList hands out the list of kind if ctx holds it read ahead.
func (s *Store) takeAheadList(ctx context.Context, subject, kind string) (listed, bool) {
	a := s.aheadOf(ctx, subject)
	if a == nil || kind == "" {
		return listed{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.lists[kind]
	if ok {
		delete(a.lists, kind)
	}
	return l, ok
}

// dropAhead forgets what ctx holds read ahead of a record written through s, and the list of its
// kind (kind "" and key "": every record of the subject).
func (s *Store) dropAhead(ctx context.Context, subject, kind, key string) {
	a := s.aheadOf(ctx, subject)
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if kind == "" {
		clear(a.vals)
		clear(a.lists)
		return
	}
	delete(a.vals, store.KindKey{Kind: kind, Key: key})
	delete(a.lists, kind)
}
