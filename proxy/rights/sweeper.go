package rights

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// sweptKinds are the record kinds Veil writes with a retention: their expiry is audited. Data
// keys (vault.key) never expire; confirmations (rights.confirm) live minutes and hold nothing
// but the question.
var sweptKinds = []string{vault.KindToken, vault.KindIndex, consent.KindState, consent.KindLog, KindRequest, KindTranscript}

// Records of the sweeper itself, under the reserved subject "_rights".
const (
	systemSubject = "_rights"
	// kindLease is the sweeper lease: one replica sweeps at a time.
	kindLease = "rights.lease"
	leaseKey  = "sweeper"
	// kindErased marks a subject erased recently (keyed by a hash of its id), so that the sweeper
	// does not count the records an erasure deleted as expired.
	kindErased = "rights.erased"
)

// maxTracked bounds the records the sweeper follows one by one; beyond it, records are counted
// in per-interval buckets without checking they really went (an extended TTL is then counted).
const maxTracked = 200_000

// Sweeper enforces retention on either store backend and accounts for it in the audit trail.
//
// Both backends delete an expired record on their own (Redis by TTL, bbolt by its sweeper), and
// neither can say what it deleted. So the sweeper looks ahead: every scan_interval (default 24h)
// it walks each kind Veil writes with a retention (sweptKinds) once and notes the records that
// will expire before the following scan. Every sweep_interval (default 1h) it settles the noted
// records whose expiry has passed: a Get that finds nothing means the record is gone (counted);
// one found with a later expiry was extended (followed again, or left to the next scan); one
// whose subject was just erased was already accounted for by subject.erased. The counts go into
// one retention.expired event per sweep (outcome "expired"), by kind, never naming a subject.
//
// So the keyspace is walked once a day, not once an hour; a Get per expiring record is the
// hourly cost. Records created and expired between two scans (TTLs under scan_interval) are
// deleted but not counted: set scan_interval no longer than the shortest retention to count
// them all. Memory is bounded by maxTracked; beyond it records are counted by hour of expiry.
//
// Each scan also notes the register's open requests and their deadlines (kept current between
// scans by the service's own writes); every pass it holds the lease for sets the open and overdue
// gauges (Service.Collectors) from them.
//
// With conversation_retention_days set, each scan also deletes stored conversations (kind
// "transcript") whose last message is older than that: audited first, as retention.expired with
// outcome "deleted". A conversation is so deleted at most scan_interval late.
//
// The audit stream is never touched: it has its own, longer retention (audit.retention_days).
// Several replicas may run a Sweeper: a lease in the store lets one sweep at a time.
type Sweeper struct {
	cfg  Config
	st   Store
	aud  Auditor
	log  zerolog.Logger
	now  func() time.Time
	id   string
	pass sync.Mutex // one pass at a time

	tracked  map[trackKey]time.Time
	buckets  map[int64]map[string]int // unix second of a sweep boundary → kind → count (overflow)
	unsent   map[string]int           // expiry counts whose audit event failed: sent with the next
	nextScan time.Time

	gauges *gauges
	reqMu  sync.Mutex
	open   map[trackKey]time.Time // open register entries → deadline (rebuilt by each scan)

	startOnce, stopOnce sync.Once
	stop                chan struct{}
	done                chan struct{}
}

type trackKey struct{ subject, kind, key string }

// Report is what one pass did.
type Report struct {
	// Held is false when another replica holds the lease: the pass did nothing.
	Held bool
	// Scanned is true when the pass walked the kinds.
	Scanned bool
	// Expired counts, by kind, records found gone since the previous pass.
	Expired map[string]int
	// Deleted counts, by kind, records deleted by conversation retention.
	Deleted map[string]int
	// Tracked is how many records the sweeper follows until their expiry.
	Tracked int
	// Open and Overdue count the register's open requests and those past their deadline.
	Open, Overdue int
}

// NewSweeper returns a sweeper over st; cfg must have been validated. Service.Sweeper returns one
// wired to the service's erasures.
func NewSweeper(cfg Config, st Store, aud Auditor, log zerolog.Logger, now func() time.Time) *Sweeper {
	if now == nil {
		now = time.Now
	}
	return &Sweeper{cfg: cfg, st: st, aud: aud, log: log,
		now: now, id: newID(), tracked: map[trackKey]time.Time{}, buckets: map[int64]map[string]int{},
		unsent: map[string]int{}, stop: make(chan struct{}), done: make(chan struct{}),
		gauges: newGauges(), open: map[trackKey]time.Time{}}
}

