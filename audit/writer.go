package audit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
)

// request is one Record call waiting for its event to be durable.
type request struct {
	ev   Event
	done chan error
}

// writer is the single goroutine that chains events in order and commits them in batches: one
// store Append (one round trip, or one fsync for the embedded store) or one spool fsync per batch.
// While it writes a batch, the next one gathers in its queue (group commit).
type writer struct {
	sink     Sink
	stream   string
	signer   *signer
	ids      *idGen
	spool    *spool
	m        *metrics
	log      zerolog.Logger
	clock    func() time.Time
	max      int
	window   time.Duration
	timeout  time.Duration
	retry    time.Duration
	policy   checkpointPolicy
	head     head
	in       chan *request
	quit     chan struct{}
	done     chan struct{}
	probeReq chan struct{}
	probeRes chan bool
	// after is the stream id of the last entry the sink acknowledged ("" if unknown).
	after string
	// degraded: events go to the spool until it is replayed.
	degraded bool
	// rescan: the sink may hold entries of a failed batch; read them before appending again.
	rescan  bool
	present map[string]bool
	// carry holds chained entries of a batch whose sink write failed without a spool to take
	// them; they go first in the next commit.
	carry   []map[string]string
	probing bool
	// chained counts events chained so far (tests watch it).
	chained atomic.Int64
	// crash makes quit stop at once, like a killed process (tests).
	crash bool
	// more: the spool still holds events after a bounded replay step; continue soon.
	more  bool
	batch []*request
}

// ready is always ready to receive from; select on it to come back at once.
var ready = func() chan time.Time { c := make(chan time.Time); close(c); return c }()

// run is the writer goroutine.
func (w *writer) run() {
	defer close(w.done)
	cp := time.NewTimer(w.untilCheckpoint())
	defer cp.Stop()
	retry := time.NewTimer(w.retry)
	defer retry.Stop()
	for {
		var retryC, moreC <-chan time.Time
		if w.degraded && !w.probing {
			retryC = retry.C
		}
		if w.more {
			moreC = ready
		}
		select {
		case r := <-w.in:
			w.commit(w.gather(r))
		case <-cp.C:
			w.commit(nil)
		case <-retryC:
			w.probing = true
			w.probeReq <- struct{}{}
		case <-moreC:
			w.more = false
			w.replay()
		case ok := <-w.probeRes:
			w.probing = false
			if ok && w.degraded {
				w.replay()
			}
			retry.Reset(w.retry)
		case <-w.quit:
			if w.crash {
				w.spool.close()
				return
			}
			for {
				select {
				case r := <-w.in:
					w.commit(w.gather(r))
					continue
				default:
				}
				break
			}
			cpEv := w.policy.newCheckpoint(true)
			w.write(nil, append(w.carry, w.chainCheckpoint(&cpEv, w.clock())), w.head, w.policy)
			if w.degraded {
				w.log.Warn().Int(fieldSpoolEvents, w.spool.depth()).Msg("audit trail closed with events in the spool; they are replayed on the next start")
			}
			w.spool.close()
			return
		}
		cp.Reset(w.untilCheckpoint())
	}
}

// prober checks the sink when asked, off the writer goroutine, so that a hanging store never
// stalls Record while the spool takes the events.
func (w *writer) prober(ping func(context.Context) error) {
	for {
		select {
		case <-w.probeReq:
		case <-w.done:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
		err := ping(ctx)
		cancel()
		select {
		case w.probeRes <- err == nil:
		case <-w.done:
			return
		}
	}
}

func (w *writer) untilCheckpoint() time.Duration {
	d := w.policy.last.Add(w.policy.interval).Sub(w.clock())
	return max(d, 0)
}

// gather collects a batch: first, whatever is queued, and, while events keep arriving, more for at
// most the batch window. A lone event is committed at once.
func (w *writer) gather(first *request) []*request {
	batch := append(w.batch[:0], first)
	var deadline time.Time
	idle := 0
	for len(batch) < w.max {
		select {
		case r := <-w.in:
			batch = append(batch, r)
			idle = 0
			continue
		default:
		}
		if w.window <= 0 || idle >= 2 {
			break
		}
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(w.window)
		} else if now.After(deadline) {
			break
		}
		idle++
		runtime.Gosched()
	}
	w.batch = batch
	return batch
}

