package audit

import "github.com/prometheus/client_golang/prometheus"

// metrics are the trail's Prometheus collectors. They carry no labels that could hold a value.
type metrics struct {
	written     prometheus.Counter
	batches     prometheus.Counter
	batchSize   prometheus.Histogram
	spooled     prometheus.Counter
	replayed    prometheus.Counter
	dropped     prometheus.Counter
	gaps        prometheus.Counter
	unavailable prometheus.Counter
	spoolDepth  prometheus.Gauge
	spoolBytes  prometheus.Gauge
	degraded    prometheus.Gauge
	latency     prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		written: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "events_written_total",
			Help: "Events (checkpoints included) acknowledged by the store, directly or by spool replay.",
		}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "batches_total",
			Help: "Group commits: one store round trip or one spool fsync each.",
		}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "veil", Subsystem: "audit", Name: "batch_size",
			Help:    "Events per group commit.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
		}),
		spooled: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "events_spooled_total",
			Help: "Events written to the local spool because the store was unreachable.",
		}),
		replayed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "events_replayed_total",
			Help: "Spooled events written to the store after it came back.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "events_dropped_total",
			Help: "Acknowledged events that were lost (a damaged spool segment). Must stay 0; alert on any increase.",
		}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "store_gaps_total",
			Help: "Times the store's stream did not end with the event the next one follows (events lost by the store: a failover, a restart without persistence): the chain goes on after its last event and verify reports the gap. Alert on any increase.",
		}),
		unavailable: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "veil", Subsystem: "audit", Name: "records_refused_total",
			Help: "Record calls that failed with ErrUnavailable (store and spool both unusable): the request was refused with 503.",
		}),
		spoolDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "audit", Name: "spool_events",
			Help: "Events in the spool waiting for replay.",
		}),
		spoolBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "audit", Name: "spool_bytes",
			Help: "Bytes the spool occupies on disk.",
		}),
		degraded: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "veil", Subsystem: "audit", Name: "spooling",
			Help: "1 while events go to the spool instead of the store.",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "veil", Subsystem: "audit", Name: "record_duration_seconds",
			Help:    "Time Record takes, from call to durable acknowledgement.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5, 2.5},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.written, m.batches, m.batchSize, m.spooled, m.replayed, m.dropped, m.gaps,
			m.unavailable, m.spoolDepth, m.spoolBytes, m.degraded, m.latency)
	}
	return m
}
