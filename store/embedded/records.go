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

// A stored record value is a version byte, the expiry in Unix milliseconds (big-endian, 0 = never)
// and the value itself.
const (
	valueVersion = 1
	headerLen    = 9
	walkBatch    = 256
)

var errCorrupt = errors.New("store: corrupt record")

// Put creates or replaces a record.
func (s *Store) Put(ctx context.Context, r store.Record) error {
	if err := store.CheckRecordID(r.Subject, r.Kind); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		_, err := s.put(tx, r, false)
		return err
	})
}

// PutIfAbsent creates a record unless a live one exists; bbolt's single writer makes it atomic.
func (s *Store) PutIfAbsent(ctx context.Context, r store.Record) (bool, error) {
	if err := store.CheckRecordID(r.Subject, r.Kind); err != nil {
		return false, err
	}
	var wrote bool
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		wrote, err = s.put(tx, r, true)
		return err
	})
	return wrote, err
}

func (s *Store) put(tx *bbolt.Tx, r store.Record, ifAbsent bool) (bool, error) {
	recs := tx.Bucket(bucketRecords)
	ck := compositeKey(r.Subject, r.Kind, r.Key)
	if old := recs.Get(ck); old != nil {
		oldExp, err := expiryOf(old)
		if err != nil {
			return false, err
		}
		if ifAbsent && live(oldExp, s.nowMS()) {
			return false, nil
		}
		if oldExp != 0 {
			if err := tx.Bucket(bucketExpIdx).Delete(expKey(oldExp, ck)); err != nil {
				return false, err
			}
		}
	}
	exp := expiryMS(r.ExpiresAt)
	val := make([]byte, headerLen+len(r.Value))
	val[0] = valueVersion
	binary.BigEndian.PutUint64(val[1:], exp)
	copy(val[headerLen:], r.Value)
	if err := recs.Put(ck, val); err != nil {
		return false, err
	}
	if err := tx.Bucket(bucketKindIdx).Put(compositeKey(r.Kind, r.Subject, r.Key), nil); err != nil {
		return false, err
	}
	if exp != 0 {
		if err := tx.Bucket(bucketExpIdx).Put(expKey(exp, ck), nil); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Get returns a live record or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, subject, kind, key string) (store.Record, error) {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return store.Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Record{}, err
	}
	rec := store.Record{Subject: subject, Kind: kind, Key: key}
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketRecords).Get(compositeKey(subject, kind, key))
		if v == nil {
			return store.ErrNotFound
		}
		ok, err := decodeInto(&rec, v, s.nowMS())
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return store.Record{}, err
	}
	return rec, nil
}

