package redisstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// A stored value is a version byte, the expiry in Unix milliseconds (big-endian, 0 = never) and the
// value. Redis expires the key itself; the copy in the value gives Get the expiry in one round trip.
const (
	valueVersion = 1
	headerLen    = 9
	mgetBatch    = 512
	scanBatch    = 512
)

var errCorrupt = errors.New("store: corrupt record")

// Put creates or replaces a record.
func (s *Store) Put(ctx context.Context, r store.Record) error {
	_, err := s.put(ctx, r, false)
	return err
}

// PutIfAbsent creates a record unless a live one exists, atomically on the server.
func (s *Store) PutIfAbsent(ctx context.Context, r store.Record) (bool, error) {
	return s.put(ctx, r, true)
}

func (s *Store) put(ctx context.Context, r store.Record, ifAbsent bool) (bool, error) {
	if err := store.CheckRecordID(r.Subject, r.Kind); err != nil {
		return false, err
	}
	s.dropAhead(ctx, r.Subject, r.Kind, r.Key)
	exp := expiryMS(r.ExpiresAt)
	val := make([]byte, headerLen+len(r.Value))
	val[0] = valueVersion
	binary.BigEndian.PutUint64(val[1:], exp)
	copy(val[headerLen:], r.Value)
	nx := "0"
	if ifAbsent {
		nx = "1"
	}
	m := member(r.Kind, r.Key)
	rk := s.k.recPrefix(r.Subject) + m
	keys := []string{rk, s.k.idx(r.Subject)}
	if !s.cluster {
		keys = append(keys, s.k.kindSet(r.Kind), s.k.kinds())
	}
	n, err := putScript.Run(ctx, s.c, keys, m, val, strconv.FormatUint(exp, 10), nx, r.Subject, r.Kind).Int()
	if err != nil {
		return false, fmt.Errorf("writing record: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if s.cluster {
		// After the record, never before: see Walk and DeleteSubject for why this order is safe.
		if _, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.SAdd(ctx, s.k.kindSet(r.Kind), r.Subject)
			p.SAdd(ctx, s.k.kinds(), r.Kind)
			return nil
		}); err != nil {
			return false, fmt.Errorf("indexing record kind: %w", err)
		}
	}
	return true, nil
}

// Get returns a live record or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, subject, kind, key string) (store.Record, error) {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return store.Record{}, err
	}
	v, found, ahead := s.takeAhead(ctx, subject, kind, key)
	if !ahead {
		var err error
		v, err = s.c.Get(ctx, s.k.recPrefix(subject)+member(kind, key)).Bytes()
		found = !errors.Is(err, redis.Nil)
		if found && err != nil {
			return store.Record{}, fmt.Errorf("reading record: %w", err)
		}
	}
	if !found {
		return store.Record{}, store.ErrNotFound
	}
	r := store.Record{Subject: subject, Kind: kind, Key: key}
	ok, err := decodeInto(&r, v, nowMS())
	if err != nil {
		return store.Record{}, err
	}
	if !ok {
		return store.Record{}, store.ErrNotFound
	}
	return r, nil
}

// GetMany returns the live record of each key, in order (the zero Record where there is none),
// with one MGET: the keys share the subject's hash tag, so they live in one Cluster slot.
func (s *Store) GetMany(ctx context.Context, subject, kind string, keys []string) ([]store.Record, error) {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return nil, err
	}
	out := make([]store.Record, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	vals := s.takeAheadAll(ctx, subject, kind, keys)
	if vals == nil {
		ids := make([]store.KindKey, len(keys))
		for i, key := range keys {
			ids[i] = store.KindKey{Kind: kind, Key: key}
		}
		var err error
		if vals, err = s.mget(ctx, subject, ids); err != nil {
			return nil, fmt.Errorf("reading records: %w", err)
		}
	}
	now := nowMS()
	for i, v := range vals {
		if !v.found {
			continue
		}
		rec := store.Record{Subject: subject, Kind: kind, Key: keys[i]}
		live, err := decodeInto(&rec, v.raw, now)
		if err != nil {
			return nil, err
		}
		if live {
			out[i] = rec
		}
	}
	return out, nil
}

