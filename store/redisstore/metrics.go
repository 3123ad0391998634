package redisstore

import (
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector exports the Redis client's connection pool statistics (every node's, summed, on
// a Cluster), read when /metrics is scraped: a pool that runs out of connections shows as waits
// and timeouts before requests fail.
type poolCollector struct {
	s                               *Store
	hits, misses, timeouts, waits   *prometheus.Desc
	waitSeconds, total, idle, stale *prometheus.Desc
}

// Collector returns a Prometheus collector of the store's connection pool.
func (s *Store) Collector() prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("veil_redis_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		s:           s,
		hits:        d("hits_total", "Times a free connection was found in the pool."),
		misses:      d("misses_total", "Times no free connection was found in the pool."),
		timeouts:    d("timeouts_total", "Times waiting for a connection timed out (the call failed)."),
		waits:       d("waits_total", "Times a call waited for a connection."),
		waitSeconds: d("wait_seconds_total", "Time calls spent waiting for a connection."),
		total:       d("connections", "Connections in the pool."),
		idle:        d("idle_connections", "Idle connections in the pool."),
		stale:       d("stale_connections_total", "Stale connections removed from the pool."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.hits, c.misses, c.timeouts, c.waits, c.waitSeconds, c.total, c.idle, c.stale} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.c.PoolStats()
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter(c.hits, float64(st.Hits))
	counter(c.misses, float64(st.Misses))
	counter(c.timeouts, float64(st.Timeouts))
	counter(c.waits, float64(st.WaitCount))
	counter(c.waitSeconds, float64(st.WaitDurationNs)/1e9)
	gauge(c.total, float64(st.TotalConns))
	gauge(c.idle, float64(st.IdleConns))
	counter(c.stale, float64(st.StaleConns))
}
