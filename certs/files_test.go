package certs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestFilesServesTLS13AndReloads(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	dir := t.TempDir()
	certFile, keyFile := ca.writeLeaf(t, dir, 1001, "veil.example")

	m, err := New(context.Background(), Config{Mode: ModeFiles, CertFile: certFile, KeyFile: keyFile}, "", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.HSTS(), "max-age=31536000"; got != want {
		t.Errorf("HSTS() = %q, want %q", got, want)
	}
	if m.RootCAPath() != "" {
		t.Errorf("RootCAPath() = %q outside self-signed mode", m.RootCAPath())
	}
	if err := m.Ready(); err != nil {
		t.Errorf("Ready() = %v", err)
	}
	addr := serveTLS(t, m.TLSConfig())
	roots := poolOf(ca.cert)
	serial := func() int64 {
		t.Helper()
		return checkTLS13Only(t, addr, "veil.example", roots).PeerCertificates[0].SerialNumber.Int64()
	}
	if got := serial(); got != 1001 {
		t.Fatalf("serving serial %d, want 1001", got)
	}

	// a renewed pair is picked up by Reload without restarting the listener
	ca.writeLeaf(t, dir, 1002, "veil.example")
	if err := m.Reload(); err != nil {
		t.Fatalf("Reload() = %v", err)
	}
	if got := serial(); got != 1002 {
		t.Fatalf("after Reload serving serial %d, want 1002", got)
	}

	// broken files: Reload fails and the previous pair stays in service
	writeFile(t, keyFile, []byte("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n"))
	if err := m.Reload(); err == nil {
		t.Fatal("Reload() with a broken key succeeded, want an error")
	}
	if got := serial(); got != 1002 {
		t.Fatalf("after failed Reload serving serial %d, want 1002", got)
	}

	// a key that does not match the certificate is refused too
	otherDir := t.TempDir()
	_, otherKey := ca.writeLeaf(t, otherDir, 1003, "veil.example")
	key, err := os.ReadFile(otherKey)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, keyFile, key)
	if err := m.Reload(); err == nil {
		t.Fatal("Reload() with a mismatched key succeeded, want an error")
	}
	if got := serial(); got != 1002 {
		t.Fatalf("after mismatched Reload serving serial %d, want 1002", got)
	}
}

func TestFilesNewFailsOnBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	garbage := filepath.Join(dir, "garbage.pem")
	writeFile(t, garbage, []byte("garbage"))
	for _, tc := range []struct{ desc, cert, key string }{
		{desc: "missing files", cert: missing, key: missing},
		{desc: "garbage files", cert: garbage, key: garbage},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := New(context.Background(), Config{Mode: ModeFiles, CertFile: tc.cert, KeyFile: tc.key}, "", testLogger(t))
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
		})
	}
}
