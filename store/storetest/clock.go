package storetest

import (
	"sync"
	"time"
)

// Clock is a settable clock for backends that take one (embedded.WithClock): with it the suite
// tests expiry by moving time instead of waiting.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time; pass it as the backend's time source.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d (negative to go backwards).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Option adjusts Run.
type Option func(*config)

type config struct{ clock *Clock }

// WithClock tells Run that the stores open returns read time from c, so expiry is tested by
// advancing c. Without it, expiry is tested against the real clock with short TTLs.
func WithClock(c *Clock) Option { return func(cfg *config) { cfg.clock = c } }

func (cfg *config) now() time.Time {
	if cfg.clock != nil {
		return cfg.clock.Now()
	}
	return time.Now()
}
