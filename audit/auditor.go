package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
)

// ErrUnavailable is returned by Record when the event could be written neither to the store nor to
// the spool. Veil then refuses the request (503) instead of processing it unrecorded.
var ErrUnavailable = errors.New("audit trail unavailable")

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit trail closed")

// Sink is the part of a store the trail is written through: store.Store's stream methods.
type Sink interface {
	Reader
	Append(ctx context.Context, stream string, entries ...map[string]string) ([]string, error)
	TrimBefore(ctx context.Context, stream string, t time.Time) (int, error)
}

// pinger is the optional readiness check of a sink (store.Store has it).
type pinger interface {
	Ping(ctx context.Context) error
}

// Options are what New needs besides the configuration.
type Options struct {
	// DataDir is Veil's data directory: the default spool and generated keys live there.
	DataDir string
	// Registerer receives the trail's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Logger logs outages and recoveries, never event content.
	Logger zerolog.Logger
	// LookupEnv reads $VEIL_AUDIT_PSEUDONYM_KEY; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)

	// clock, retry and retention are test hooks.
	clock     func() time.Time
	retry     time.Duration
	retention time.Duration
}

// Auditor records events: Record chains, batches and durably writes them.
type Auditor struct {
	w      *writer
	cfg    Config
	pseud  *Pseudonymizer
	pub    ed25519.PublicKey
	m      *metrics
	clock  func() time.Time
	pool   sync.Pool
	closed chan struct{}
	once   sync.Once
	bg     sync.WaitGroup
}

// New opens the trail on sink: it loads (or, for the quickstart defaults, generates) the keys,
// opens the spool and resumes the chain from the spool or the stream's last event. It fails with
// ErrUnavailable when neither holds the chain's head and the store cannot be read.
func New(ctx context.Context, sink Sink, cfg Config, opts Options) (*Auditor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("audit configuration: %w", err)
	}
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	clock := opts.clock
	if clock == nil {
		clock = time.Now
	}
	paths := cfg.Paths(opts.DataDir)
	priv, err := LoadSigningKey(paths.SigningKey, paths.GenerateSigning)
	if err != nil {
		return nil, err
	}
	pkey, err := LoadPseudonymKey(paths.PseudonymKey, lookup, paths.GeneratePseudonym)
	if err != nil {
		return nil, err
	}
	pseud, err := NewPseudonymizer(pkey)
	if err != nil {
		return nil, err
	}
	m := newMetrics(opts.Registerer)
	log := opts.Logger.With().Str("component", "audit").Str(fieldStream, cfg.Stream).Logger()
	sp, lost, err := openSpool(paths.SpoolDir, cfg.SpoolMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("opening audit spool: %w", err)
	}
	if lost > 0 {
		m.dropped.Add(float64(lost))
		log.Error().Int(fieldLost, lost).Msg("audit spool segment is damaged: set aside as *.corrupt")
	}
	retry := opts.retry
	if retry <= 0 {
		retry = time.Second
	}
	w := &writer{
		sink: sink, stream: cfg.Stream, signer: newSigner(priv), spool: sp, m: m, log: log, clock: clock,
		max: cfg.BatchMax, window: cfg.BatchWindow, timeout: cfg.SinkTimeout, retry: retry,
		policy:   checkpointPolicy{every: cfg.CheckpointEvery, interval: cfg.CheckpointInterval},
		in:       make(chan *request, 4*cfg.BatchMax),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		probeReq: make(chan struct{}),
		probeRes: make(chan bool),
	}
	if err := w.resume(ctx); err != nil {
		sp.close()
		return nil, err
	}
	var pfx [8]byte
	if _, err := rand.Read(pfx[:]); err != nil {
		sp.close()
		return nil, fmt.Errorf("seeding audit event ids: %w", err)
	}
	w.ids = &idGen{prefix: hex.EncodeToString(pfx[:]) + "-"}
	a := &Auditor{
		w: w, cfg: cfg, pseud: pseud, pub: priv.Public().(ed25519.PublicKey), m: m, clock: clock,
		closed: make(chan struct{}),
	}
	a.pool.New = func() any { return &request{done: make(chan error, 1)} }
	ping := func(ctx context.Context) error {
		if p, ok := sink.(pinger); ok {
			return p.Ping(ctx)
		}
		_, err := sink.Range(ctx, cfg.Stream, "-", "+", 1)
		return err
	}
	go w.prober(ping)
	go w.run()
	a.bg.Add(1)
	go a.retain(opts.retention)
	return a, nil
}

