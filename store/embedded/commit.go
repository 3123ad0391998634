package embedded

import (
	"context"
	"errors"

	"go.etcd.io/bbolt"
)

// Group commit. bbolt serializes writers and fsyncs each transaction, so one write per
// transaction caps the store at one write per fsync. Writers instead hand their change to a
// single committer goroutine, which applies everything queued so far in one transaction: a lone
// writer waits for nothing but its own fsync, and concurrent writers share one.

// maxGroup bounds how many writes share a transaction.
const maxGroup = 256

// errClosed is returned for writes after Close.
var errClosed = errors.New("store: closed")

type writeReq struct {
	// fn applies the write. It may run twice (again alone, if another write in its group failed),
	// so it must set its results afresh each time. It returns an error only for real failures:
	// expected outcomes such as "not found" are results, since an error rolls back the group.
	fn   func(*bbolt.Tx) error
	done chan error
}

// update runs fn in a write transaction, possibly shared with other writers, and waits for the
// commit. Once queued, the write is waited for even if ctx ends, since it may already be durable.
func (s *Store) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-s.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.done
}

func (s *Store) committer() {
	defer s.wg.Done()
	group := make([]*writeReq, 0, maxGroup)
	for {
		select {
		case <-s.stop:
			return
		case req := <-s.writes:
			group = append(group[:0], req)
		}
	drain:
		for len(group) < maxGroup {
			select {
			case req := <-s.writes:
				group = append(group, req)
			default:
				break drain
			}
		}
		s.commit(group)
	}
}

func (s *Store) commit(group []*writeReq) {
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, r := range group {
			if err := r.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(group) == 1 {
		for _, r := range group {
			r.done <- err
		}
		return
	}
	// One write failed and took the group down with it: redo each alone so only it fails.
	for _, r := range group {
		r.done <- s.db.Update(r.fn)
	}
}
