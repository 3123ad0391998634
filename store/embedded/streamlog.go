package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"

	"github.com/veil-privacy/veil/store"
)

// The stream log: stream appends through the journal (journal.go), and their way into bbolt.
//
// Appends are written in groups, each one journal write and fdatasync: the append that finds no
// write in progress writes, itself, the group queued so far, and hands the writing on to the first
// append queued meanwhile. The writer assigns ids and keeps the written entries in memory
// (pending) until the absorber has copied them into bbolt. Range merges pending entries with
// bbolt's, so an acknowledged entry is always visible; TrimBefore and Close absorb first. The
// absorber runs defaultAbsorbDelay after the first new entry, so at a steady rate bbolt commits a
// few times a second rather than once per append, and its fsyncs stay off the appenders' path.

const (
	defaultAbsorbDelay = 50 * time.Millisecond
	// Once the journal is restartSoft long, the absorber is hurried and the journal starts over at
	// the first append that finds everything absorbed; at restartHard, that append absorbs itself.
	// The journal so stays within its first zero-filled chunk.
	restartSoft = 256 << 10
	restartHard = 768 << 10
)

var keyJournalMark = []byte("journal")

type appendReq struct {
	stream  string
	entries []map[string]string
	ids     []string
	done    chan error
}

// errYourTurn, sent to a queued append, makes it the writer of the next group.
var errYourTurn = errors.New("store: write the next group")

// streamLog is the stream appends' state; mu guards pending, which Range and the absorber read too.
type streamLog struct {
	j    *journal
	quit chan struct{} // stops the absorber
	kick chan struct{}
	wg   sync.WaitGroup

	// qmu guards the queue of appends and who writes it; idle is signalled when no one does.
	qmu     sync.Mutex
	idle    sync.Cond
	queue   []*appendReq
	writing bool
	closed  bool

	// The writer's alone (the append whose turn it is to write a group).
	lastIDs map[string]store.ID
	buf     []byte
	group   []*appendReq

	// hurry: the journal is long; absorb at once rather than after the delay.
	hurry atomic.Bool

	mu      sync.Mutex
	pending []journalRecord // journal order; every record of the current epoch

	absorbMu sync.Mutex // one absorption at a time
}

// openStreamLog opens the journal next to the store file and moves what it holds into bbolt.
func (s *Store) openStreamLog(path string, max int64) error {
	var markEpoch, markOff uint64
	err := s.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyJournalMark); len(v) == 16 {
			markEpoch, markOff = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading store journal mark: %w", err)
	}
	j, err := openJournal(path, markEpoch+1, max)
	if err != nil {
		return err
	}
	l := &streamLog{j: j, quit: make(chan struct{}), kick: make(chan struct{}, 1), lastIDs: map[string]store.ID{}}
	l.idle.L = &l.qmu
	s.streams = l
	if err := s.recoverJournal(markEpoch, int64(markOff)); err != nil {
		_ = j.close()
		return err
	}
	l.wg.Add(1)
	go s.absorber()
	return nil
}

