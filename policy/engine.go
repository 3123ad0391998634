package policy

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/open-policy-agent/opa/v1/ast"
	opametrics "github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Engine decides, once per message, what happens to the personal data in it, by evaluating the
// loaded policy pack. It is safe for concurrent use.
type Engine struct {
	cfg Config
	log zerolog.Logger
	m   *metrics

	state atomic.Pointer[state]

	reloadMu sync.Mutex // serializes loads
	statusMu sync.Mutex
	status   Status

	shadowQ chan shadowJob
	done    chan struct{}
	wg      sync.WaitGroup
	closing sync.Once
	watcher *fsnotify.Watcher

	failLog, shadowLog rateLimit
	parts              partCache

	onReload atomic.Pointer[func(revision string, err error)]
}

// OnReload sets a function called after every reload of the active pack that changed something or
// failed, whether from Reload (SIGHUP) or the file watcher: with the new revision, or with the
// running revision and the reason the new pack was rejected. Veil records these in the audit trail.
func (e *Engine) OnReload(fn func(revision string, err error)) {
	e.onReload.Store(&fn)
}

// state is what one (re)load produced; Decide reads it with one atomic load.
type state struct {
	active *compiled
	shadow *compiled // nil without a shadow pack
	cache  *cache    // nil when caching is off; replaced (cleared) by every reload
}

// Status describes the loaded policy, for /readyz and the admin API.
type Status struct {
	// Revision is the content hash of the active pack.
	Revision string `json:"revision"`
	// Source is the active pack's directory, or "embedded".
	Source string `json:"source"`
	// LoadedAt is when the active pack was loaded.
	LoadedAt time.Time `json:"loaded_at"`
	// TestsPassed is how many of the active pack's own tests passed when it was loaded.
	TestsPassed int `json:"tests_passed"`
	// LastError says why the last reload of the active pack was rejected; empty when it succeeded.
	LastError string `json:"last_error,omitempty"`
	// LastReload is when a reload was last attempted.
	LastReload time.Time `json:"last_reload"`
	// ShadowRevision is the content hash of the shadow pack, if any.
	ShadowRevision string `json:"shadow_revision,omitempty"`
	// ShadowError says why the last reload of the shadow pack was rejected.
	ShadowError string `json:"shadow_error,omitempty"`
}

