package admin

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server is the admin listener's handler: liveness, readiness with per-check detail, metrics, and,
// once Configure has run, the admin API.
type Server struct {
	mux *http.ServeMux
	api atomic.Pointer[api]          // nil until Configure
	tls atomic.Pointer[reloadingTLS] // nil until Listener, and without admin.tls

	mu     sync.RWMutex
	checks map[string]func() error
}

// NewServer returns the admin handler exporting gatherer's metrics.
func NewServer(gatherer prometheus.Gatherer) *Server {
	s := &Server{mux: http.NewServeMux(), checks: map[string]func() error{}}
	s.mux.Handle("GET /healthz", s.observe(http.HandlerFunc(s.healthz)))
	s.mux.Handle("GET /readyz", s.observe(http.HandlerFunc(s.readyz)))
	s.mux.Handle("GET /metrics", s.observe(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	return s
}

// observe serves h to anyone while the admin API is off or the listener is on loopback, and
// otherwise only to callers with a valid token or session (any role).
func (s *Server) observe(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.api.Load()
		if a == nil || a.cfg.Loopback() {
			h.ServeHTTP(w, r)
			return
		}
		p, err := a.authenticate(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !p.Role.Allows(PermObserve) {
			writeError(w, http.StatusForbidden, http.StatusText(http.StatusForbidden))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// SetCheck adds or replaces a named readiness check. Veil is ready when every check returns nil.
func (s *Server) SetCheck(name string, check func() error) {
	s.mu.Lock()
	s.checks[name] = check
	s.mu.Unlock()
}

// Handle registers an extra admin endpoint.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// Readiness is the /readyz body: overall status and each check's result.
type Readiness struct {
	Status string            `json:"status"` // "ready" or "not ready"
	Checks map[string]string `json:"checks"` // "ok" or the check's error
}

// Ready runs every check.
func (s *Server) Ready() (Readiness, bool) {
	s.mu.RLock()
	names := make([]string, 0, len(s.checks))
	for n := range s.checks {
		names = append(names, n)
	}
	sort.Strings(names)
	fns := make([]func() error, len(names))
	for i, n := range names {
		fns[i] = s.checks[n]
	}
	s.mu.RUnlock()
	rd := Readiness{Status: "ready", Checks: make(map[string]string, len(names))}
	ok := true
	for i, fn := range fns {
		if err := fn(); err != nil {
			rd.Checks[names[i]] = err.Error()
			ok = false
			continue
		}
		rd.Checks[names[i]] = "ok"
	}
	if len(fns) == 0 {
		ok = false
	}
	if !ok {
		rd.Status = "not ready"
	}
	return rd, ok
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	rd, ok := s.Ready()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rd)
}