// resume sets the chain head from the spool when it holds events, else from the stream's tail.
func (w *writer) resume(ctx context.Context) error {
	if last := w.spool.lastEvent(); last != nil {
		ev, err := ParseEvent(last)
		if err != nil {
			return fmt.Errorf("resuming the audit chain from the spool: %w", err)
		}
		w.head = head{Seq: ev.Seq, Hash: ev.Hash, Time: ev.Time}
		w.after, w.degraded, w.rescan = w.spool.after(), true, true
		w.m.degraded.Set(1)
		w.setSpoolGauges()
		w.log.Warn().Int(fieldSpoolEvents, w.spool.depth()).Msg("audit spool holds events from an earlier run; replaying them once the store answers")
	} else {
		tctx, cancel := context.WithTimeout(ctx, 4*w.timeout)
		defer cancel()
		tail, err := lastEntries(tctx, w.sink, w.stream, w.clock())
		if err != nil {
			return fmt.Errorf("%w: resuming the audit chain: %w", ErrUnavailable, err)
		}
		if len(tail) > 0 {
			last := tail[len(tail)-1]
			ev, err := ParseEvent(last.Fields)
			if err != nil {
				return fmt.Errorf("resuming the audit chain: the stream's last entry is not an audit event: %w", err)
			}
			if HashFields(last.Fields) != ev.Hash {
				w.log.Error().Uint64(fieldSeq, ev.Seq).Msg("the audit stream's last event does not match its hash; continuing the chain from it: run veil audit verify")
			}
			w.head = head{Seq: ev.Seq, Hash: ev.Hash, Time: ev.Time}
			w.after = last.ID
			if ev.Type == Checkpoint && ev.Checkpoint != nil && ev.Checkpoint.Final {
				// A clean shutdown: the next checkpoint is due an interval after it.
				w.policy.last = ev.Time
			}
		}
	}
	switch {
	case w.head.Seq == 0:
		w.policy.last = w.clock()
	case w.policy.last.IsZero():
		// Resumed after a crash or from the spool: a checkpoint covers what came before, at once.
		w.policy.since = 1
	}
	return nil
}

// Pseudonym returns the pseudonym the trail stores for subject: what to search for.
func (a *Auditor) Pseudonym(subject string) string { return a.pseud.Pseudonym(subject) }

// PublicKey is the key checkpoints verify against.
func (a *Auditor) PublicKey() ed25519.PublicKey { return a.pub }

// Record validates ev, replaces its subject with the pseudonym and returns once the event is
// durable: acknowledged by the store or fsynced to the spool. Call it before acting on a request.
// It returns an error wrapping ErrUnavailable when neither could take the event (refuse the request
// with 503), ErrInvalidEvent for an event it refuses to write, ErrClosed after Close, or ctx's
// error. An event whose Record failed with ErrUnavailable may still appear in the trail later;
// one whose Record succeeded always does.
func (a *Auditor) Record(ctx context.Context, ev Event) error {
	start := time.Now()
	if err := ev.validate(); err != nil {
		return err
	}
	ev.Subject = a.pseud.Pseudonym(ev.Subject)
	ev.ID = a.w.ids.next()
	ev.Seq, ev.Prev, ev.Hash, ev.Time, ev.Checkpoint, ev.StreamID = 0, "", "", time.Time{}, nil, ""
	r := a.pool.Get().(*request)
	r.ev = ev
	select {
	case <-a.closed:
		a.pool.Put(r)
		return ErrClosed
	default:
	}
	select {
	case a.w.in <- r:
	case <-ctx.Done():
		a.pool.Put(r)
		return ctx.Err()
	case <-a.w.done:
		a.pool.Put(r)
		return ErrClosed
	}
	var err error
	select {
	case err = <-r.done:
	case <-ctx.Done():
		return ctx.Err() // r is still the writer's: not reused
	case <-a.w.done:
		select {
		case err = <-r.done:
		default:
			return ErrClosed
		}
	}
	r.ev = Event{}
	a.pool.Put(r)
	a.m.latency.Observe(time.Since(start).Seconds())
	return err
}

// idGen makes event ids: a random per-process prefix and a counter, unique without coordination.
type idGen struct {
	prefix string
	n      atomic.Uint64
}

func (g *idGen) next() string {
	n := g.n.Add(1)
	b := make([]byte, 0, len(g.prefix)+13)
	b = append(b, g.prefix...)
	b = strconv.AppendUint(b, n, 36)
	return string(b)
}

// Close writes a final checkpoint, waits for every accepted event to be written and stops.
func (a *Auditor) Close() error {
	a.once.Do(func() {
		close(a.closed)
		close(a.w.quit)
	})
	<-a.w.done
	a.bg.Wait()
	return nil
}

// retain trims events older than the retention period, at start and then every hour (or the
// test's interval).
func (a *Auditor) retain(every time.Duration) {
	defer a.bg.Done()
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		cutoff := a.clock().AddDate(0, 0, -a.cfg.RetentionDays)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		n, err := a.w.sink.TrimBefore(ctx, a.cfg.Stream, cutoff)
		cancel()
		if err != nil {
			a.w.log.Warn().Err(err).Msg("audit retention: trimming failed; retrying later")
		} else if n > 0 {
			a.w.log.Info().Int("trimmed", n).Int("retention_days", a.cfg.RetentionDays).Msg("audit retention: trimmed expired events")
		}
		select {
		case <-t.C:
		case <-a.w.done:
			return
		}
	}
}

var _ Sink = store.Store(nil)
