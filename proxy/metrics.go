package proxy

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the proxy's Prometheus collectors. They outlive a Proxy, so create them once and
// pass them to every Proxy built on config reload. Labels carry route names and statuses only.
type Metrics struct {
	requests       *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	upstreamErrors *prometheus.CounterVec
	bytes          *prometheus.CounterVec
	openStreams    *prometheus.GaugeVec
}

// NewMetrics registers the proxy's collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Name: "http_requests_total",
			Help: "Requests served on the public listener, by route, route kind and status code.",
		}, []string{"route", "kind", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "veil", Name: "http_request_duration_seconds",
			Help:    "Time from request start to the end of the response, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "kind"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Name: "upstream_errors_total",
			Help: "Failed upstream exchanges, by route and reason.",
		}, []string{"route", "reason"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "veil", Name: "http_bytes_total",
			Help: "Body bytes received from clients (in) and sent to clients (out), by route.",
		}, []string{"route", "direction"}),
		openStreams: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "veil", Name: "open_streams",
			Help: "Streams in progress: server-sent event responses and WebSocket connections.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.requests, m.duration, m.upstreamErrors, m.bytes, m.openStreams)
	return m
}

// routeMetrics are a route's collectors with their labels bound, so the hot path does no label hashing.
type routeMetrics struct {
	duration prometheus.Observer
	bytesIn  prometheus.Counter
	bytesOut prometheus.Counter
	ok       prometheus.Counter // status 200, the common case
	m        *Metrics
	route    string
	kind     string
}

func (m *Metrics) forRoute(r *Route) *routeMetrics {
	rm := &routeMetrics{
		duration: m.duration.WithLabelValues(r.Name, string(r.Kind)),
		bytesIn:  m.bytes.WithLabelValues(r.Name, "in"),
		bytesOut: m.bytes.WithLabelValues(r.Name, "out"),
		m:        m, route: r.Name, kind: string(r.Kind),
	}
	rm.ok = m.requests.WithLabelValues(r.Name, rm.kind, "200")
	return rm
}

// count records one finished request with its status.
func (rm *routeMetrics) count(status int) {
	if status == 200 {
		rm.ok.Inc()
		return
	}
	rm.m.requests.WithLabelValues(rm.route, rm.kind, statusLabel(status)).Inc()
}

func (rm *routeMetrics) upstreamError(reason string) {
	rm.m.upstreamErrors.WithLabelValues(rm.route, reason).Inc()
}

func statusLabel(code int) string {
	var b [3]byte
	if code < 100 || code > 999 {
		return "000"
	}
	b[0] = byte('0' + code/100)
	b[1] = byte('0' + code/10%10)
	b[2] = byte('0' + code%10)
	return string(b[:])
}
