package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// The local development CA and the leaves it signs.
const (
	devCAName      = "Veil Local Development CA"
	devCALifetime  = 10 * 365 * 24 * time.Hour
	devCAMinLeft   = 30 * 24 * time.Hour // a CA closer than this to expiry is replaced
	devLeafLife    = 30 * 24 * time.Hour
	devLeafMinLeft = 10 * 24 * time.Hour // a leaf closer than this to expiry is re-issued
	devCertsDir    = "certs"
	devCACertFile  = "ca.pem"
	devCAKeyFile   = "ca-key.pem"
)

// defaultDevNames are always in the self-signed leaf.
var defaultDevNames = []string{"localhost", "127.0.0.1", "::1"}

// selfSigned serves leaves signed by a development CA that lives in <dataDir>/certs. The CA is
// generated once and reused so users trust it once; the leaf lives in memory and is re-issued
// before it expires.
type selfSigned struct {
	names  []string
	caPath string
	caCert *x509.Certificate
	caKey  crypto.Signer
	now    func() time.Time
	log    zerolog.Logger

	mu   sync.Mutex
	leaf *tls.Certificate
}

func newSelfSigned(extra []string, dataDir string, log zerolog.Logger) (*selfSigned, error) {
	dir := filepath.Join(dataDir, devCertsDir)
	caCert, caKey, err := loadOrCreateDevCA(dir, time.Now(), log)
	if err != nil {
		return nil, err
	}
	s := &selfSigned{
		names:  append(append([]string(nil), defaultDevNames...), extra...),
		caPath: filepath.Join(dir, devCACertFile),
		caCert: caCert,
		caKey:  caKey,
		now:    time.Now,
		log:    log,
	}
	if _, err := s.current(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *selfSigned) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return s.current()
}

func (s *selfSigned) rootCAPath() string { return s.caPath }

// current returns the leaf, issuing a new one when there is none or it is close to expiry.
func (s *selfSigned) current() (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.leaf != nil && s.leaf.Leaf.NotAfter.Sub(now) > devLeafMinLeft {
		return s.leaf, nil
	}
	leaf, err := issueDevLeaf(s.caCert, s.caKey, s.names, now)
	if err != nil {
		if s.leaf != nil && now.Before(s.leaf.Leaf.NotAfter) {
			s.log.Error().Err(err).Msg("re-issuing development certificate; keeping the current one")
			return s.leaf, nil
		}
		return nil, err
	}
	s.leaf = leaf
	s.log.Info().Strs(logFieldNames, s.names).Time(logFieldNotAfter, leaf.Leaf.NotAfter).
		Str(logFieldPath, s.caPath).Msg("issued development certificate; trust the CA at path to avoid browser warnings")
	return leaf, nil
}

// loadOrCreateDevCA loads the CA from dir, or creates it (dir 0700, key 0600) when there is none or
// it is about to expire. A CA that exists but cannot be read is an error, never silently replaced:
// users have installed it in their trust stores.
func loadOrCreateDevCA(dir string, now time.Time, log zerolog.Logger) (*x509.Certificate, crypto.Signer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating development CA directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("restricting development CA directory: %w", err)
	}
	certPath, keyPath := filepath.Join(dir, devCACertFile), filepath.Join(dir, devCAKeyFile)

	cert, key, err := loadDevCA(certPath, keyPath)
	switch {
	case err == nil && cert.NotAfter.Sub(now) > devCAMinLeft:
		log.Debug().Str(logFieldPath, certPath).Msg("reusing development CA")
		return cert, key, nil
	case err == nil:
		log.Warn().Str(logFieldPath, certPath).Time(logFieldNotAfter, cert.NotAfter).
			Msg("development CA is about to expire; generating a new one that must be trusted again")
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, nil, fmt.Errorf("loading development CA from %s (delete the directory to generate a new one): %w", dir, err)
	}

	cert, key, err = createDevCA(now)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding development CA key: %w", err)
	}
	// The key goes first: a crash in between leaves a key without a certificate, which is
	// regenerated, never a certificate paired with the wrong key.
	if err := writeFileAtomic(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, nil, fmt.Errorf("writing development CA key: %w", err)
	}
	if err := writeFileAtomic(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		return nil, nil, fmt.Errorf("writing development CA certificate: %w", err)
	}
	log.Info().Str(logFieldPath, certPath).Time(logFieldNotAfter, cert.NotAfter).Msg("generated development CA")
	return cert, key, nil
}

// loadDevCA reads the CA pair; fs.ErrNotExist means there is none yet.
func loadDevCA(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing development CA: %w", err)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok || pair.Leaf == nil || !pair.Leaf.IsCA {
		return nil, nil, errors.New("development CA files do not hold a CA certificate and signing key")
	}
	return pair.Leaf, signer, nil
}

func createDevCA(now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating development CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: devCAName, Organization: []string{"Veil"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(devCALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing development CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing development CA: %w", err)
	}
	return cert, key, nil
}

// issueDevLeaf signs a short-lived server certificate for names (DNS names and IP addresses).
func issueDevLeaf(ca *x509.Certificate, caKey crypto.Signer, names []string, now time.Time) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating development certificate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"Veil development"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(devLeafLife),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("signing development certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing development certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("generating serial number: %w", err)
	}
	return serial, nil
}

// writeFileAtomic writes data to a temporary file with perm in the same directory and renames it
// into place, so readers never see a partial file and a key is never briefly world-readable.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

var (
	_ source = (*selfSigned)(nil)
	_ rootCA = (*selfSigned)(nil)
)
