package audit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
)

// memSink is an in-memory stream store with switches for failures, a test double of a Sink.
type memSink struct {
	mu      sync.Mutex
	streams map[string][]store.Entry
	last    store.ID
	appends int
	// down makes every call fail; partial, when > 0, makes the next Append write that many
	// entries and then fail.
	down    bool
	partial int
	// gate, when set, is received from before the next Append proceeds (and cleared).
	gate chan struct{}
}

var errDown = errors.New("memsink: down")

func newMemSink() *memSink { return &memSink{streams: map[string][]store.Entry{}} }

func (m *memSink) Append(_ context.Context, stream string, entries ...map[string]string) ([]string, error) {
	m.mu.Lock()
	gate := m.gate
	m.gate = nil
	m.mu.Unlock()
	if gate != nil {
		<-gate
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return nil, errDown
	}
	n := len(entries)
	fail := false
	if m.partial > 0 {
		n, fail = min(m.partial, n), true
		m.partial = 0
	}
	m.appends++
	ids := make([]string, 0, n)
	for _, e := range entries[:n] {
		ms := uint64(time.Now().UnixMilli())
		id := store.ID{MS: ms}
		if ms <= m.last.MS {
			id = m.last.Next()
		}
		m.last = id
		c := make(map[string]string, len(e))
		for k, v := range e {
			c[k] = v
		}
		m.streams[stream] = append(m.streams[stream], store.Entry{ID: id.String(), Fields: c})
		ids = append(ids, id.String())
	}
	if fail {
		m.down = true
		return nil, errDown
	}
	return ids, nil
}

func (m *memSink) Range(_ context.Context, stream, from, to string, limit int) ([]store.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return nil, errDown
	}
	lo, hi, err := store.RangeBounds(from, to)
	if err != nil {
		return nil, err
	}
	var out []store.Entry
	for _, e := range m.streams[stream] {
		id, _ := store.ParseID(e.ID)
		if id.Compare(lo) >= 0 && id.Compare(hi) <= 0 {
			out = append(out, e)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func (m *memSink) TrimBefore(_ context.Context, stream string, t time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return 0, errDown
	}
	cut := store.ID{MS: uint64(t.UnixMilli())}
	var keep []store.Entry
	for _, e := range m.streams[stream] {
		id, _ := store.ParseID(e.ID)
		if id.Compare(cut) >= 0 {
			keep = append(keep, e)
		}
	}
	n := len(m.streams[stream]) - len(keep)
	m.streams[stream] = keep
	return n, nil
}

func (m *memSink) setDown(down bool) {
	m.mu.Lock()
	m.down = down
	m.mu.Unlock()
}

// entries returns a copy of the stream.
func (m *memSink) entries(stream string) []store.Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.Entry(nil), m.streams[stream]...)
}

// setEntries replaces the stream (tampering).
func (m *memSink) setEntries(stream string, es []store.Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.streams[stream] = es
}

// testConfig is a validated config with small checkpoints.
func testConfig(mod func(*Config)) Config {
	c := Config{CheckpointEvery: 10, SinkTimeout: 5 * time.Second}
	if mod != nil {
		mod(&c)
	}
	if err := c.Validate(); err != nil {
		panic(err)
	}
	return c
}

// testAuditor opens an auditor on sink with keys and spool in dir.
func testAuditor(t testing.TB, sink Sink, dir string, cfg Config, reg *prometheus.Registry) *Auditor {
	t.Helper()
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	a, err := New(context.Background(), sink, cfg, Options{
		DataDir: dir, Registerer: reg, Logger: zerolog.Nop(),
		LookupEnv: func(string) (string, bool) { return "", false },
		retry:     5 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// publicKey reads the generated public key of a test data directory.
func publicKey(t testing.TB, dir string) []byte {
	t.Helper()
	pub, err := LoadPublicKey(filepath.Join(dir, DefaultPublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// event returns a message.forwarded event numbered i.
func event(i int) Event {
	return Event{
		Type: MessageForwarded, RequestID: "req-" + strconv.Itoa(i), Subject: fmt.Sprintf("visitor-%08d", i%7),
		Route: "chat", PolicyRevision: "rev-1", DecisionID: "dec-" + strconv.Itoa(i),
		Findings: map[string]int{"EMAIL": 1}, Actions: map[string]int{"tokenize": 1}, Outcome: "ok",
	}
}

// recordEvents records event(i) for from <= i < to, one after the other, failing on an error.
func recordEvents(t testing.TB, a *Auditor, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := a.Record(context.Background(), event(i)); err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
}

// backend is a store the trail can be written to, with raw access for tampering.
type backend struct {
	name string
	open func(t testing.TB) Sink
}

// backends are the in-memory double, the embedded store and a real redis-server.
func backends() []backend {
	return []backend{
		{"memory", func(testing.TB) Sink { return newMemSink() }},
		{"embedded", func(t testing.TB) Sink { return openEmbedded(t) }},
		{"redis", func(t testing.TB) Sink { s, _ := openRedis(t); return s }},
	}
}

func openEmbedded(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "veil.db"), embedded.WithSweepInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openRedis(t testing.TB, opts ...redistest.Option) (*redisstore.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t, opts...)
	s, err := redisstore.New(srv.Client(), "")
	if err != nil {
		t.Fatal(err)
	}
	return s, srv
}

// value reads a counter's or gauge's value.
func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

// waitFor polls cond, yielding between tries, until it holds (no timing assertion: the test's own
// deadline bounds it).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i%1000 == 999 && testing.Verbose() {
			t.Logf("still waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// verifyOK verifies the stream and fails the test on a broken link.
func verifyOK(t testing.TB, r Reader, stream string, pub []byte) *Result {
	t.Helper()
	res, err := Verify(context.Background(), r, stream, VerifyOptions{PublicKey: pub})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !res.OK() {
		t.Fatalf("Verify: broken at seq %d (%s): %s", res.Break.Seq, res.Break.StreamID, res.Break.Problem)
	}
	return res
}

var timeZero time.Time

// kill stops the writer like a crash: no final checkpoint, queued events unanswered.
func (a *Auditor) kill() {
	a.w.crash = true
	a.Close()
}
