package policy

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a decision (label outcome of veil_policy_decisions_total).
const (
	outcomeAllow      = "allow"
	outcomeRefuse     = "refuse"
	outcomeFailClosed = "fail_closed"
)

// metrics are the engine's Prometheus collectors, with the hot-path children resolved up front
// so that counting does not allocate.
type metrics struct {
	decisions      *prometheus.CounterVec
	errors         *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	cache          *prometheus.CounterVec
	shadow         *prometheus.CounterVec
	duration       prometheus.Histogram
	reloadOK       prometheus.Gauge
	folded         prometheus.Gauge
	planned        prometheus.Gauge
	allowed        prometheus.Counter
	refused        prometheus.Counter
	failedClosed   prometheus.Counter
	hits           prometheus.Counter
	misses         prometheus.Counter
	shadowAgree    prometheus.Counter
	shadowDisagree prometheus.Counter
	shadowError    prometheus.Counter
	shadowDropped  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "policy", Name: "decisions_total",
			Help: "Policy decisions, by outcome: allow, refuse (the policy refused the message) or fail_closed (no valid decision: refused).",
		}, []string{"outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "policy", Name: "errors_total",
			Help: "Evaluations that failed closed, by reason: undefined, eval, timeout, canceled, malformed.",
		}, []string{"reason"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "policy", Name: "reloads_total",
			Help: "Policy pack loads and reloads, by pack (active, shadow) and result: ok, unchanged or rejected (the last good policy stays).",
		}, []string{"pack", "result"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "policy", Name: "cache_requests_total",
			Help: "Decision cache lookups, by result: hit or miss.",
		}, []string{"result"}),
		shadow: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "policy", Name: "shadow_decisions_total",
			Help: "Shadow policy comparisons with the active decision, by result: agree, disagree, error or dropped (queue full).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "veil", Subsystem: "policy", Name: "evaluation_duration_seconds",
			Help:    "Time to evaluate the active policy for one message (cache misses only).",
			Buckets: []float64{5e-6, 10e-6, 20e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 5e-3, 25e-3, 100e-3},
		}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "policy", Name: "last_reload_successful",
			Help: "1 when the last policy (re)load succeeded, 0 when it was rejected and an older policy is active.",
		}),
		folded: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "policy", Name: "data_folded",
			Help: "1 when the active pack's data is folded into its rules when it loads, 0 when topdown evaluates its rules as written (the log says why). Used only when the pack is not planned.",
		}),
		planned: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "policy", Name: "planned",
			Help: "1 when the active pack is planned when it loads and Veil's plan evaluator decides (the fast path), 0 when OPA's topdown evaluates it (the log says why).",
		}),
	}
	m.allowed = m.decisions.WithLabelValues(outcomeAllow)
	m.refused = m.decisions.WithLabelValues(outcomeRefuse)
	m.failedClosed = m.decisions.WithLabelValues(outcomeFailClosed)
	m.hits = m.cache.WithLabelValues("hit")
	m.misses = m.cache.WithLabelValues("miss")
	m.shadowAgree = m.shadow.WithLabelValues("agree")
	m.shadowDisagree = m.shadow.WithLabelValues("disagree")
	m.shadowError = m.shadow.WithLabelValues("error")
	m.shadowDropped = m.shadow.WithLabelValues("dropped")
	for _, r := range []string{errUndefined, errEval, errTimeout, errCanceled, errMalformed} {
		m.errors.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "unchanged", "rejected"} {
		m.reloads.WithLabelValues(packActive, r)
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.decisions, m.errors, m.reloads, m.cache, m.shadow, m.duration, m.reloadOK, m.folded, m.planned} {
		errs = append(errs, reg.Register(c))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// outcome counts a decision.
func (m *metrics) outcome(d *Decision) {
	if d.Allow {
		m.allowed.Inc()
	} else {
		m.refused.Inc()
	}
}

// setFastPath records how the active pack is evaluated: planned, folded, or neither.
func (m *metrics) setFastPath(active *compiled) {
	m.planned.Set(gauge(active.prog != nil))
	m.folded.Set(gauge(active.foldErr == nil))
}

func gauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