// recoverJournal copies into bbolt the records after the mark, then starts a new epoch.
func (s *Store) recoverJournal(markEpoch uint64, markOff int64) error {
	l := s.streams
	from := int64(recordsStart)
	switch {
	case l.j.epoch < markEpoch:
		return fmt.Errorf("store journal (epoch %d) is older than the store file (epoch %d); was one of them restored from a backup?", l.j.epoch, markEpoch)
	case l.j.epoch == markEpoch:
		from = max(markOff, recordsStart)
	}
	const batch = 4096
	var recs []journalRecord
	n := 0
	flush := func() error {
		if len(recs) == 0 {
			return nil
		}
		err := s.db.Update(func(tx *bbolt.Tx) error { return absorbInto(tx, recs) })
		recs, n = recs[:0], 0
		return err
	}
	_, err := l.j.records(from, func(r journalRecord) error {
		recs = append(recs, r)
		if n += len(r.entries); n >= batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("replaying store journal: %w", err)
	}
	return l.j.restart()
}

// absorbInto writes journal records to bbolt with the mark of the last one.
func absorbInto(tx *bbolt.Tx, recs []journalRecord) error {
	if err := putEntries(tx, recs); err != nil {
		return err
	}
	mark := make([]byte, 16)
	binary.BigEndian.PutUint64(mark, recs[len(recs)-1].epoch)
	binary.BigEndian.PutUint64(mark[8:], uint64(recs[len(recs)-1].end))
	return tx.Bucket(bucketMeta).Put(keyJournalMark, mark)
}

// appendLog queues entries and waits until they are durable. If no write is in progress, the
// caller writes the queue itself: a lone append costs its own write and fdatasync and no hand-off
// to another goroutine, and appends that arrive meanwhile share the next one.
func (s *Store) appendLog(ctx context.Context, stream string, entries []map[string]string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l := s.streams
	req := &appendReq{stream: stream, entries: entries, ids: make([]string, len(entries)), done: make(chan error, 1)}
	l.qmu.Lock()
	if l.closed {
		l.qmu.Unlock()
		return nil, errClosed
	}
	l.queue = append(l.queue, req)
	lead := !l.writing
	l.writing = true
	l.qmu.Unlock()
	if lead {
		s.writeGroup()
	}
	// Once queued, the append is waited for even if ctx ends, since it may already be durable.
	for {
		err := <-req.done
		if err == errYourTurn {
			s.writeGroup()
			continue
		}
		if err != nil {
			return nil, err
		}
		return req.ids, nil
	}
}

// writeGroup writes up to maxGroup queued appends as one group and answers them, then passes the
// writing on to the first append queued meanwhile, so that no caller keeps writing for others.
func (s *Store) writeGroup() {
	l := s.streams
	l.qmu.Lock()
	n := min(len(l.queue), maxGroup)
	l.group = append(l.group[:0], l.queue[:n]...)
	l.queue = append(l.queue[:0], l.queue[n:]...)
	l.qmu.Unlock()
	err := s.appendGroup(l.group)
	for _, r := range l.group {
		r.done <- err
	}
	clear(l.group)
	l.qmu.Lock()
	if len(l.queue) == 0 {
		l.writing = false
		l.idle.Broadcast()
		l.qmu.Unlock()
		return
	}
	next := l.queue[0]
	l.qmu.Unlock()
	next.done <- errYourTurn
}

// stopAppends refuses new appends and waits until the queued ones are written.
func (l *streamLog) stopAppends() {
	l.qmu.Lock()
	l.closed = true
	for l.writing {
		l.idle.Wait()
	}
	l.qmu.Unlock()
}

// appendGroup assigns ids to a group of appends, journals them, and hands them to the absorber.
func (s *Store) appendGroup(group []*appendReq) error {
	l := s.streams
	recs := make([]journalRecord, len(group))
	now := s.nowMS()
	for i, r := range group {
		last, err := s.lastID(r.stream)
		if err != nil {
			return err
		}
		entries := make([]pendingEntry, len(r.entries))
		for k, e := range r.entries {
			last = nextID(last, now)
			entries[k] = pendingEntry{id: last, fields: encodeFields(e)}
			r.ids[k] = last.String()
		}
		l.lastIDs[r.stream] = last
		recs[i] = journalRecord{stream: r.stream, entries: entries}
	}
	if err := s.prepareJournal(); err != nil {
		return err
	}
	buf := l.encode(recs)
	if int64(len(buf)) > maxRecord || int64(len(buf)) > l.j.max-recordsStart {
		// Too large for the journal: straight into bbolt (nothing of this batch is pending, and
		// absorbing never lowers a stream's last id, so order with the journal does not matter).
		return s.update(context.Background(), func(tx *bbolt.Tx) error { return putEntries(tx, recs) })
	}
	if !l.j.fits(int64(len(buf))) {
		if err := s.startOver(); err != nil {
			return err
		}
		buf = l.encode(recs) // the epoch changed, and with it the CRCs and offsets
	}
	if err := l.j.write(buf); err != nil {
		return err
	}
	l.mu.Lock()
	first := len(l.pending) == 0
	l.pending = append(l.pending, recs...)
	l.mu.Unlock()
	if first { // otherwise the absorber already has a round planned
		l.wake()
	}
	return nil
}

// wake tells the absorber there is work (a wake-up already pending covers it).
func (l *streamLog) wake() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// encode writes recs as journal records at the journal's offset, setting their end offsets.
func (l *streamLog) encode(recs []journalRecord) []byte {
	buf := l.buf[:0]
	for i := range recs {
		buf = appendRecord(buf, l.j.epoch, recs[i].stream, recs[i].entries)
		recs[i].epoch, recs[i].end = l.j.epoch, l.j.off+int64(len(buf))
	}
	if cap(buf) <= 1<<20 {
		l.buf = buf
	}
	return buf
}

// prepareJournal starts a new epoch before a write when the journal is broken (it must) or long
// (so that it stays small). A new epoch needs everything absorbed; a long journal hurries the
// absorber and waits for it only past restartHard.
func (s *Store) prepareJournal() error {
	l := s.streams
	if !l.j.broken && l.j.off < restartSoft {
		return nil
	}
	l.mu.Lock()
	pending := len(l.pending) > 0
	l.mu.Unlock()
	if pending && !l.j.broken && l.j.off < restartHard {
		l.hurry.Store(true)
		l.wake()
		return nil
	}
	return s.startOver()
}

// startOver moves everything pending into bbolt and begins the journal's next epoch.
func (s *Store) startOver() error {
	l := s.streams
	if err := s.absorb(context.Background()); err != nil {
		return fmt.Errorf("%w: %w", errJournalTooSlow, err)
	}
	if err := l.j.restart(); err != nil {
		l.j.broken = true
		return err
	}
	l.hurry.Store(false)
	return nil
}

// lastID is the last id given out in a stream, read from bbolt the first time.
func (s *Store) lastID(stream string) (store.ID, error) {
	if id, ok := s.streams.lastIDs[stream]; ok {
		return id, nil
	}
	var id store.ID
	err := s.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketLastIDs).Get([]byte(stream)); len(v) == 16 {
			id = decodeID(v)
		}
		return nil
	})
	if err != nil {
		return id, fmt.Errorf("reading stream's last id: %w", err)
	}
	s.streams.lastIDs[stream] = id
	return id, nil
}

