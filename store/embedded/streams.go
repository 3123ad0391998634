package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"time"

	"go.etcd.io/bbolt"

	"github.com/veil-privacy/veil/store"
)

// trimBatch bounds how many entries one TrimBefore transaction deletes, so trimming a long stream
// does not build one huge transaction.
const trimBatch = 10000

// Append adds entries to a stream and returns their ids in order, once they are durable in the
// journal (one write and one fdatasync, shared with concurrent appends). Ids are <unix ms>-<seq>
// and keep increasing even if the clock goes backwards.
func (s *Store) Append(ctx context.Context, stream string, entries ...map[string]string) ([]string, error) {
	if err := store.CheckAppend(stream, entries); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.appendLog(ctx, stream, entries)
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []store.Entry
	if lo.Compare(hi) > 0 {
		return out, nil
	}
	// Pending entries first: one the absorber moves meanwhile is then in the view (and dropped
	// as a duplicate), never in neither.
	pending := s.streams.pendingRange(stream, lo, hi, limit)
	hiKey := encodeID(hi)
	err = s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketStreams).Bucket([]byte(stream))
		var k, v []byte
		var c *bbolt.Cursor
		if b != nil {
			c = b.Cursor()
			k, v = c.Seek(encodeID(lo))
		}
		for limit <= 0 || len(out) < limit {
			disk := k != nil && bytes.Compare(k, hiKey) <= 0
			var id store.ID
			var fields []byte
			switch {
			case disk && len(pending) > 0 && pending[0].id.Compare(decodeID(k)) <= 0:
				if pending[0].id == decodeID(k) {
					k, v = c.Next()
				}
				id, fields, pending = pending[0].id, pending[0].fields, pending[1:]
			case disk:
				id, fields = decodeID(k), v
				k, v = c.Next()
			case len(pending) > 0:
				id, fields, pending = pending[0].id, pending[0].fields, pending[1:]
			default:
				return nil
			}
			m, err := decodeFields(fields)
			if err != nil {
				return err
			}
			out = append(out, store.Entry{ID: id.String(), Fields: m})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TrimBefore deletes the entries whose id is before t's millisecond and returns how many it deleted.
func (s *Store) TrimBefore(ctx context.Context, stream string, t time.Time) (int, error) {
	if err := store.CheckStream(stream); err != nil {
		return 0, err
	}
	ms := t.UnixMilli()
	if ms <= 0 {
		return 0, nil
	}
	// Entries still in the journal go to bbolt first, so that trimming sees them.
	if err := s.absorb(ctx); err != nil {
		return 0, err
	}
	limit := encodeID(store.ID{MS: uint64(ms)})
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := s.db.Update(func(tx *bbolt.Tx) error {
			n = 0
			b := tx.Bucket(bucketStreams).Bucket([]byte(stream))
			if b == nil {
				return nil
			}
			var victims [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0 && len(victims) < trimBatch; k, _ = c.Next() {
				victims = append(victims, bytes.Clone(k))
			}
			for _, k := range victims {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(victims)
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if n < trimBatch {
			return total, nil
		}
	}
}

// nextID is the id after last at clock time now: now's millisecond if the clock moved forward,
// otherwise last's millisecond with the next sequence number.
func nextID(last store.ID, now uint64) store.ID {
	if now > last.MS {
		return store.ID{MS: now}
	}
	return last.Next()
}

func encodeID(id store.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, id.MS)
	binary.BigEndian.PutUint64(k[8:], id.Seq)
	return k
}

func decodeID(k []byte) store.ID {
	return store.ID{MS: binary.BigEndian.Uint64(k), Seq: binary.BigEndian.Uint64(k[8:])}
}

// encodeFields writes a field count and length-prefixed names and values: no reflection, no escaping.
func encodeFields(m map[string]string) []byte {
	n := binary.MaxVarintLen64
	for k, v := range m {
		n += len(k) + len(v) + 2*binary.MaxVarintLen64
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(m)))
	for k, v := range m {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

var errCorruptEntry = errors.New("store: corrupt stream entry")

func decodeFields(b []byte) (map[string]string, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return nil, errCorruptEntry
	}
	b = b[w:]
	m := make(map[string]string, n)
	next := func() (string, bool) {
		l, w := binary.Uvarint(b)
		if w <= 0 || l > uint64(len(b)-w) {
			return "", false
		}
		s := string(b[w : w+int(l)])
		b = b[w+int(l):]
		return s, true
	}
	for range n {
		k, ok1 := next()
		v, ok2 := next()
		if !ok1 || !ok2 {
			return nil, errCorruptEntry
		}
		m[k] = v
	}
	return m, nil
}
