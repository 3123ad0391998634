package proxy

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// This file holds what Veil's own /.veil/ endpoints (consent, rights) share: the same-origin
// rule, JSON errors, and a per-subject rate limit.

// SameOrigin accepts a request whose browser says it is same-origin (Sec-Fetch-Site), or whose
// Origin names this host; a request with neither header comes from a non-browser client, which
// cannot carry the subject's cookie by accident. A cross-site form or script is refused.
func SameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "same-site", "cross-site":
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// WriteJSON answers with v as JSON, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteJSONError answers with the status text only: {"error":"Bad Request"}.
func WriteJSONError(w http.ResponseWriter, status int) {
	WriteJSON(w, status, map[string]string{"error": http.StatusText(status)})
}

// SubjectLimiter allows each subject a rate of requests with bursts; past 100,000 subjects it
// forgets everyone rather than grow without bound.
type SubjectLimiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// NewSubjectLimiter allows perSecond requests per subject with bursts of burst.
func NewSubjectLimiter(perSecond float64, burst int) *SubjectLimiter {
	return &SubjectLimiter{rate: rate.Limit(perSecond), burst: burst, m: map[string]*rate.Limiter{}}
}

// Allow reports whether the subject may make one more request now.
func (l *SubjectLimiter) Allow(subject string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 100_000 {
		l.m = map[string]*rate.Limiter{}
	}
	lim, ok := l.m[subject]
	if !ok {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.m[subject] = lim
	}
	return lim.Allow()
}

// Guard wraps a state-changing endpoint: cross-site requests get 403, subjects over their rate
// 429 with Retry-After. The subject is the exchange's (Veil's cookie).
func (l *SubjectLimiter) Guard(h http.HandlerFunc) http.HandlerFunc {
	retry := strconv.Itoa(max(1, int(time.Duration(float64(time.Second)/float64(l.rate)).Seconds())))
	return func(w http.ResponseWriter, r *http.Request) {
		if !SameOrigin(r) {
			WriteJSONError(w, http.StatusForbidden)
			return
		}
		subject := ""
		if ex := ExchangeFrom(r.Context()); ex != nil {
			subject = ex.Subject
		}
		if !l.Allow(subject) {
			w.Header().Set("Retry-After", retry)
			WriteJSONError(w, http.StatusTooManyRequests)
			return
		}
		h(w, r)
	}
}