// putEntries writes records' entries to bbolt and raises their streams' last ids (never lowers
// them: a large batch may have gone to bbolt directly while earlier entries were still pending).
func putEntries(tx *bbolt.Tx, recs []journalRecord) error {
	streams, lastIDs := tx.Bucket(bucketStreams), tx.Bucket(bucketLastIDs)
	for _, r := range recs {
		b, err := streams.CreateBucketIfNotExists([]byte(r.stream))
		if err != nil {
			return err
		}
		for _, e := range r.entries {
			if err := b.Put(encodeID(e.id), e.fields); err != nil {
				return err
			}
		}
		last := r.entries[len(r.entries)-1].id
		if v := lastIDs.Get([]byte(r.stream)); len(v) == 16 && decodeID(v).Compare(last) >= 0 {
			continue
		}
		if err := lastIDs.Put([]byte(r.stream), encodeID(last)); err != nil {
			return err
		}
	}
	return nil
}

// absorber copies pending entries into bbolt, s.absorbDelay after the first of them arrived (or
// at once when the journal is long), for as long as there are any.
func (s *Store) absorber() {
	l := s.streams
	defer l.wg.Done()
	t := time.NewTimer(s.absorbDelay)
	t.Stop()
	for {
		l.mu.Lock()
		idle := len(l.pending) == 0
		l.mu.Unlock()
		if idle {
			select {
			case <-l.quit:
				return
			case <-l.kick:
			}
		}
		if !l.hurry.Load() {
			t.Reset(s.absorbDelay)
		wait:
			for {
				select {
				case <-l.quit:
					t.Stop()
					return
				case <-t.C:
					break wait
				case <-l.kick:
					if l.hurry.Load() {
						t.Stop()
						break wait
					}
				}
			}
		}
		// On failure the entries stay pending (and journaled): the next round retries.
		if err := s.absorb(context.Background()); err != nil {
			s.log.Error().Err(err).Str(fieldComponent, "store.embedded").Msg("moving journaled stream entries into the store file; retrying")
		}
	}
}

// absorb moves every pending entry into bbolt in one transaction.
func (s *Store) absorb(ctx context.Context) error {
	l := s.streams
	l.absorbMu.Lock()
	defer l.absorbMu.Unlock()
	l.mu.Lock()
	recs := l.pending[:len(l.pending):len(l.pending)]
	l.mu.Unlock()
	if len(recs) == 0 {
		return nil
	}
	if err := s.update(ctx, func(tx *bbolt.Tx) error { return absorbInto(tx, recs) }); err != nil {
		return err
	}
	l.mu.Lock()
	l.pending = append([]journalRecord(nil), l.pending[len(recs):]...)
	l.mu.Unlock()
	return nil
}

// pendingRange returns the pending entries of stream with lo <= id <= hi, in id order, at most
// limit of them (limit <= 0: all).
func (l *streamLog) pendingRange(stream string, lo, hi store.ID, limit int) []pendingEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []pendingEntry
	for _, r := range l.pending {
		if r.stream != stream {
			continue
		}
		for _, e := range r.entries {
			if e.id.Compare(lo) < 0 || e.id.Compare(hi) > 0 {
				continue
			}
			if limit > 0 && len(out) >= limit {
				return out
			}
			out = append(out, e)
		}
	}
	return out
}

// closeLog stops the appends and the absorber, moves what is pending into bbolt and closes the
// journal. The committer must still be running.
func (s *Store) closeLog() error {
	l := s.streams
	l.stopAppends()
	close(l.quit)
	l.wg.Wait()
	err := s.absorb(context.Background())
	if cerr := l.j.close(); err == nil {
		err = cerr
	}
	return err
}
