package certs

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSelfSignedServesTLS13WithDevCA(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	m, err := New(context.Background(), Config{Mode: ModeSelfSigned, Names: []string{"veil.localhost", "10.1.2.3"}}, dataDir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	if got, want := m.RootCAPath(), filepath.Join(dataDir, "certs", "ca.pem"); got != want {
		t.Fatalf("RootCAPath() = %q, want %q", got, want)
	}
	if m.HSTS() != "" {
		t.Errorf("HSTS() = %q, want off by default in self-signed mode", m.HSTS())
	}
	if err := m.Ready(); err != nil {
		t.Errorf("Ready() = %v", err)
	}
	checkPerm(t, filepath.Join(dataDir, "certs"), 0o700)
	checkPerm(t, filepath.Join(dataDir, "certs", "ca-key.pem"), 0o600)

	roots := poolFromFile(t, m.RootCAPath())
	addr := serveTLS(t, m.TLSConfig())
	for _, name := range []string{"localhost", "127.0.0.1", "::1", "veil.localhost", "10.1.2.3"} {
		t.Run(name, func(t *testing.T) {
			st := checkTLS13Only(t, addr, name, roots)
			ca := st.VerifiedChains[0][len(st.VerifiedChains[0])-1]
			if ca.Subject.CommonName != "Veil Local Development CA" {
				t.Errorf("chain ends in %q", ca.Subject.CommonName)
			}
		})
	}
}

func TestSelfSignedReusesCA(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	first, err := New(context.Background(), Config{Mode: ModeSelfSigned}, dataDir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	caBefore, err := os.ReadFile(first.RootCAPath())
	if err != nil {
		t.Fatal(err)
	}

	second, err := New(context.Background(), Config{Mode: ModeSelfSigned}, dataDir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	caAfter, err := os.ReadFile(second.RootCAPath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(caBefore, caAfter) {
		t.Fatal("second New replaced the development CA")
	}

	// the second manager's leaf chains to the CA the first run created
	block, _ := pem.Decode(caBefore)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if ca.Subject.CommonName != devCAName || !ca.IsCA {
		t.Fatalf("CA subject %q IsCA=%v", ca.Subject.CommonName, ca.IsCA)
	}
	if life := ca.NotAfter.Sub(ca.NotBefore); life < 10*365*24*time.Hour {
		t.Errorf("CA lifetime %v, want 10 years", life)
	}
	if ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("CA key algorithm %v, want ECDSA", ca.PublicKeyAlgorithm)
	}
	checkTLS13Only(t, serveTLS(t, second.TLSConfig()), "localhost", poolOf(ca))
}

func TestSelfSignedRefusesUnreadableCA(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	if _, err := New(context.Background(), Config{Mode: ModeSelfSigned}, dataDir, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	caPath := filepath.Join(dataDir, "certs", "ca.pem")
	writeFile(t, caPath, []byte("not a certificate"))
	if _, err := New(context.Background(), Config{Mode: ModeSelfSigned}, dataDir, testLogger(t)); err == nil {
		t.Fatal("New succeeded with a corrupt CA, want an error")
	}
	if got, _ := os.ReadFile(caPath); string(got) != "not a certificate" {
		t.Fatal("corrupt CA was overwritten; users who trusted the old one would be locked out")
	}
}

func TestSelfSignedReissuesLeafNearExpiry(t *testing.T) {
	t.Parallel()
	s, err := newSelfSigned(nil, t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.now = func() time.Time { return start }
	first, err := s.getCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.getCertificate(nil); again != first {
		t.Fatal("leaf re-issued while far from expiry")
	}

	s.now = func() time.Time { return first.Leaf.NotAfter.Add(-devLeafMinLeft + time.Minute) }
	renewed, err := s.getCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == first || !renewed.Leaf.NotAfter.After(first.Leaf.NotAfter) {
		t.Fatal("leaf not re-issued near expiry")
	}
	if _, err := renewed.Leaf.Verify(x509.VerifyOptions{Roots: poolOf(s.caCert), DNSName: "localhost", CurrentTime: s.now()}); err != nil {
		t.Fatalf("re-issued leaf does not verify: %v", err)
	}
}

func checkPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s mode %o, want %o", path, got, want)
	}
}
