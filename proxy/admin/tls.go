package admin

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
)

// TLSConfig returns the admin listener's TLS configuration (TLS 1.3 only, client certificates
// required and verified when client_ca_file is set), or nil when TLS is not configured.
func (c Config) TLSConfig() (*tls.Config, error) {
	t := c.TLS
	if !t.Enabled() {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("loading admin certificate: %w", err)
	}
	tc := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"http/1.1"},
	}
	if t.ClientCAFile != "" {
		pem, err := os.ReadFile(t.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("reading admin client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("reading admin client CA: no PEM certificate in the file")
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

// Listener wraps ln in TLS when the admin listener is configured for it, and returns ln otherwise.
// The certificate, key and client CA are the ones ReloadTLS last loaded.
func (s *Server) Listener(ln net.Listener) (net.Listener, error) {
	a := s.api.Load()
	if a == nil {
		return ln, nil
	}
	rt, err := newReloadingTLS(a.cfg)
	if err != nil || rt == nil {
		return ln, err
	}
	s.tls.Store(rt)
	return rt.listener(ln), nil
}

// ReloadTLS re-reads the admin listener's certificate, key and client CA files (rotated by
// certbot, cert-manager and the like) for the handshakes that follow. When a file cannot be read
// or parsed, the listener keeps what it has and the error says why. Without admin.tls, or before
// Listener, it does nothing.
func (s *Server) ReloadTLS() error {
	if rt := s.tls.Load(); rt != nil {
		return rt.reload()
	}
	return nil
}

// reloadingTLS serves every handshake with the TLS configuration it last loaded.
type reloadingTLS struct {
	cfg Config
	cur atomic.Pointer[tls.Config]
}

// newReloadingTLS loads cfg's TLS files; nil, nil without admin.tls.
func newReloadingTLS(cfg Config) (*reloadingTLS, error) {
	tc, err := cfg.TLSConfig()
	if err != nil || tc == nil {
		return nil, err
	}
	rt := &reloadingTLS{cfg: cfg}
	rt.cur.Store(tc)
	return rt, nil
}

func (rt *reloadingTLS) reload() error {
	tc, err := rt.cfg.TLSConfig()
	if err != nil {
		return err
	}
	rt.cur.Store(tc)
	return nil
}

func (rt *reloadingTLS) listener(ln net.Listener) net.Listener {
	return tls.NewListener(ln, &tls.Config{
		MinVersion: tls.VersionTLS13,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return rt.cur.Load(), nil
		},
	})
}
