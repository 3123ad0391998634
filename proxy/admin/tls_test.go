package admin

import (
	"bytes"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestTLSReload: the listener serves the certificate it last loaded; a rotation of the files
// takes effect on reload, for new connections, and files that cannot be loaded leave the
// listener with what it had.
func TestTLSReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certA, keyA := writeSelfSigned(t, mkdir(t, dir, "a"))
	certB, keyB := writeSelfSigned(t, mkdir(t, dir, "b"))
	live := mkdir(t, dir, "live")
	install := func(cert, key string) {
		t.Helper()
		for src, dst := range map[string]string{cert: "admin.crt", key: "admin.key"} {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(live, dst), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	install(certA, keyA)
	cfg := Config{TLS: TLSConfig{CertFile: filepath.Join(live, "admin.crt"), KeyFile: filepath.Join(live, "admin.key")}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rt, err := newReloadingTLS(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln = rt.listener(ln)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	served := func() []byte {
		t.Helper()
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Raw
	}
	der := func(path string) []byte {
		t.Helper()
		c, err := tls.LoadX509KeyPair(path, map[string]string{certA: keyA, certB: keyB}[path])
		if err != nil {
			t.Fatal(err)
		}
		return c.Certificate[0]
	}

	if !bytes.Equal(served(), der(certA)) {
		t.Fatal("not serving the first certificate")
	}
	install(certB, keyB)
	if !bytes.Equal(served(), der(certA)) {
		t.Fatal("the certificate changed before the reload")
	}
	if err := rt.reload(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(served(), der(certB)) {
		t.Fatal("the reload did not rotate the certificate")
	}
	if err := os.WriteFile(filepath.Join(live, "admin.key"), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rt.reload(); err == nil {
		t.Fatal("a broken key was accepted")
	}
	if !bytes.Equal(served(), der(certB)) {
		t.Fatal("a failed reload changed the certificate")
	}
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	d := filepath.Join(parent, name)
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	return d
}