// Start runs a pass now and then every sweep_interval, until Stop or ctx is done.
func (w *Sweeper) Start(ctx context.Context) {
	w.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(ctx)
		go func() {
			<-w.stop
			cancel()
		}()
		go w.run(ctx)
	})
}

// Stop ends the sweeps and waits for a running pass to finish. Safe to call without Start.
func (w *Sweeper) Stop() {
	w.stopOnce.Do(func() { close(w.stop) })
	started := true
	w.startOnce.Do(func() { started = false })
	if started {
		<-w.done
	}
}

func (w *Sweeper) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(w.cfg.SweepInterval)
	defer t.Stop()
	for {
		if rep, err := w.Pass(ctx); err != nil && ctx.Err() == nil {
			w.log.Error().AnErr(fieldError, err).Msg("retention sweep failed; retrying next interval")
		} else if rep.Held {
			w.log.Debug().Int(fieldCount, sum(rep.Expired)+sum(rep.Deleted)).Bool(fieldScanned, rep.Scanned).Int(fieldTracked, rep.Tracked).Msg("retention sweep")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass runs one sweep: take the lease, settle what expired, and when a scan is due apply
// conversation retention and note what expires before the next scan.
func (w *Sweeper) Pass(ctx context.Context) (Report, error) {
	w.pass.Lock()
	defer w.pass.Unlock()
	rep := Report{Expired: map[string]int{}, Deleted: map[string]int{}}
	held, err := w.lease(ctx)
	if err != nil || !held {
		if !held {
			// Another replica sweeps; what we followed is its business now.
			clear(w.tracked)
			clear(w.buckets)
			w.nextScan = time.Time{}
		}
		return rep, err
	}
	rep.Held = true
	now := w.now()
	var errs []error
	errs = append(errs, w.settle(ctx, now, rep.Expired))
	if !now.Before(w.nextScan) {
		rep.Scanned = true
		errs = append(errs, w.scan(ctx, now, rep.Deleted))
	}
	errs = append(errs, w.report(ctx, rep.Expired))
	rep.Tracked = len(w.tracked)
	rep.Open, rep.Overdue = w.countOpen(now)
	w.gauges.set(rep.Open, rep.Overdue)
	return rep, errors.Join(errs...)
}

// lease reports whether this sweeper holds (or has just taken) the sweeping lease.
func (w *Sweeper) lease(ctx context.Context) (bool, error) {
	rec := store.Record{Subject: systemSubject, Kind: kindLease, Key: leaseKey, Value: []byte(w.id),
		ExpiresAt: w.now().Add(3 * w.cfg.SweepInterval)}
	cur, err := w.st.Get(ctx, systemSubject, kindLease, leaseKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ok, err := w.st.PutIfAbsent(ctx, rec)
		if err != nil {
			return false, fmt.Errorf("taking the sweeper lease: %w", err)
		}
		return ok, nil
	case err != nil:
		return false, fmt.Errorf("reading the sweeper lease: %w", err)
	case string(cur.Value) != w.id:
		return false, nil
	}
	if err := w.st.Put(ctx, rec); err != nil {
		return false, fmt.Errorf("renewing the sweeper lease: %w", err)
	}
	return true, nil
}

// settle counts the followed records whose expiry has passed and that are gone.
func (w *Sweeper) settle(ctx context.Context, now time.Time, expired map[string]int) error {
	erased := map[string]bool{}
	for k, exp := range w.tracked {
		if exp.After(now) {
			continue
		}
		rec, err := w.st.Get(ctx, k.subject, k.kind, k.key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			delete(w.tracked, k)
			gone, ok := erased[k.subject]
			if !ok {
				if gone, err = w.wasErased(ctx, k.subject); err != nil {
					return err
				}
				erased[k.subject] = gone
			}
			if !gone {
				expired[k.kind]++
			}
		case err != nil:
			return fmt.Errorf("settling expired records: %w", err)
		case rec.ExpiresAt.IsZero() || !rec.ExpiresAt.Before(w.nextScan):
			delete(w.tracked, k) // extended past the next scan, which will see it again
		default:
			w.tracked[k] = rec.ExpiresAt
		}
	}
	for end, counts := range w.buckets {
		if end > now.Unix() {
			continue
		}
		for kind, n := range counts {
			expired[kind] += n
		}
		delete(w.buckets, end)
	}
	return nil
}

// scan walks the swept kinds once: it deletes conversations past their retention and notes the
// records that expire before the scan after this one.
func (w *Sweeper) scan(ctx context.Context, now time.Time, deleted map[string]int) error {
	horizon := now.Add(w.cfg.ScanInterval)
	var cutoff time.Time
	if w.cfg.ConversationRetentionDays > 0 {
		cutoff = now.Add(-days(w.cfg.ConversationRetentionDays))
	}
	var old []trackKey
	open := map[trackKey]time.Time{}
	for _, kind := range sweptKinds {
		err := w.st.Walk(ctx, kind, func(r store.Record) error {
			if strings.HasPrefix(r.Subject, "_") {
				return nil
			}
			if kind == KindRequest {
				var req Request
				if json.Unmarshal(r.Value, &req) == nil && req.Status == StatusReceived {
					open[trackKey{r.Subject, r.Kind, r.Key}] = req.Deadline
				}
			}
			if kind == KindTranscript && !cutoff.IsZero() {
				if t, err := ParseTranscript(r.Value); err == nil && t.LastActivity().Before(cutoff) {
					old = append(old, trackKey{r.Subject, r.Kind, r.Key})
					return nil
				}
			}
			if !r.ExpiresAt.IsZero() && !r.ExpiresAt.After(horizon) {
				w.follow(trackKey{r.Subject, r.Kind, r.Key}, r.ExpiresAt, now)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("scanning %s records: %w", kind, err)
		}
	}
	w.nextScan = horizon
	w.reqMu.Lock()
	w.open = open
	w.reqMu.Unlock()
	if len(old) == 0 {
		return nil
	}
	// Audited before anything is deleted; on failure nothing is, and the next scan tries again.
	if err := w.record(ctx, map[string]int{KindTranscript: len(old)}, "deleted"); err != nil {
		return err
	}
	for _, k := range old {
		delete(w.tracked, k)
		switch err := w.st.Delete(ctx, k.subject, k.kind, k.key); {
		case err == nil:
			deleted[k.kind]++
		case !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("deleting an old conversation: %w", err)
		}
	}
	return nil
}

// follow notes a record to settle once it has expired.
func (w *Sweeper) follow(k trackKey, exp, now time.Time) {
	if _, ok := w.tracked[k]; ok || len(w.tracked) < maxTracked {
		w.tracked[k] = exp
		return
	}
	step := w.cfg.SweepInterval
	n := (exp.Sub(now) + step - 1) / step
	end := now.Add(n * step).Unix()
	if w.buckets[end] == nil {
		w.buckets[end] = map[string]int{}
	}
	w.buckets[end][k.kind]++
}

// report audits the pass's expiry counts; counts whose event could not be written are carried to
// the next pass rather than lost. (Deletions are audited before they happen, in scan.)
func (w *Sweeper) report(ctx context.Context, expired map[string]int) error {
	for kind, n := range w.unsent {
		expired[kind] += n
	}
	clear(w.unsent)
	if len(expired) == 0 {
		return nil
	}
	if err := w.record(ctx, expired, "expired"); err != nil {
		for kind, n := range expired {
			w.unsent[kind] += n
		}
		return err
	}
	return nil
}

func (w *Sweeper) record(ctx context.Context, counts map[string]int, outcome string) error {
	if w.aud == nil {
		return nil
	}
	if err := w.aud.Record(ctx, audit.Event{Type: audit.RetentionExpired, Route: "veil", Actions: counts, Outcome: outcome}); err != nil {
		return fmt.Errorf("recording retention: %w", err)
	}
	return nil
}

// markErased notes that the subject is being erased, for as long as the sweeper may still follow
// its records.
func (w *Sweeper) markErased(ctx context.Context, subject string) error {
	err := w.st.Put(ctx, store.Record{Subject: systemSubject, Kind: kindErased, Key: erasedKey(subject), Value: []byte{1},
		ExpiresAt: w.now().Add(w.cfg.ScanInterval + 2*w.cfg.SweepInterval)})
	if err != nil {
		return fmt.Errorf("marking erasure: %w", err)
	}
	return nil
}

func (w *Sweeper) wasErased(ctx context.Context, subject string) (bool, error) {
	_, err := w.st.Get(ctx, systemSubject, kindErased, erasedKey(subject))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading erasure marker: %w", err)
	}
	return true, nil
}

// erasedKey names a subject in an erasure marker without storing its id.
func erasedKey(subject string) string {
	s := sha256.Sum256([]byte("veil rights erased v1\x00" + subject))
	return hex.EncodeToString(s[:])
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
