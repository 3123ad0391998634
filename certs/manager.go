package certs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"
)

// Log field names used by this package.
const (
	logFieldMode     = "tls_mode"
	logFieldNames    = "names"
	logFieldNotAfter = "not_after"
	logFieldPath     = "path"
	logFieldIssuer   = "issuer"
	logFieldSubject  = "subject"
	logFieldLogger   = "logger"
)

// source is what every mode provides: a certificate per handshake.
type source interface {
	getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error)
}

// Optional abilities of a source, checked with a type assertion.
type (
	reloader         interface{ reload() error }
	readiness        interface{ ready() error }
	challengeHandler interface {
		httpChallengeHandler(next http.Handler) http.Handler
	}
	alpnProtos interface{ nextProtos() []string }
	closer     interface{ close() }
	rootCA     interface{ rootCAPath() string }
)

// Manager owns the listener's certificates for one mode and hands out the TLS configuration.
type Manager struct {
	mode Mode
	hsts string
	src  source // nil in off mode
}

// New prepares certificates for cfg.Mode; dataDir holds the dev CA (self-signed) and certmagic's
// storage (acme). In acme mode ctx bounds background issuance and renewal: cancel it on shutdown.
func New(ctx context.Context, cfg Config, dataDir string, log zerolog.Logger) (*Manager, error) {
	cfg.Names = append([]string(nil), cfg.Names...)
	cfg.ACME.Domains = append([]string(nil), cfg.ACME.Domains...)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("validating tls config: %w", err)
	}
	if dataDir == "" && (cfg.Mode == ModeSelfSigned || cfg.Mode == ModeACME) {
		return nil, fmt.Errorf("mode %s needs a data directory", cfg.Mode)
	}
	log = log.With().Str(logFieldMode, string(cfg.Mode)).Logger()

	m := &Manager{mode: cfg.Mode}
	if *cfg.HSTS {
		m.hsts = hstsValue(cfg.HSTSMaxAge)
	}

	var err error
	switch cfg.Mode {
	case ModeOff:
		log.Warn().Msg("TLS is OFF: traffic to Veil is plaintext; only acceptable behind a TLS-terminating proxy on a trusted network")
		return m, nil
	case ModeSelfSigned:
		m.src, err = newSelfSigned(cfg.Names, dataDir, log)
	case ModeFiles:
		m.src, err = newFiles(cfg.CertFile, cfg.KeyFile, log)
	case ModeACME:
		m.src, err = newACME(ctx, cfg.ACME, dataDir, log)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// TLSConfig returns a fresh TLS 1.3-only server configuration, or nil in off mode. Certificates are
// looked up per handshake, so Reload and renewals take effect without restarting the listener.
func (m *Manager) TLSConfig() *tls.Config {
	if m.src == nil {
		return nil
	}
	var extra []string
	if p, ok := m.src.(alpnProtos); ok {
		extra = p.nextProtos()
	}
	return baseTLSConfig(m.src.getCertificate, extra...)
}

// Reload re-reads certificates that come from files (on SIGHUP); on failure the previous
// certificate stays in use and the error is returned. Other modes have nothing to reload.
func (m *Manager) Reload() error {
	if r, ok := m.src.(reloader); ok {
		return r.reload()
	}
	return nil
}

// HSTS is the Strict-Transport-Security header value to send, or "" when HSTS is off.
func (m *Manager) HSTS() string { return m.hsts }

// HTTPChallengeHandler wraps the port-80 handler so ACME HTTP-01 challenges are answered; in other
// modes it returns next unchanged.
func (m *Manager) HTTPChallengeHandler(next http.Handler) http.Handler {
	if h, ok := m.src.(challengeHandler); ok {
		return h.httpChallengeHandler(next)
	}
	return next
}

// Ready reports whether every configured name has a usable certificate (for readiness probes).
func (m *Manager) Ready() error {
	if m.src == nil {
		return nil
	}
	if r, ok := m.src.(readiness); ok {
		return r.ready()
	}
	return nil
}

// Mode is the mode the manager was built for.
func (m *Manager) Mode() Mode { return m.mode }

// RootCAPath is the PEM file of the local development CA that clients must trust in self-signed
// mode, or "" in other modes.
func (m *Manager) RootCAPath() string {
	if r, ok := m.src.(rootCA); ok {
		return r.rootCAPath()
	}
	return ""
}

// Close stops background certificate maintenance (acme mode); it is safe to call more than once.
func (m *Manager) Close() error {
	if c, ok := m.src.(closer); ok {
		c.close()
	}
	return nil
}

// errNoCertificate is returned to a handshake when no certificate is available yet.
var errNoCertificate = errors.New("no certificate available")
