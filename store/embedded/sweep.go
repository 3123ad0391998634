package embedded

import (
	"bytes"
	"encoding/binary"
	"time"

	"go.etcd.io/bbolt"
)

// sweepBatch bounds one sweep transaction.
const sweepBatch = 1000

// Log field names.
const (
	fieldComponent = "component"
	fieldSwept     = "swept"
)

func (s *Store) sweeper() {
	defer s.wg.Done()
	t := time.NewTicker(s.sweep)
	defer t.Stop()
	log := s.log.With().Str(fieldComponent, "store.embedded").Logger()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			n, err := s.sweepExpired()
			if err != nil {
				log.Error().Err(err).Msg("sweeping expired records")
			} else if n > 0 {
				log.Debug().Int(fieldSwept, n).Msg("swept expired records")
			}
		}
	}
}

// sweepExpired deletes every record that has expired by now, in batches, and returns how many.
// It looks in a read transaction first, so an idle sweep costs no write and no fsync.
func (s *Store) sweepExpired() (int, error) {
	due := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket(bucketExpIdx).Cursor().First()
		due = len(k) >= 8 && binary.BigEndian.Uint64(k) <= s.nowMS()
		return nil
	})
	if err != nil || !due {
		return 0, err
	}
	total := 0
	for {
		select {
		case <-s.stop:
			return total, nil
		default:
		}
		n, more := 0, false
		err := s.db.Update(func(tx *bbolt.Tx) error {
			n, more = 0, false
			now := s.nowMS()
			c := tx.Bucket(bucketExpIdx).Cursor()
			var victims [][]byte
			for k, _ := c.First(); k != nil && len(victims) < sweepBatch; k, _ = c.Next() {
				if len(k) < 8 || binary.BigEndian.Uint64(k) > now {
					break
				}
				victims = append(victims, bytes.Clone(k))
			}
			recs := tx.Bucket(bucketRecords)
			for _, k := range victims {
				exp, ck := binary.BigEndian.Uint64(k), k[8:]
				// The index entry is stale if the record was replaced with another expiry.
				if v := recs.Get(ck); v != nil {
					if cur, err := expiryOf(v); err == nil && cur == exp {
						sub, kind, key, ok := splitKey(ck)
						if !ok {
							return errCorrupt
						}
						if err := deleteRecord(tx, ck, sub, kind, key, exp); err != nil {
							return err
						}
						n++
						continue
					}
				}
				if err := tx.Bucket(bucketExpIdx).Delete(k); err != nil {
					return err
				}
			}
			more = len(victims) == sweepBatch
			return nil
		})
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}