// GetMany returns the live record of each key, in order (the zero Record where there is none),
// read in one transaction.
func (s *Store) GetMany(ctx context.Context, subject, kind string, keys []string) ([]store.Record, error) {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]store.Record, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	now := s.nowMS()
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		for i, key := range keys {
			v := b.Get(compositeKey(subject, kind, key))
			if v == nil {
				continue
			}
			rec := store.Record{Subject: subject, Kind: kind, Key: key}
			ok, err := decodeInto(&rec, v, now)
			if err != nil {
				return err
			}
			if ok {
				out[i] = rec
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List returns a subject's live records of one kind ("" for all), ordered by kind then key.
func (s *Store) List(ctx context.Context, subject, kind string) ([]store.Record, error) {
	if err := store.CheckSubject(subject); err != nil {
		return nil, err
	}
	if err := store.CheckKind(kind, true); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prefix := append([]byte(subject), 0)
	if kind != "" {
		prefix = append(append(prefix, kind...), 0)
	}
	var out []store.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		now := s.nowMS()
		c := tx.Bucket(bucketRecords).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			sub, kd, key, ok := splitKey(k)
			if !ok {
				return errCorrupt
			}
			r := store.Record{Subject: sub, Kind: kd, Key: key}
			live, err := decodeInto(&r, v, now)
			if err != nil {
				return err
			}
			if live {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes one record; store.ErrNotFound if there was no live one.
func (s *Store) Delete(ctx context.Context, subject, kind, key string) error {
	if err := store.CheckRecordID(subject, kind); err != nil {
		return err
	}
	found := false
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		found = false
		ck := compositeKey(subject, kind, key)
		v := tx.Bucket(bucketRecords).Get(ck)
		if v == nil {
			return nil
		}
		exp, err := expiryOf(v)
		if err != nil {
			return err
		}
		found = live(exp, s.nowMS())
		return deleteRecord(tx, ck, subject, kind, key, exp)
	})
	if err != nil {
		return err
	}
	if !found {
		return store.ErrNotFound
	}
	return nil
}

// DeleteSubject removes every record of a subject (expired ones too) and returns how many were live.
func (s *Store) DeleteSubject(ctx context.Context, subject string) (int, error) {
	if err := store.CheckSubject(subject); err != nil {
		return 0, err
	}
	prefix := append([]byte(subject), 0)
	n := 0
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		now := s.nowMS()
		type victim struct {
			ck  []byte
			exp uint64
		}
		var victims []victim
		c := tx.Bucket(bucketRecords).Cursor()
		// Collect first: deleting under a bbolt cursor can skip the next key.
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			exp, err := expiryOf(v)
			if err != nil {
				return err
			}
			victims = append(victims, victim{bytes.Clone(k), exp})
		}
		for _, vi := range victims {
			sub, kind, key, ok := splitKey(vi.ck)
			if !ok {
				return errCorrupt
			}
			if err := deleteRecord(tx, vi.ck, sub, kind, key, vi.exp); err != nil {
				return err
			}
			if live(vi.exp, now) {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Walk calls fn for every live record of kind across subjects. fn runs outside any transaction, in
// batches, so it may write to the store (a bbolt writer waiting on the caller's own reader would
// deadlock when the file grows).
func (s *Store) Walk(ctx context.Context, kind string, fn func(store.Record) error) error {
	if err := store.CheckKind(kind, false); err != nil {
		return err
	}
	prefix := append([]byte(kind), 0)
	after := prefix
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var batch []store.Record
		var last []byte
		err := s.db.View(func(tx *bbolt.Tx) error {
			now := s.nowMS()
			recs := tx.Bucket(bucketRecords)
			c := tx.Bucket(bucketKindIdx).Cursor()
			k, _ := c.Seek(after)
			if !first && k != nil && bytes.Equal(k, after) {
				k, _ = c.Next()
			}
			for ; k != nil && bytes.HasPrefix(k, prefix) && len(batch) < walkBatch; k, _ = c.Next() {
				last = bytes.Clone(k)
				_, sub, key, ok := splitKey(k)
				if !ok {
					return errCorrupt
				}
				v := recs.Get(compositeKey(sub, kind, key))
				if v == nil {
					continue
				}
				r := store.Record{Subject: sub, Kind: kind, Key: key}
				ok, err := decodeInto(&r, v, now)
				if err != nil {
					return err
				}
				if ok {
					batch = append(batch, r)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
		if last == nil {
			return nil
		}
		after, first = last, false
	}
}

func deleteRecord(tx *bbolt.Tx, ck []byte, subject, kind, key string, exp uint64) error {
	if err := tx.Bucket(bucketRecords).Delete(ck); err != nil {
		return err
	}
	if err := tx.Bucket(bucketKindIdx).Delete(compositeKey(kind, subject, key)); err != nil {
		return err
	}
	if exp != 0 {
		return tx.Bucket(bucketExpIdx).Delete(expKey(exp, ck))
	}
	return nil
}

// compositeKey joins three parts with NUL; the first two never contain NUL.
func compositeKey(a, b, c string) []byte {
	k := make([]byte, 0, len(a)+len(b)+len(c)+2)
	k = append(k, a...)
	k = append(k, 0)
	k = append(k, b...)
	k = append(k, 0)
	return append(k, c...)
}

func splitKey(k []byte) (a, b, c string, ok bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return "", "", "", false
	}
	j := bytes.IndexByte(k[i+1:], 0)
	if j < 0 {
		return "", "", "", false
	}
	j += i + 1
	return string(k[:i]), string(k[i+1 : j]), string(k[j+1:]), true
}

func expKey(exp uint64, ck []byte) []byte {
	k := make([]byte, 8+len(ck))
	binary.BigEndian.PutUint64(k, exp)
	copy(k[8:], ck)
	return k
}

// expiryMS is the stored form of ExpiresAt: 0 for never, at least 1 for any set time (a time before
// the epoch has long passed).
func expiryMS(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	if ms := t.UnixMilli(); ms > 0 {
		return uint64(ms)
	}
	return 1
}

func live(exp, now uint64) bool { return exp == 0 || now < exp }

func expiryOf(v []byte) (uint64, error) {
	if len(v) < headerLen || v[0] != valueVersion {
		return 0, errCorrupt
	}
	return binary.BigEndian.Uint64(v[1:]), nil
}

// decodeInto fills r's value and expiry from a stored value (copied: bbolt's bytes live only as long
// as the transaction) and reports whether the record is live at now.
func decodeInto(r *store.Record, v []byte, now uint64) (bool, error) {
	exp, err := expiryOf(v)
	if err != nil {
		return false, err
	}
	if !live(exp, now) {
		return false, nil
	}
	if exp != 0 {
		r.ExpiresAt = time.UnixMilli(int64(exp)).UTC()
	}
	r.Value = bytes.Clone(v[headerLen:])
	if r.Value == nil {
		r.Value = []byte{}
	}
	return true, nil
}