// List returns a subject's live records of one kind ("" for all), ordered by kind then key. It reads
// the subject's index, never the keyspace, and prunes index entries of expired records. A subject
// with at most mgetBatch records is read in one round trip (listScript); a larger one in batches.
func (s *Store) List(ctx context.Context, subject, kind string) ([]store.Record, error) {
	if err := store.CheckSubject(subject); err != nil {
		return nil, err
	}
	if err := store.CheckKind(kind, true); err != nil {
		return nil, err
	}
	recPrefix := s.k.recPrefix(subject)
	l, ok := s.takeAheadList(ctx, subject, kind)
	members, vals := l.members, l.vals
	if !ok {
		var err error
		members, vals, err = s.listOneTrip(ctx, subject, kind)
		if errors.Is(err, redis.Nil) {
			members, vals, err = s.listBatched(ctx, subject, kind)
		}
		if err != nil {
			return nil, err
		}
	}
	type entry struct {
		member, kind, key string
		val               any
	}
	entries := make([]entry, len(members))
	for i, m := range members {
		kd, key, ok := splitMember(m)
		if !ok {
			return nil, errCorrupt
		}
		entries[i] = entry{m, kd, key, vals[i]}
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].kind != entries[j].kind {
			return entries[i].kind < entries[j].kind
		}
		return entries[i].key < entries[j].key
	})
	var out []store.Record
	var stale []any
	now := nowMS()
	for _, e := range entries {
		sv, ok := e.val.(string)
		if !ok {
			stale = append(stale, e.member)
			continue
		}
		r := store.Record{Subject: subject, Kind: e.kind, Key: e.key}
		live, err := decodeInto(&r, []byte(sv), now)
		if err != nil {
			return nil, err
		}
		if live {
			out = append(out, r)
		}
	}
	if len(stale) > 0 {
		args := append([]any{recPrefix}, stale...)
		if err := pruneScript.Run(ctx, s.c, []string{s.k.idx(subject)}, args...).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("pruning subject index: %w", err)
		}
	}
	return out, nil
}

// listOneTrip reads the subject's index members of a kind and their records' values (nil for a
// record that is gone) with listScript; redis.Nil when the index is too large for one script.
func (s *Store) listOneTrip(ctx context.Context, subject, kind string) ([]string, []any, error) {
	prefix := "" // every kind
	if kind != "" {
		prefix = kindPrefix(kind)
	}
	res, err := listScript.Run(ctx, s.c, []string{s.k.idx(subject)}, s.k.recPrefix(subject), prefix, mgetBatch).Slice()
	if errors.Is(err, redis.Nil) {
		return nil, nil, redis.Nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading subject records: %w", err)
	}
	return parseListed(res)
}

// parseListed reads listScript's reply: index members alternating with their records' values.
func parseListed(res []any) ([]string, []any, error) {
	members := make([]string, 0, len(res)/2)
	vals := make([]any, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		m, ok := res[i].(string)
		if !ok {
			return nil, nil, errCorrupt
		}
		members = append(members, m)
		vals = append(vals, res[i+1])
	}
	return members, vals, nil
}

// listBatched reads the subject's index members of a kind, then their records' values in MGETs
// of mgetBatch keys.
func (s *Store) listBatched(ctx context.Context, subject, kind string) ([]string, []any, error) {
	all, err := s.c.SMembers(ctx, s.k.idx(subject)).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("reading subject index: %w", err)
	}
	prefix := kindPrefix(kind)
	members := all[:0]
	for _, m := range all {
		if kind == "" || strings.HasPrefix(m, prefix) {
			members = append(members, m)
		}
	}
	recPrefix := s.k.recPrefix(subject)
	vals := make([]any, 0, len(members))
	for start := 0; start < len(members); start += mgetBatch {
		batch := members[start:min(start+mgetBatch, len(members))]
		ks := make([]string, len(batch))
		for i, m := range batch {
			ks[i] = recPrefix + m
		}
		v, err := s.c.MGet(ctx, ks...).Result()
		if err != nil {
			return nil, nil, fmt.Errorf("reading records: %w", err)
		}
		vals = append(vals, v...)
	}
	return members, vals, nil
}