// New loads the pack (cfg.Dir, or the embedded default pack), compiles it in strict mode, runs
// its own Rego tests and refuses it if one fails. With cfg.ShadowDir it loads the candidate pack
// the same way. ctx bounds loading only; Close stops the watcher and the shadow worker.
// reg may be nil (no metrics are registered).
func New(ctx context.Context, cfg Config, log zerolog.Logger, reg prometheus.Registerer) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("policy config: %w", err)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("registering policy metrics: %w", err)
	}
	e := &Engine{cfg: cfg, log: log, m: m, done: make(chan struct{})}
	active, passed, err := e.load(ctx, cfg.Dir)
	if err != nil {
		m.reloads.WithLabelValues(packActive, "rejected").Inc()
		return nil, err
	}
	st := &state{active: active, cache: newCache(cfg.CacheSize)}
	e.status = Status{Revision: active.pack.revision, Source: source(cfg.Dir), LoadedAt: time.Now(), TestsPassed: passed}
	if cfg.ShadowDir != "" {
		sh, _, err := e.load(ctx, cfg.ShadowDir)
		if err != nil {
			return nil, fmt.Errorf("shadow policy: %w", err)
		}
		st.shadow = sh
		e.status.ShadowRevision = sh.pack.revision
		e.shadowQ = make(chan shadowJob, shadowQueue)
		e.wg.Add(1)
		go e.shadowWorker()
	}
	e.state.Store(st)
	m.reloads.WithLabelValues(packActive, "ok").Inc()
	m.reloadOK.Set(1)
	m.setFastPath(active)
	log.Info().Str(fieldRevision, active.pack.revision).Str(fieldSource, source(cfg.Dir)).Int(fieldTests, passed).
		Str(fieldShadowRevision, e.status.ShadowRevision).Msg("policy loaded")
	if cfg.watching() && (cfg.Dir != "" || cfg.ShadowDir != "") {
		if err := e.watch(); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

func source(dir string) string {
	if dir == "" {
		return "embedded"
	}
	return dir
}

// Decide evaluates the active policy for one message. On any failure (undefined or malformed
// decision, evaluation error, timeout) it returns a refusal together with an error saying why:
// a caller that ignores the error still refuses. A cached decision is returned without
// evaluating; its maps and slices are shared and must not be modified.
func (e *Engine) Decide(ctx context.Context, in Input) (Decision, error) {
	st := e.state.Load()
	c := st.active
	var key uint64
	useCache := st.cache != nil && cacheable(&in)
	if useCache {
		key = inputKey(&in, c.readsSubjectID)
		if ent := st.cache.get(key, &in, c.readsSubjectID); ent != nil {
			e.m.hits.Inc()
			e.m.outcome(&ent.decision)
			if st.shadow != nil {
				switch ent.shadow.Load() {
				case shadowAgree:
					e.m.shadowAgree.Inc()
				case shadowDisagree:
					e.m.shadowDisagree.Inc()
				}
			}
			return ent.decision, nil
		}
		e.m.misses.Inc()
	}
	start := time.Now()
	d, err := e.eval(ctx, c, &in, nil)
	e.m.duration.Observe(time.Since(start).Seconds())
	if err != nil {
		e.failed(ctx, c, &in, err)
		d = failClosed(c.pack.revision)
	} else {
		e.m.outcome(&d)
	}
	var ent *cacheEntry
	if useCache && err == nil {
		ent = st.cache.put(key, &in, d)
	}
	if st.shadow != nil {
		e.enqueueShadow(st, &in, d, ent)
	}
	return d, err
}

// eval evaluates c for in within the configured timeout and parses the decision.
//
// The timeout cancels the evaluation through OPA's external cancel and a timer rather than a
// context deadline: with a context, every evaluation would start a goroutine to watch it.
func (e *Engine) eval(ctx context.Context, c *compiled, in *Input, tracer topdown.QueryTracer) (Decision, error) {
	cancel := topdown.NewCancel()
	timer := time.AfterFunc(e.cfg.Timeout, cancel.Cancel)
	stop := context.AfterFunc(ctx, cancel.Cancel)
	if c.prog != nil && tracer == nil {
		t, err := c.prog.eval(ctx, ast.NewTerm(in.astValue(c.readsSubjectID, &e.parts)), cancel)
		stopped := timer.Stop()
		stop()
		return c.result(ctx, in, t, !stopped, err)
	}
	opts := [5]rego.EvalOption{
		rego.EvalParsedInput(in.astValue(c.readsSubjectID, &e.parts)),
		rego.EvalTransaction(c.txn),
		rego.EvalMetrics(noMetrics),
		rego.EvalExternalCancel(cancel),
	}
	n := 4
	if tracer != nil {
		opts[n] = rego.EvalQueryTracer(tracer)
		n++
	}
	q := c.query
	if tracer != nil {
		q = c.asWritten
	}
	rs, err := q.Eval(ctx, opts[:n]...)
	stopped := timer.Stop()
	stop()
	var t *ast.Term
	if err == nil && len(rs) > 0 && len(rs[0].Expressions) > 0 {
		var ok bool
		if t, ok = rs[0].Expressions[0].Value.(*ast.Term); !ok {
			return Decision{}, fmt.Errorf("%w: unexpected result type %T", ErrMalformed, rs[0].Expressions[0].Value)
		}
	}
	return c.result(ctx, in, t, !stopped, err)
}

// result turns the value of data.veil.decision (nil when undefined) or the evaluation's error
// into a decision for in.
func (c *compiled) result(ctx context.Context, in *Input, t *ast.Term, timedOut bool, err error) (Decision, error) {
	if err != nil {
		_, err = evalError(ctx, timedOut, err)
		return Decision{}, err
	}
	if t == nil {
		return Decision{}, ErrUndefined
	}
	d, err := parseDecision(t.Value)
	if err != nil {
		return Decision{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	d.finish(in, c.pack.revision)
	return d, nil
}

var noMetrics = opametrics.NoOp()

// failed counts and logs a fail-closed evaluation: reason, revision, route and direction only.
func (e *Engine) failed(ctx context.Context, c *compiled, in *Input, err error) {
	reason := reasonOf(err)
	e.m.failedClosed.Inc()
	e.m.errors.WithLabelValues(reason).Inc()
	if ok, suppressed := e.failLog.allow(); ok {
		l := zerolog.Ctx(ctx)
		if l.GetLevel() == zerolog.Disabled {
			l = &e.log
		}
		l.Error().Err(err).Str(fieldReason, reason).Str(fieldRevision, c.pack.revision).
			Str(fieldRoute, in.Route.Name).Str(fieldDirection, string(in.Direction)).
			Int64(fieldSuppressed, suppressed).Msg("policy failed closed: message refused")
	}
}

// Revision is the content hash of the active pack; every Decision carries the revision that made it.
func (e *Engine) Revision() string { return e.state.Load().active.pack.revision }

// ShadowRevision is the content hash of the shadow pack, or "" without one.
func (e *Engine) ShadowRevision() string {
	if sh := e.state.Load().shadow; sh != nil {
		return sh.pack.revision
	}
	return ""
}

// Status reports the loaded policy and why the last reload was rejected, if it was.
func (e *Engine) Status() Status {
	e.statusMu.Lock()
	defer e.statusMu.Unlock()
	return e.status
}

// Close stops watching the pack directories and the shadow worker. Decide keeps working.
func (e *Engine) Close() error {
	var err error
	e.closing.Do(func() {
		close(e.done)
		if e.watcher != nil {
			err = e.watcher.Close()
		}
		e.wg.Wait()
	})
	return err
}

// rateLimit lets one log line through per second and counts the ones it held back.
type rateLimit struct {
	next       atomic.Int64
	suppressed atomic.Int64
}

func (r *rateLimit) allow() (bool, int64) {
	now := time.Now().UnixNano()
	next := r.next.Load()
	if now < next || !r.next.CompareAndSwap(next, now+int64(time.Second)) {
		r.suppressed.Add(1)
		return false, 0
	}
	return true, r.suppressed.Swap(0)
}
