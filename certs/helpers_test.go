package certs

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// testLogWriter forwards to t.Log until the test ends, then drops writes: libraries such as
// certmagic may log from goroutines that outlive the test.
type testLogWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func newTestLogWriter(t testing.TB) io.Writer {
	w := &testLogWriter{t: t}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return w
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(string(p))
	}
	return len(p), nil
}

func testLogger(t testing.TB) zerolog.Logger {
	return zerolog.New(newTestLogWriter(t)).With().Timestamp().Logger()
}

// serveTLS serves an HTTP handler with cfg on a loopback listener and returns its address.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveTLSOn(t, ln, cfg)
}

func serveTLSOn(t *testing.T, ln net.Listener, cfg *tls.Config) string {
	t.Helper()
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "ok")
		}),
		TLSConfig: cfg,
		ErrorLog:  log.New(newTestLogWriter(t), "server ", 0),
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// dialTLS makes a TLS handshake to addr with the given SNI, trust roots and maximum version.
func dialTLS(addr, serverName string, roots *x509.CertPool, maxVersion uint16) (tls.ConnectionState, error) {
	d := tls.Dialer{Config: &tls.Config{
		ServerName: serverName,
		RootCAs:    roots,
		MinVersion: tls.VersionTLS12,
		MaxVersion: maxVersion,
		NextProtos: []string{"h2", "http/1.1"},
	}}
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.(*tls.Conn).ConnectionState(), nil
}

// checkTLS13Only asserts that a TLS 1.2-only client is refused and a TLS 1.3 client verifies
// against roots, returning the TLS 1.3 connection state.
func checkTLS13Only(t *testing.T, addr, serverName string, roots *x509.CertPool) tls.ConnectionState {
	t.Helper()
	if _, err := dialTLS(addr, serverName, roots, tls.VersionTLS12); err == nil {
		t.Fatal("TLS 1.2 client: handshake succeeded, want refusal")
	}
	st, err := dialTLS(addr, serverName, roots, tls.VersionTLS13)
	if err != nil {
		t.Fatalf("TLS 1.3 client: %v", err)
	}
	if st.Version != tls.VersionTLS13 {
		t.Fatalf("negotiated version %x, want TLS 1.3", st.Version)
	}
	if st.NegotiatedProtocol != "h2" {
		t.Errorf("negotiated protocol %q, want h2", st.NegotiatedProtocol)
	}
	return st
}

func poolOf(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func poolFromFile(t *testing.T, path string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		t.Fatalf("%s: no certificates", path)
	}
	return p
}

// testCA is a throwaway CA for files-mode tests.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Veil Test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCA{cert: cert, key: key}
}

// writeLeaf issues a leaf for names with the given serial and writes cert.pem and key.pem into dir.
func (ca testCA) writeLeaf(t *testing.T, dir string, serial int64, names ...string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
