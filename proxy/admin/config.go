package admin

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Defaults filled in by Validate.
const (
	DefaultListen             = "127.0.0.1:9090"
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultSessionMaxAge      = 12 * time.Hour
	DefaultTokenMaxTTL        = 90 * 24 * time.Hour
	DefaultLockoutThreshold   = 5
	DefaultLockoutDuration    = 15 * time.Minute
	DefaultLoginRate          = 10 // attempts per minute, per identity and per client address
)

// Config is the admin block of Veil's configuration. It must stay comparable with == (the app
// compares the running block with a reloaded one): scalars and structs of scalars only.
type Config struct {
	// Listen is the admin listener's address. It must not be the public one. Default "127.0.0.1:9090".
	// On a non-loopback address /healthz, /readyz and /metrics also require a token.
	Listen string `yaml:"listen"`
	// SessionIdleTimeout ends an interactive session after this long without a request (default 30m).
	SessionIdleTimeout time.Duration `yaml:"session_idle_timeout"`
	// SessionMaxAge ends an interactive session this long after login, active or not (default 12h).
	SessionMaxAge time.Duration `yaml:"session_max_age"`
	// TokenMaxTTL is the longest lifetime an API token may be issued with (default 2160h, 90 days).
	TokenMaxTTL time.Duration `yaml:"token_max_ttl"`
	// Lockout locks an identity after repeated failed logins.
	Lockout LockoutConfig `yaml:"lockout"`
	// LoginRatePerMinute caps login attempts per identity name and, separately, per client address
	// (kept in memory only) (default 10).
	LoginRatePerMinute int `yaml:"login_rate_per_minute"`
	// TLS serves the admin listener over TLS 1.3, optionally requiring client certificates.
	TLS TLSConfig `yaml:"tls"`
}

// LockoutConfig says when an identity is locked after failed logins.
type LockoutConfig struct {
	// Threshold is how many consecutive failed logins lock the identity (default 5).
	Threshold int `yaml:"threshold"`
	// Duration is how long the lock lasts (default 15m). An admin can lift it earlier.
	Duration time.Duration `yaml:"duration"`
}

// TLSConfig is the admin listener's own certificate and, optionally, the CA its clients must present
// certificates from (mTLS).
type TLSConfig struct {
	// CertFile and KeyFile are a PEM certificate chain and its key. Both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile, when set, requires every client to present a certificate signed by one of these
	// PEM CAs (RequireAndVerifyClientCert). Needs cert_file and key_file.
	ClientCAFile string `yaml:"client_ca_file"`
}

// Enabled reports whether the listener serves TLS.
func (t TLSConfig) Enabled() bool { return t.CertFile != "" }

// Validate fills defaults and reports every problem at once, with paths relative to the admin block.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen: %q is not host:port", c.Listen)
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"session_idle_timeout", &c.SessionIdleTimeout, DefaultSessionIdleTimeout},
		{"session_max_age", &c.SessionMaxAge, DefaultSessionMaxAge},
		{"token_max_ttl", &c.TokenMaxTTL, DefaultTokenMaxTTL},
		{"lockout.duration", &c.Lockout.Duration, DefaultLockoutDuration},
	}
	for _, d := range durations {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < time.Minute:
			bad("%s: %s is shorter than 1m", d.name, *d.v)
		}
	}
	if c.SessionIdleTimeout > c.SessionMaxAge {
		bad("session_idle_timeout: %s is longer than session_max_age (%s)", c.SessionIdleTimeout, c.SessionMaxAge)
	}
	if c.Lockout.Threshold == 0 {
		c.Lockout.Threshold = DefaultLockoutThreshold
	} else if c.Lockout.Threshold < 1 || c.Lockout.Threshold > 100 {
		bad("lockout.threshold: %d is not between 1 and 100", c.Lockout.Threshold)
	}
	if c.LoginRatePerMinute == 0 {
		c.LoginRatePerMinute = DefaultLoginRate
	} else if c.LoginRatePerMinute < 1 || c.LoginRatePerMinute > 600 {
		bad("login_rate_per_minute: %d is not between 1 and 600", c.LoginRatePerMinute)
	}
	t := c.TLS
	if (t.CertFile == "") != (t.KeyFile == "") {
		bad("tls: cert_file and key_file go together")
	}
	if t.ClientCAFile != "" && t.CertFile == "" {
		bad("tls.client_ca_file: needs tls.cert_file and tls.key_file")
	}
	return errors.Join(errs...)
}

// Loopback reports whether the admin listener only accepts connections from this machine.
func (c *Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
