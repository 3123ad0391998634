package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// Append adds entries with XADD, several in one MULTI (one round trip; the batch's ids are contiguous), and
// returns their ids in order. Redis keeps ids increasing even if its clock goes backwards.
func (s *Store) Append(ctx context.Context, stream string, entries ...map[string]string) ([]string, error) {
	if err := store.CheckAppend(stream, entries); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	key := s.k.stream(stream)
	if len(entries) == 1 {
		// One XADD is atomic on its own: no MULTI/EXEC around it (one command instead of three).
		id, err := s.c.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: entries[0]}).Result()
		if err != nil {
			return nil, fmt.Errorf("appending to stream: %w", err)
		}
		return []string{id}, nil
	}
	cmds := make([]*redis.StringCmd, len(entries))
	if _, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, e := range entries {
			cmds[i] = p.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: e})
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("appending to stream: %w", err)
	}
	ids := make([]string, len(entries))
	for i, c := range cmds {
		ids[i] = c.Val()
	}
	return ids, nil
}

// Range returns up to limit entries (limit <= 0: all) with from <= id <= to, in order.
func (s *Store) Range(ctx context.Context, stream, from, to string, limit int) ([]store.Entry, error) {
	if err := store.CheckStream(stream); err != nil {
		return nil, err
	}
	lo, hi, err := store.RangeBounds(from, to)
	if err != nil {
		return nil, err
	}
	if lo.Compare(hi) > 0 {
		return nil, nil
	}
	key := s.k.stream(stream)
	var msgs []redis.XMessage
	if limit > 0 {
		msgs, err = s.c.XRangeN(ctx, key, lo.String(), hi.String(), int64(limit)).Result()
	} else {
		msgs, err = s.c.XRange(ctx, key, lo.String(), hi.String()).Result()
	}
	if err != nil {
		return nil, fmt.Errorf("reading stream: %w", err)
	}
	out := make([]store.Entry, len(msgs))
	for i, m := range msgs {
		fields := make(map[string]string, len(m.Values))
		for k, v := range m.Values {
			switch v := v.(type) {
			case string:
				fields[k] = v
			default:
				fields[k] = fmt.Sprint(v)
			}
		}
		out[i] = store.Entry{ID: m.ID, Fields: fields}
	}
	return out, nil
}

// TrimBefore deletes the entries whose id is before t's millisecond (XTRIM MINID, exact) and
// returns how many it deleted.
func (s *Store) TrimBefore(ctx context.Context, stream string, t time.Time) (int, error) {
	if err := store.CheckStream(stream); err != nil {
		return 0, err
	}
	ms := t.UnixMilli()
	if ms <= 0 {
		return 0, nil
	}
	n, err := s.c.XTrimMinID(ctx, s.k.stream(stream), strconv.FormatInt(ms, 10)+"-0").Result()
	if err != nil {
		return 0, fmt.Errorf("trimming stream: %w", err)
	}
	return int(n), nil
}
