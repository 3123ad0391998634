package rights

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// gauges are the register's metrics: requests awaiting an answer, and those past their deadline.
type gauges struct {
	open, overdue prometheus.Gauge
}

func newGauges() *gauges {
	return &gauges{
		open: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veil_rights_requests_open",
			Help: "Data-subject requests in the register awaiting an answer (as last counted by the rights sweeper or a register listing)."}),
		overdue: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veil_rights_requests_overdue",
			Help: "Data-subject requests awaiting an answer past their deadline (rights.deadline_days after receipt)."}),
	}
}

func (g *gauges) set(open, overdue int) {
	g.open.Set(float64(open))
	g.overdue.Set(float64(overdue))
}

// Collectors returns the register's gauges, veil_rights_requests_open and
// veil_rights_requests_overdue, for the caller's registry. The sweeper updates them on every pass
// it holds the lease for, Backlog on every listing. With several replicas only the one sweeping
// keeps them current: alert on the max across replicas.
func (s *Service) Collectors() []prometheus.Collector {
	return []prometheus.Collector{s.sw.gauges.open, s.sw.gauges.overdue}
}

// noteRequest keeps the sweeper's view of open requests current between two scans.
func (w *Sweeper) noteRequest(subject string, r *Request) {
	k := trackKey{subject, KindRequest, r.key}
	w.reqMu.Lock()
	defer w.reqMu.Unlock()
	if r.Status == StatusReceived {
		w.open[k] = r.Deadline
		return
	}
	delete(w.open, k)
}

// countOpen returns the open and overdue requests the sweeper knows of at now.
func (w *Sweeper) countOpen(now time.Time) (open, overdue int) {
	w.reqMu.Lock()
	defer w.reqMu.Unlock()
	for _, deadline := range w.open {
		if now.After(deadline) {
			overdue++
		}
	}
	return len(w.open), overdue
}