// chainCheckpoint links a checkpoint event at now.
func (w *writer) chainCheckpoint(ev *Event, now time.Time) map[string]string {
	ev.ID = w.ids.next()
	f, h := w.head.link(ev, now, w.signer)
	w.head = h
	w.policy.since, w.policy.last = 0, h.Time
	return f
}

// commit chains the batch (with checkpoints where due; a nil batch is a heartbeat checkpoint) and
// writes it. The requests are answered once their events are durable.
func (w *writer) commit(batch []*request) {
	h0, p0 := w.head, w.policy
	entries := make([]map[string]string, 0, len(w.carry)+len(batch)+1)
	entries = append(entries, w.carry...)
	now := w.clock()
	if len(batch) == 0 {
		cp := w.policy.newCheckpoint(false)
		entries = append(entries, w.chainCheckpoint(&cp, now))
	}
	for _, r := range batch {
		if w.policy.due(now) {
			cp := w.policy.newCheckpoint(false)
			entries = append(entries, w.chainCheckpoint(&cp, now))
		}
		f, h := w.head.link(&r.ev, now, nil)
		w.head = h
		w.policy.since++
		entries = append(entries, f)
	}
	w.chained.Add(int64(len(batch)))
	w.write(batch, entries, h0, p0)
}

// write sends entries to the sink and waits for its acknowledgement (one round trip, or one
// fsync, for the whole group), or, while degraded, writes them to the spool. h0 and p0 are the
// chain state before the batch, restored if it reaches neither. Events arriving meanwhile queue
// for the next group: the writer waits rather than hand the write to another goroutine, which on
// a quiet machine costs more in wake-ups than the overlap gains.
func (w *writer) write(batch []*request, entries []map[string]string, h0 head, p0 checkpointPolicy) {
	if !w.degraded {
		err := w.appendSink(entries)
		if err == nil {
			w.carry, w.present = nil, nil
			w.m.batches.Inc()
			w.m.batchSize.Observe(float64(len(entries)))
			w.answer(batch, nil)
			return
		}
		// The sink may hold part of the batch: the spool takes all of it (replay skips the rest).
		w.toDegraded(err, entries)
		w.answer(batch, w.spoolWrite(entries))
		return
	}
	err := w.spoolWrite(entries)
	if err != nil && len(w.carry) < len(entries) {
		// The batch reached neither the sink nor the spool: the chain goes on from where it was.
		w.head, w.policy = h0, p0
	}
	w.answer(batch, err)
}

// toDegraded switches to the spool after the sink failed with entries, which it may partly hold:
// they stay first in line (the carry) until the spool or the sink takes them.
func (w *writer) toDegraded(err error, entries []map[string]string) {
	w.degraded, w.rescan = true, true
	w.carry = entries
	w.m.degraded.Set(1)
	w.log.Warn().Err(err).Msg("audit store unavailable: events go to the local spool until it is back")
}

func (w *writer) answer(batch []*request, err error) {
	for _, r := range batch {
		r.done <- err
	}
}

// spoolWrite writes entries to the spool; the error wraps ErrUnavailable.
func (w *writer) spoolWrite(entries []map[string]string) error {
	n := len(entries)
	if err := w.spool.write(w.after, entries); err != nil {
		w.m.unavailable.Add(float64(n))
		w.log.Error().Err(err).Msg("audit spool unusable: refusing to record (requests get 503)")
		return fmt.Errorf("%w: store and spool both failed", ErrUnavailable)
	}
	w.carry = nil
	w.m.batches.Inc()
	w.m.batchSize.Observe(float64(n))
	w.m.spooled.Add(float64(n))
	w.setSpoolGauges()
	return nil
}

func (w *writer) setSpoolGauges() {
	w.m.spoolDepth.Set(float64(w.spool.depth()))
	w.m.spoolBytes.Set(float64(w.spool.bytes))
}

