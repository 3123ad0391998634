package rights

import (
	"net/http"
	"sync"

	"golang.org/x/time/rate"
)

// Rate of rights requests per subject: an export decrypts every value the subject has, so a
// subject gets a handful in a burst and then one every two seconds.
const (
	limitRate  = rate.Limit(0.5)
	limitBurst = 10
	// limitSubjects bounds the limiter's memory: past it, everyone is forgotten.
	limitSubjects = 100_000
)

// limiter allows each subject a few rights requests, and refuses cross-site ones before counting.
type limiter struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newLimiter() *limiter { return &limiter{m: map[string]*rate.Limiter{}} }

func (l *limiter) allow(subject string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > limitSubjects {
		l.m = map[string]*rate.Limiter{}
	}
	lim, ok := l.m[subject]
	if !ok {
		lim = rate.NewLimiter(limitRate, limitBurst)
		l.m[subject] = lim
	}
	return lim.Allow()
}

func (l *limiter) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			fail(w, http.StatusForbidden)
			return
		}
		if !l.allow(subjectOf(r)) {
			w.Header().Set("Retry-After", "2")
			fail(w, http.StatusTooManyRequests)
			return
		}
		h(w, r)
	}
}
