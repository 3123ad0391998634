package certs

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// fileExpiryWarning is how close to expiry a file certificate must be before it is logged as a warning.
const fileExpiryWarning = 14 * 24 * time.Hour

// files serves a certificate and key read from disk; reload swaps in a new pair atomically and
// keeps the old one when the new files do not load.
type files struct {
	certFile, keyFile string
	log               zerolog.Logger
	cur               atomic.Pointer[tls.Certificate]
}

func newFiles(certFile, keyFile string, log zerolog.Logger) (*files, error) {
	f := &files{certFile: certFile, keyFile: keyFile, log: log}
	if err := f.reload(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *files) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	if c := f.cur.Load(); c != nil {
		return c, nil
	}
	return nil, errNoCertificate
}

// ready fails once the certificate in service has expired: the operator forgot to renew it.
func (f *files) ready() error {
	c := f.cur.Load()
	if c == nil {
		return errNoCertificate
	}
	if time.Now().After(c.Leaf.NotAfter) {
		return fmt.Errorf("certificate %s expired at %s", f.certFile, c.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

func (f *files) reload() error {
	pair, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		// the error names the files and the parse problem, never key material
		return fmt.Errorf("loading certificate %s and key %s: %w", f.certFile, f.keyFile, err)
	}
	if pair.Leaf == nil {
		return errors.New("loading certificate: no leaf certificate parsed")
	}
	now := time.Now()
	if now.After(pair.Leaf.NotAfter) {
		return fmt.Errorf("loading certificate %s: expired at %s", f.certFile, pair.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	f.cur.Store(&pair)

	ev := f.log.Info()
	if pair.Leaf.NotAfter.Sub(now) < fileExpiryWarning {
		ev = f.log.Warn()
	}
	ev.Str(logFieldPath, f.certFile).Str(logFieldSubject, pair.Leaf.Subject.String()).
		Str(logFieldIssuer, pair.Leaf.Issuer.String()).Strs(logFieldNames, pair.Leaf.DNSNames).
		Time(logFieldNotAfter, pair.Leaf.NotAfter).Msg("loaded TLS certificate from files")
	return nil
}

var (
	_ source    = (*files)(nil)
	_ reloader  = (*files)(nil)
	_ readiness = (*files)(nil)
)
