package e2e

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestValidateReportsEveryMistake(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	os.WriteFile(path, []byte(`
upstream:
  url: ftp://bot
  retries: 3
routes:
  - name: chat
    path: chat
    kind: chat
`), 0o600)
	out, err := exec.Command(veilBin, "validate", "--config", path).CombinedOutput()
	if err == nil {
		t.Fatalf("validate accepted a bad file:\n%s", out)
	}
	for _, want := range []string{"3 configuration problem(s)", "upstream.url:", "upstream.retries: unknown key (line 4)", "routes[0].path: must start with /"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(fmt.Sprintf(veilConfig, "http://127.0.0.1:1")), 0o600)
	if out, err := exec.Command(veilBin, "validate", "--config", good).CombinedOutput(); err != nil {
		t.Fatalf("validate refused a good file: %v\n%s", err, out)
	}
}

// writeTestCert writes a CA-signed localhost certificate and returns the CA pool.
func writeTestCert(t *testing.T, dir string) (*x509.CertPool, string, string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return pool, certFile, keyFile
}

func TestFilesModeTLS13AndHSTS(t *testing.T) {
	b := startBot(t, false)
	pool, certFile, keyFile := writeTestCert(t, t.TempDir())
	cfg := strings.Replace(fmt.Sprintf(veilConfig, b.URL), "mode: self-signed",
		"mode: files\n  cert_file: "+certFile+"\n  key_file: "+keyFile, 1)
	v := startVeil(t, cfg)
	host := strings.TrimPrefix(v.publicURL, "https://")
	if c, err := tls.Dial("tcp", host, &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: tls.VersionTLS12}); err == nil {
		c.Close()
		t.Fatal("TLS 1.2 accepted in files mode")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}}}
	res, err := client.Get(v.publicURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.TLS.Version != tls.VersionTLS13 {
		t.Errorf("TLS version %x", res.TLS.Version)
	}
	if !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS header in files mode: %q", res.Header.Get("Strict-Transport-Security"))
	}
}

func TestReloadKeepsOldConfigOnFailure(t *testing.T) {
	b := startBot(t, false)
	base := fmt.Sprintf(veilConfig, b.URL)
	v := startVeil(t, strings.Replace(base, "    path: /webhooks/rest/webhook", "    path: /rest-v1", 1))
	status := func(path string) int {
		res, _ := v.post(path, "application/json", []byte(`{"sender":"a","message":"x"}`), nil)
		return res.StatusCode
	}
	if got := status("/rest-v1"); got != 404 { // the bot has no such path; Veil routes it as chat
		t.Fatalf("before reload: /rest-v1 = %d", got)
	}
	// A broken file is rejected and the running configuration stays.
	v.writeConfig(base + "\nbogus_key: 1\n")
	v.signal(syscall.SIGHUP)
	waitLog(t, v, "config reload rejected")
	if got := status("/rest-v1"); got != 404 {
		t.Fatalf("after rejected reload: /rest-v1 = %d", got)
	}
	// A good file takes effect without a restart.
	v.writeConfig(base)
	v.signal(syscall.SIGHUP)
	waitLog(t, v, "configuration reloaded")
	if got := status("/webhooks/rest/webhook"); got != 200 {
		t.Fatalf("after reload: rasa route = %d", got)
	}
	res, err := http.Get(v.adminURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`veil_config_reloads_total{result="ok"} 1`, `veil_config_reloads_total{result="rejected"} 1`, `veil_http_requests_total{code="200",kind="chat",route="rasa"}`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func waitLog(t *testing.T, v *veil, msg string) {
	t.Helper()
	for i := 0; i < 400; i++ {
		if strings.Contains(v.Logs(), msg) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("log never said %q\n%s", msg, v.Logs())
}

// TestShutdownDrainsStreams sends SIGTERM while an SSE reply is in flight: the stream completes,
// new connections are refused, and the process exits cleanly.
func TestShutdownDrainsStreams(t *testing.T) {
	b := startBot(t, true)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	req, _ := http.NewRequest("POST", v.publicURL+"/v1/chat/completions",
		strings.NewReader(`{"model":"demo","stream":true,"messages":[{"role":"user","content":"drain me"}]}`))
	req.Header.Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := v.client.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rd := bufio.NewReader(res.Body)
	if _, err := rd.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	v.signal(syscall.SIGTERM)
	waitLog(t, v, "shutting down")
	close(b.release)
	rest, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("stream cut during drain: %v", err)
	}
	if !strings.Contains(string(rest), "data: [DONE]") {
		t.Fatalf("stream did not finish: %q", rest)
	}
	if err := v.wait(30 * time.Second); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestNoPersonalDataInLogs sends personal data in bodies, paths, query strings and headers and
// checks that none of it appears in Veil's logs, at debug level.
func TestNoPersonalDataInLogs(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	planted := []string{"maria.lopez@example.org", "+34612345678", "ES9121000418450200051332", "Maria Lopez"}
	body := fmt.Sprintf(`{"sender":"%s","message":"I am %s, call %s, IBAN %s"}`, planted[0], planted[3], planted[1], planted[2])
	v.post("/webhooks/rest/webhook?email="+planted[0], "application/json", []byte(body), map[string]string{"X-User": planted[3]})
	v.post("/webhooks/rest/webhook", "application/json", []byte(strings.Repeat(body, 3000)), nil) // 413
	v.post("/webhooks/rest/webhook", "application/json", []byte(body), map[string]string{"Content-Encoding": "bogus"})
	v.post("/static/"+planted[0], "text/plain", []byte(body), nil)
	v.post("/webhooks/rest/webhook", "text/plain; charset=utf-8", []byte("\xff"+planted[0]), nil)
	logs := v.Logs()
	for _, p := range planted {
		if strings.Contains(logs, p) {
			t.Errorf("logs contain %q", p)
		}
	}
	if !strings.Contains(logs, `"status":413`) || !strings.Contains(logs, `"status":415`) {
		t.Errorf("refusals were not logged:\n%s", logs)
	}
}
