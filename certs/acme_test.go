package certs

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
)

// pebble is an in-process Pebble ACME server on loopback.
type pebble struct {
	directory  string // ACME directory URL
	serverRoot string // PEM file trusting the directory's HTTPS certificate
	issuerRoot *x509.Certificate
}

// startPebble wires Pebble's CA, VA and WFE the way cmd/pebble does, with the VA always
// validating (PEBBLE_VA_ALWAYS_VALID) and never sleeping (PEBBLE_VA_NOSLEEP), so no challenge
// has to be reachable from it. Pebble reads these from the environment, hence t.Setenv.
func startPebble(t *testing.T) pebble {
	t.Helper()
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "1")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	t.Setenv("PEBBLE_AUTHZREUSE", "0")

	logger := log.New(newTestLogWriter(t), "pebble ", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{
		"default": {Description: "The default profile"},
	})
	validator := va.New(logger, 80, 443, false, "", store)
	frontend := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)

	acmeSrv := httptest.NewTLSServer(frontend.Handler())
	t.Cleanup(acmeSrv.Close)
	mgmtSrv := httptest.NewTLSServer(frontend.ManagementHandler())
	t.Cleanup(mgmtSrv.Close)

	serverRoot := filepath.Join(t.TempDir(), "pebble-server-root.pem")
	writeFile(t, serverRoot, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: acmeSrv.Certificate().Raw}))

	// the issuing root, fetched the way an operator would: from the management interface
	resp, err := mgmtSrv.Client().Get(mgmtSrv.URL + wfe.RootCertPath + "0")
	if err != nil {
		t.Fatalf("fetching pebble root: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("fetching pebble root: status %d, %v", resp.StatusCode, err)
	}
	block, _ := pem.Decode(body)
	if block == nil {
		t.Fatal("pebble root is not PEM")
	}
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return pebble{directory: acmeSrv.URL + wfe.DirectoryPath, serverRoot: serverRoot, issuerRoot: root}
}

// loopbackPort binds a loopback port and returns the listener and its port number.
func loopbackPort(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, ln.Addr().(*net.TCPAddr).Port
}

func TestACMEObtainsCertificateFromPebble(t *testing.T) {
	pb := startPebble(t)

	// Veil's own listeners hold the challenge ports on loopback; certmagic finds them taken and
	// relies on them (HTTP-01 through HTTPChallengeHandler, TLS-ALPN-01 through TLSConfig)
	// instead of binding every interface itself.
	httpLn, httpPort := loopbackPort(t)
	tlsLn, tlsPort := loopbackPort(t)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := Config{Mode: ModeACME, ACME: ACMEConfig{
		Domains:        []string{"veil.test"},
		Email:          "ops@veil.test",
		CA:             pb.directory,
		RootCAFile:     pb.serverRoot,
		AltHTTPPort:    httpPort,
		AltTLSALPNPort: tlsPort,
		ObtainOnStart:  true,
	}}
	dataDir := t.TempDir()
	m, err := New(ctx, cfg, dataDir, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Close() })

	if err := m.Ready(); err != nil {
		t.Fatalf("Ready() after obtaining = %v", err)
	}
	if got, want := m.HSTS(), "max-age=31536000"; got != want {
		t.Errorf("HSTS() = %q, want %q", got, want)
	}
	tlsCfg := m.TLSConfig()
	if got := tlsCfg.NextProtos; len(got) != 3 || got[2] != "acme-tls/1" {
		t.Errorf("NextProtos = %v, want h2, http/1.1, acme-tls/1", got)
	}

	go func() {
		_ = http.Serve(httpLn, m.HTTPChallengeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
		})))
	}()
	addr := serveTLSOn(t, tlsLn, tlsCfg)

	st := checkTLS13Only(t, addr, "veil.test", poolOf(pb.issuerRoot))
	leaf := st.PeerCertificates[0]
	if err := leaf.VerifyHostname("veil.test"); err != nil {
		t.Errorf("leaf: %v", err)
	}
	if got := st.VerifiedChains[0][len(st.VerifiedChains[0])-1]; !got.Equal(pb.issuerRoot) {
		t.Errorf("chain ends in %q, want Pebble's root %q", got.Subject, pb.issuerRoot.Subject)
	}

	// requests that are not challenges reach the wrapped handler
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(httpPort) + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("non-challenge request: status %d, want the wrapped handler's", resp.StatusCode)
	}

	// a second manager on the same data dir serves the stored certificate without a new order
	m.Close()
	again, err := New(ctx, cfg, dataDir, testLogger(t))
	if err != nil {
		t.Fatalf("second New: %v", err)
	}
	t.Cleanup(func() { again.Close() })
	st2 := checkTLS13Only(t, serveTLS(t, again.TLSConfig()), "veil.test", poolOf(pb.issuerRoot))
	if !st2.PeerCertificates[0].Equal(leaf) {
		t.Error("second manager obtained a new certificate instead of reusing the stored one")
	}
}
