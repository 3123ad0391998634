package demobot

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/rs/zerolog"
)

// Defaults applied by Config.Validate and New to zero-valued fields.
const (
	// DefaultMaxBodyBytes caps a request body and a WebSocket message.
	DefaultMaxBodyBytes int64 = 1 << 20
	// DefaultMaxReceived is how many entries /debug/received keeps.
	DefaultMaxReceived = 1000
	// DefaultModel is the model name echoed when a chat request names none.
	DefaultModel = "demo-bot"
)

// Config configures a Bot. The zero value is usable: no stream delay, no gate,
// same-origin WebSockets only, 1 MiB bodies, 1000 recorded entries.
type Config struct {
	// Logger receives one line per request (method, path, status; never bodies or headers).
	// When nil, the logger in the request context (zerolog.Ctx) is used.
	Logger *zerolog.Logger

	// StreamDelay is the pause between two streamed chat completion events. Zero streams
	// as fast as the client reads; the demobot binary uses a few milliseconds so a person
	// can watch the reply arrive.
	StreamDelay time.Duration

	// StreamGate, when set, is called after each streamed chat completion event has been
	// written and flushed, with the number of events sent so far (1 after the first
	// event), and the stream waits for it to return. Returning an error ends the stream
	// without the final events (the client sees a truncated stream). It lets a test hold
	// a stream open after its first event without timing; see HoldAfter. It is called
	// from every stream's own goroutine, so it must be safe for concurrent use.
	StreamGate func(ctx context.Context, sent int) error

	// OriginPatterns lists the extra browser origins (host patterns matched with
	// path.Match, or "scheme://host" patterns) allowed to open /ws. The request's own
	// host is always allowed, and clients that send no Origin header are always allowed.
	// A proxy that rewrites Host needs its public host listed here; "*" allows any origin.
	OriginPatterns []string

	// MaxBodyBytes caps a request body (413 beyond it) and a WebSocket message (the
	// connection is closed with 1009 beyond it). Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// MaxReceived is how many entries /debug/received keeps, oldest dropped first.
	// Zero means DefaultMaxReceived.
	MaxReceived int
}

// Validate reports every invalid field at once, one per line, and fills defaults.
func (c *Config) Validate() error {
	var errs []error
	if c.StreamDelay < 0 {
		errs = append(errs, fmt.Errorf("stream_delay: must not be negative, got %s", c.StreamDelay))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes: must not be negative, got %d", c.MaxBodyBytes))
	}
	if c.MaxReceived < 0 {
		errs = append(errs, fmt.Errorf("max_received: must not be negative, got %d", c.MaxReceived))
	}
	for i, p := range c.OriginPatterns {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("origin_patterns[%d]: invalid pattern %q: %w", i, p, err))
		}
	}
	c.fillDefaults()
	return errors.Join(errs...)
}

// fillDefaults replaces zero and invalid sizes with their defaults.
func (c *Config) fillDefaults() {
	if c.StreamDelay < 0 {
		c.StreamDelay = 0
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxReceived <= 0 {
		c.MaxReceived = DefaultMaxReceived
	}
}

// HoldAfter returns a Config.StreamGate that lets the first n events of every stream
// through and then waits until release is closed (or the request ends). A test closes
// release once it has seen the first events, proving nothing in between buffered them.
func HoldAfter(n int, release <-chan struct{}) func(ctx context.Context, sent int) error {
	return func(ctx context.Context, sent int) error {
		if sent != n {
			return nil
		}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