// Delete removes one record; store.ErrNotFound if there was no live one.
func (s *Store) Delete(ctx context.Context, subject, kind, key string) error {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return err
	}
	s.dropAhead(ctx, subject, kind, key)
	m := member(kind, key)
	n, err := deleteScript.Run(ctx, s.c, []string{s.k.recPrefix(subject) + m, s.k.idx(subject)}, m).Int()
	if err != nil {
		return fmt.Errorf("deleting record: %w", err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// DeleteSubject removes every record of a subject, its index, and the subject from every kind set,
// and returns how many live records there were.
//
// On Cluster the kind sets are cleaned after the records are gone. A Put racing with the erasure
// writes its record before adding the subject to the kind set, so either the erasure deleted that
// record, or the Put's kind-set addition comes after the cleanup; the kind set never lacks a
// subject that has records.
func (s *Store) DeleteSubject(ctx context.Context, subject string) (int, error) {
	if err := store.CheckSubject(subject); err != nil {
		return 0, err
	}
	s.dropAhead(ctx, subject, "", "")
	kindsKey := s.k.kinds()
	if s.cluster {
		kindsKey = ""
	}
	n, err := deleteSubjectScript.Run(ctx, s.c, []string{s.k.idx(subject)},
		s.k.recPrefix(subject), subject, kindsKey, s.k.kindSetPrefix()).Int()
	if err != nil {
		return 0, fmt.Errorf("deleting subject: %w", err)
	}
	if s.cluster {
		kinds, err := s.c.SMembers(ctx, s.k.kinds()).Result()
		if err != nil {
			return n, fmt.Errorf("reading kinds: %w", err)
		}
		if _, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range kinds {
				p.SRem(ctx, s.k.kindSet(k), subject)
			}
			return nil
		}); err != nil {
			return n, fmt.Errorf("removing subject from kind sets: %w", err)
		}
	}
	return n, nil
}

// Walk calls fn for every live record of kind across subjects, subject by subject, scanning the
// kind's set of subjects incrementally (SSCAN). A subject found to have no records of the kind left
// is removed from the set, then listed again: a record written meanwhile is seen by the second look
// or re-adds the subject itself (Put indexes the kind after writing the record).
func (s *Store) Walk(ctx context.Context, kind string, fn func(store.Record) error) error {
	if err := store.CheckKind(kind, false); err != nil {
		return err
	}
	set := s.k.kindSet(kind)
	seen := map[string]struct{}{}
	var cursor uint64
	for {
		subjects, next, err := s.c.SScan(ctx, set, cursor, "", scanBatch).Result()
		if err != nil {
			return fmt.Errorf("scanning kind index: %w", err)
		}
		for _, sub := range subjects {
			if _, dup := seen[sub]; dup {
				continue
			}
			seen[sub] = struct{}{}
			recs, err := s.List(ctx, sub, kind)
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				if recs, err = s.dropFromKind(ctx, set, sub, kind); err != nil {
					return err
				}
			}
			for _, r := range recs {
				if err := fn(r); err != nil {
					return err
				}
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// dropFromKind removes a subject from a kind set and returns its records of the kind written since.
func (s *Store) dropFromKind(ctx context.Context, set, subject, kind string) ([]store.Record, error) {
	if err := s.c.SRem(ctx, set, subject).Err(); err != nil {
		return nil, fmt.Errorf("pruning kind index: %w", err)
	}
	recs, err := s.List(ctx, subject, kind)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	if err := s.c.SAdd(ctx, set, subject).Err(); err != nil {
		return nil, fmt.Errorf("restoring kind index: %w", err)
	}
	return recs, nil
}

func nowMS() uint64 {
	if ms := time.Now().UnixMilli(); ms > 0 {
		return uint64(ms)
	}
	return 0
}

// expiryMS is the stored form of ExpiresAt: 0 for never, at least 1 for any set time.
func expiryMS(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	if ms := t.UnixMilli(); ms > 0 {
		return uint64(ms)
	}
	return 1
}

// decodeInto fills r from a stored value and reports whether it is live at now (Redis expires keys
// on its own clock; this also hides a record whose time has passed on ours).
func decodeInto(r *store.Record, v []byte, now uint64) (bool, error) {
	if len(v) < headerLen || v[0] != valueVersion {
		return false, errCorrupt
	}
	exp := binary.BigEndian.Uint64(v[1:])
	if exp != 0 && now >= exp {
		return false, nil
	}
	if exp != 0 {
		r.ExpiresAt = time.UnixMilli(int64(exp)).UTC()
	}
	r.Value = append([]byte{}, v[headerLen:]...)
	return true, nil
}
