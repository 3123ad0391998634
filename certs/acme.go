package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/caddyserver/certmagic"
	"github.com/rs/zerolog"
)

// acmeStorageDir is certmagic's file storage under the data dir (account keys, certificates, locks).
const acmeStorageDir = "certmagic"

// acmeSource obtains and renews certificates with certmagic and answers its challenges.
type acmeSource struct {
	domains []string
	magic   *certmagic.Config
	cache   *certmagic.Cache
	issuer  *certmagic.ACMEIssuer
	stop    sync.Once
}

func newACME(ctx context.Context, cfg ACMEConfig, dataDir string, log zerolog.Logger) (*acmeSource, error) {
	roots, err := acmeTrustedRoots(cfg.RootCAFile)
	if err != nil {
		return nil, err
	}
	zl := newZapLogger(log)

	a := &acmeSource{domains: cfg.Domains}
	a.cache = certmagic.NewCache(certmagic.CacheOptions{
		GetConfigForCert: func(certmagic.Certificate) (*certmagic.Config, error) { return a.magic, nil },
		Logger:           zl,
	})
	a.magic = certmagic.New(a.cache, certmagic.Config{
		Storage: &certmagic.FileStorage{Path: filepath.Join(dataDir, acmeStorageDir)},
		Logger:  zl,
	})
	a.issuer = certmagic.NewACMEIssuer(a.magic, certmagic.ACMEIssuer{
		CA:                      cfg.CA,
		TestCA:                  cfg.TestCA,
		Email:                   cfg.Email,
		Agreed:                  true,
		DisableHTTPChallenge:    cfg.DisableHTTPChallenge,
		DisableTLSALPNChallenge: cfg.DisableTLSALPNChallenge,
		AltHTTPPort:             cfg.AltHTTPPort,
		AltTLSALPNPort:          cfg.AltTLSALPNPort,
		TrustedRoots:            roots,
		Logger:                  zl,
	})
	a.magic.Issuers = []certmagic.Issuer{a.issuer}

	log.Info().Strs(logFieldNames, cfg.Domains).Str(logFieldIssuer, cfg.CA).Msg("managing certificates with ACME")
	manage := a.magic.ManageAsync
	if cfg.ObtainOnStart {
		manage = a.magic.ManageSync
	}
	if err := manage(ctx, cfg.Domains); err != nil {
		a.close()
		return nil, fmt.Errorf("obtaining certificates for %s: %w", strings.Join(cfg.Domains, ", "), err)
	}
	return a, nil
}

// acmeTrustedRoots is the system pool plus the roots in file, for talking to a private ACME CA; nil
// (system roots) when no file is configured.
func acmeTrustedRoots(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading acme root CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("reading acme root CA file %s: no PEM certificates found", file)
	}
	return pool, nil
}

func (a *acmeSource) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	return a.magic.GetCertificate(hello)
}

func (a *acmeSource) nextProtos() []string { return []string{protoACMETLS1} }

func (a *acmeSource) httpChallengeHandler(next http.Handler) http.Handler {
	return a.issuer.HTTPChallengeHandler(next)
}

// ready reports the first domain that has no unexpired certificate in the cache yet.
func (a *acmeSource) ready() error {
	for _, d := range a.domains {
		ok := false
		for _, c := range a.cache.AllMatchingCertificates(d) {
			if !c.Expired() {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("no certificate yet for %s", d)
		}
	}
	return nil
}

func (a *acmeSource) close() { a.stop.Do(a.cache.Stop) }

var (
	_ source           = (*acmeSource)(nil)
	_ alpnProtos       = (*acmeSource)(nil)
	_ challengeHandler = (*acmeSource)(nil)
	_ readiness        = (*acmeSource)(nil)
	_ closer           = (*acmeSource)(nil)
)
