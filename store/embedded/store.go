package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/veil-privacy/veil/store"
)

// FileName is the store's file inside Veil's data directory.
const FileName = "veil.db"

// Layout. Records live in one bucket under the composite key subject\x00kind\x00key rather than in
// one bucket per subject: a subject's records are still one contiguous key range (List and
// DeleteSubject are a single seek and scan, and the key order is List's order), without the page and
// bookkeeping overhead of millions of tiny nested buckets. Subjects and kinds may not contain NUL,
// so the first two NULs split a composite key unambiguously and "a\x00" sorts before "ab\x00". Two
// secondary indexes keep the other access paths from scanning every record: kindIdx
// (kind\x00subject\x00key) for Walk, and expIdx (expiry ms, big-endian, then the composite key) so the
// sweeper reads only what has expired. Each stream is a nested bucket keyed by the 16-byte big-endian
// id, so byte order is id order; lastIDs keeps each stream's last id so ids keep increasing after a
// trim emptied the stream or the clock went backwards. Stream appends reach these buckets through
// the journal (journal.go, streamlog.go); meta keeps how much of the journal bbolt holds.
var (
	bucketRecords = []byte("records")
	bucketKindIdx = []byte("kind_idx")
	bucketExpIdx  = []byte("exp_idx")
	bucketStreams = []byte("streams")
	bucketLastIDs = []byte("stream_last_ids")
	bucketMeta    = []byte("meta")
)

// Store is the embedded backend. It is safe for concurrent use. Each write is fsynced before it
// returns; concurrent writes share a transaction and its fsync (see commit.go).
type Store struct {
	db    *bbolt.DB
	now   func() time.Time
	log   zerolog.Logger
	sweep time.Duration

	journalMax  int64
	absorbDelay time.Duration
	streams     *streamLog

	writes    chan *writeReq
	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Option adjusts Open.
type Option func(*Store)

// WithClock replaces time.Now for expiry and stream ids, so tests can move time without sleeping.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithSweepInterval sets how often expired records are deleted from disk (default 1m); 0 disables
// the sweeper. Expired records are never returned either way.
func WithSweepInterval(d time.Duration) Option { return func(s *Store) { s.sweep = d } }

// WithJournalSize caps the stream journal's file (default 64 MiB); tests use small ones.
func WithJournalSize(n int64) Option {
	return func(s *Store) { s.journalMax = max(n, recordsStart+4096) }
}

// WithLogger sets where the sweeper reports failures.
func WithLogger(l zerolog.Logger) Option { return func(s *Store) { s.log = l } }

// Open opens or creates the store file at path (mode 0600) and its stream journal (path +
// ".journal"), moves into the store file what the journal kept from before a crash, and starts
// the expiry sweeper.
// Only one process may have the file open; Open waits up to 10 seconds for another to let go.
func Open(path string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now, log: zerolog.Nop(), sweep: store.DefaultSweepInterval, journalMax: journalMaxBytes,
		absorbDelay: defaultAbsorbDelay,
		writes:      make(chan *writeReq), stop: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      10 * time.Second,
		NoSync:       false,
		FreelistType: bbolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("opening store file: another process holds it: %w", err)
		}
		return nil, fmt.Errorf("opening store file: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("restricting store file permissions: %w", err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketRecords, bucketKindIdx, bucketExpIdx, bucketStreams, bucketLastIDs, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("creating store buckets: %w", err)
	}
	s.db = db
	s.wg.Add(1)
	go s.committer()
	if err := s.openStreamLog(path+journalSuffix, s.journalMax); err != nil {
		close(s.stop)
		s.wg.Wait()
		_ = db.Close()
		return nil, err
	}
	if s.sweep > 0 {
		s.wg.Add(1)
		go s.sweeper()
	}
	return s, nil
}

// InProcess reports that reads are served in this process, without a network round trip, so
// callers gain nothing by overlapping them with other work.
func (s *Store) InProcess() bool { return true }

// Ping reports whether the store file is open.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(*bbolt.Tx) error { return nil })
}

// Close moves journaled stream entries into the store file, stops the sweeper and closes the
// files. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		err := s.closeLog()
		close(s.stop)
		s.wg.Wait()
		if cerr := s.db.Close(); err == nil {
			err = cerr
		}
		s.closeErr = err
	})
	return s.closeErr
}

func (s *Store) nowMS() uint64 {
	ms := s.now().UnixMilli()
	if ms < 0 {
		return 0
	}
	return uint64(ms)
}

var _ store.Store = (*Store)(nil)
