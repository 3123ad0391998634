package admin

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
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

// TLSConfig is the configured listener's TLS configuration (see Config.TLSConfig); nil, nil
// before Configure or without admin.tls.
func (s *Server) TLSConfig() (*tls.Config, error) {
	a := s.api.Load()
	if a == nil {
		return nil, nil
	}
	return a.cfg.TLSConfig()
}

// Listener wraps ln in TLS when the admin listener is configured for it, and returns ln otherwise.
func (s *Server) Listener(ln net.Listener) (net.Listener, error) {
	tc, err := s.TLSConfig()
	if err != nil || tc == nil {
		return ln, err
	}
	return tls.NewListener(ln, tc), nil
}