// skipPresent drops the entries a failed earlier attempt or an interrupted replay left in the sink.
func (w *writer) skipPresent(entries []map[string]string) ([]map[string]string, error) {
	if w.rescan {
		present, last, err := w.scanPresent()
		if err != nil {
			return nil, err
		}
		w.present, w.after, w.rescan = present, last, false
	}
	if w.present == nil {
		return entries, nil
	}
	kept := entries[:0:0]
	for _, e := range entries {
		if !w.present[e[fID]] {
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// appendSink writes entries to the sink and waits for the acknowledgement (replay).
func (w *writer) appendSink(entries []map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	if sa, ok := w.sink.(idAppender); ok {
		return w.appendAt(ctx, sa, entries)
	}
	send, err := w.skipPresent(entries)
	if err != nil || len(send) == 0 {
		return err
	}
	ids, err := w.sink.Append(ctx, w.stream, send...)
	if err != nil {
		w.rescan = true
		return err
	}
	if len(ids) != len(send) {
		return errors.New("store acknowledged a different number of entries than it was given")
	}
	w.acknowledged(send, ids[len(ids)-1])
	return nil
}

// acknowledged records that the sink holds send, the last of them at stream id last.
func (w *writer) acknowledged(send []map[string]string, last string) {
	w.after = last
	w.m.written.Add(float64(len(send)))
}

// idAppender is the optional ability of a sink (the Redis store) to append entries under ids the
// writer chooses, refusing any at or below the stream's last id, to tell whether the stream has
// lost the entry with id after, and to say what its last id is (see redisstore.Store.AppendAt).
type idAppender interface {
	AppendAt(ctx context.Context, stream, after string, ids []string, entries ...map[string]string) (added []bool, lost bool, err error)
	LastID(ctx context.Context, stream string) (string, error)
}

// appendAt writes send under the stream ids streamIDs gives them after w.after, so that no event
// is ever written twice: a write the writer gave up on (a timeout) may still be executed by Redis
// later, and a client may retry a write whose reply it lost, but Redis refuses an id it has seen
// (refused sorts out what it refused). When the store has lost the events last acknowledged (a
// failover before they were replicated, a restart without persistence), the batch goes after what
// the store has and the gap is logged and counted for veil audit verify to find.
func (w *writer) appendAt(ctx context.Context, sa idAppender, send []map[string]string) error {
	ids, err := streamIDs(w.after, send)
	if err != nil {
		return err
	}
	added, lost, err := sa.AppendAt(ctx, w.stream, w.after, ids, send...)
	if err != nil {
		return err
	}
	if lost {
		w.m.gaps.Inc()
		w.log.Error().Uint64(fieldSeq, seqOf(send[0])).
			Msg("the audit store has lost events it acknowledged (a failover before the last writes were replicated, or a restart without persistence): appending after what it holds, and veil audit verify will report the gap")
	}
	last := ids[len(ids)-1]
	if slices.Contains(added, false) {
		if last, err = w.refused(ctx, sa, send, added); err != nil {
			return err
		}
	}
	w.acknowledged(send, last)
	return nil
}

// refused deals with the events of send that Redis refused (added false): the stream's last id was
// at or above theirs. They are normally in the stream already, written by an earlier try of the
// same events (a write the writer gave up on that Redis executed late, a client's retry, a replay
// after a crash, or an earlier version of Veil, under ids Redis chose), and are found there by
// event id after w.after. Any that are not were refused because something else set the stream's
// last id (a process must be the stream's only writer): they go after it, in order, and the log
// says so. It returns the stream id of the last event written or found.
func (w *writer) refused(ctx context.Context, sa idAppender, send []map[string]string, added []bool) (string, error) {
	present, last, err := w.scanPresent()
	if err != nil {
		return "", err
	}
	var rest []map[string]string
	for i, e := range send {
		if !added[i] && !present[e[fID]] {
			rest = append(rest, e)
		}
	}
	if len(rest) == 0 {
		return last, nil
	}
	top, err := sa.LastID(ctx, w.stream)
	if err != nil {
		return "", err
	}
	ids, err := streamIDs(top, rest)
	if err != nil {
		return "", err
	}
	more, _, err := sa.AppendAt(ctx, w.stream, "", ids, rest...)
	if err != nil {
		return "", err
	}
	if slices.Contains(more, false) {
		return "", errors.New("the audit stream's last id moved while its writer appended: is another process writing to it?")
	}
	w.log.Error().Uint64(fieldSeq, seqOf(rest[0])).Int(fieldEvents, len(rest)).
		Msg("the audit stream's last id was above events it does not hold: appended them after it (is another process writing to the stream?); veil audit verify reports the order if it broke")
	return ids[len(ids)-1], nil
}

// streamIDs returns the stream ids to write send under after the stream id after: each event's own,
// its time in milliseconds and its sequence number, or, where that is not above the id before it,
// the next id after that one. They depend only on after and the events, so a retry or a replay from
// the spool writes each event under the same id, and they are above after even where the stream's
// ids come from a clock ahead of this one (ids Redis chose before this version).
func streamIDs(after string, send []map[string]string) ([]string, error) {
	var prev store.ID
	if after != "" {
		var err error
		if prev, err = store.ParseID(after); err != nil {
			return nil, fmt.Errorf("the audit stream's last id: %w", err)
		}
	}
	ids := make([]string, len(send))
	for i, e := range send {
		t, err := time.Parse(timeLayout, e[fTime])
		seq := seqOf(e)
		if err != nil || seq == 0 {
			return nil, errors.New("an audit entry to write has no valid time and sequence number")
		}
		id := store.ID{MS: uint64(max(t.UnixMilli(), 0)), Seq: seq}
		if id.Compare(prev) <= 0 {
			id = prev.Next()
		}
		ids[i], prev = id.String(), id
	}
	return ids, nil
}

// seqOf is an entry's chain sequence number, 0 if it has none.
func seqOf(e map[string]string) uint64 {
	n, _ := strconv.ParseUint(e[fSeq], 10, 64)
	return n
}

// scanPresent reads the event ids the sink holds after w.after, the entries a failed write or an
// interrupted replay may have left there, and the stream id of the last of them (w.after if none).
func (w *writer) scanPresent() (present map[string]bool, last string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*w.timeout)
	defer cancel()
	from := w.after
	if from == "" {
		from = "-"
	}
	present, last = map[string]bool{}, w.after
	err = scan(ctx, w.sink, w.stream, from, "+", func(e store.Entry) (bool, error) {
		present[e.Fields[fID]] = true
		last = e.ID
		return true, nil
	})
	if err != nil {
		return nil, "", err
	}
	return present, last, nil
}

// replay moves spooled events to the sink in order, a bounded number of batches per call so that
// Record keeps being served; once the spool is empty, events go to the sink directly again.
func (w *writer) replay() {
	const batchesPerCall = 64
	for i := 0; i < batchesPerCall; i++ {
		entries, off, rerr := w.spool.read(w.max)
		if len(entries) > 0 {
			if err := w.appendSink(entries); err != nil {
				w.log.Warn().Err(err).Msg("audit spool replay interrupted; retrying")
				return
			}
			if err := w.spool.advance(off, len(entries)); err != nil {
				w.log.Error().Err(err).Msg("audit spool replay")
				return
			}
			w.m.replayed.Add(float64(len(entries)))
			w.setSpoolGauges()
		}
		if rerr != nil {
			if errors.Is(rerr, errCorruptSpool) {
				lost := w.spool.dropCorrupt()
				w.m.dropped.Add(float64(lost))
				w.log.Error().Err(rerr).Int(fieldLost, lost).Msg("audit spool segment is damaged: set aside as *.corrupt; its remaining events are lost and verify will report the gap")
				w.setSpoolGauges()
				continue
			}
			w.log.Error().Err(rerr).Msg("audit spool replay")
			return
		}
		if w.spool.depth() == 0 {
			break
		}
	}
	if w.spool.depth() > 0 {
		// More to do: come back right after serving what queued meanwhile.
		w.more = true
		return
	}
	for len(w.spool.segs) > 0 {
		if err := w.spool.dropOldest(); err != nil {
			w.log.Error().Err(err).Msg("audit spool replay")
			return
		}
	}
	w.degraded, w.present = false, nil
	w.m.degraded.Set(0)
	w.setSpoolGauges()
	w.log.Info().Msg("audit store is back: spool replayed")
}
