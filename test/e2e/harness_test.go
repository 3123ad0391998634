package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/veil-privacy/veil/demobot"
)

// veilBin is the veil binary built once for the whole package.
var veilBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	dir, err := os.MkdirTemp("", "veil-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	veilBin = filepath.Join(dir, "veil")
	build := exec.Command("go", "build", "-race", "-o", veilBin, "github.com/veil-privacy/veil/cmd/veil")
	if os.Getenv("VEIL_E2E_NORACE") != "" {
		build = exec.Command("go", "build", "-o", veilBin, "github.com/veil-privacy/veil/cmd/veil")
	}
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building veil:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// bot is the demo bot running in the test process as Veil's upstream.
type bot struct {
	*httptest.Server
	release chan struct{}
}

// startBot starts demobot; gate, when set, holds streamed replies after their first event until
// release is closed.
func startBot(t *testing.T, gate bool) *bot {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	b := &bot{release: make(chan struct{})}
	cfg := demobot.Config{}
	if gate {
		cfg.StreamGate = demobot.HoldAfter(1, b.release)
	}
	b.Server = httptest.NewServer(demobot.New(cfg))
	t.Cleanup(b.Close)
	t.Cleanup(func() {
		select {
		case <-b.release:
		default:
			close(b.release)
		}
	})
	return b
}

// received returns what reached the bot.
func (b *bot) received(t *testing.T) []demobot.Entry {
	t.Helper()
	res, err := http.Get(b.URL + "/debug/received")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []demobot.Entry
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// veil is a running veil process.
type veil struct {
	t         *testing.T
	cmd       *exec.Cmd
	dir       string
	config    string
	publicURL string
	adminURL  string
	client    *http.Client

	mu   sync.Mutex
	logs bytes.Buffer

	exited  chan struct{} // closed when the process has exited
	exitErr error         // the process's exit status, set before exited is closed
}

// veilConfig is the YAML template used by most tests; %s is the upstream URL.
const veilConfig = `
listen: "127.0.0.1:0"
admin:
  listen: "127.0.0.1:0"
tls:
  mode: self-signed
upstream:
  url: %s
routes:
  - name: rasa
    path: /webhooks/rest/webhook
    kind: chat
    fields: [message]
  - name: openai
    path: /v1/chat/completions
    kind: chat
  - name: anthropic
    path: /v1/messages
    kind: chat
  - name: responses
    path: /v1/responses
    kind: chat
  - name: ws
    path: /ws
    kind: websocket
  - name: assets
    path: /static
    kind: passthrough
  - name: page
    path: /
    kind: page
limits:
  max_body_bytes: 64KiB
  max_decoded_bytes: 256KiB
timeouts:
  shutdown: 20s
log:
  format: json
  level: debug
`

// startVeil writes yaml (with data_dir added) and runs `veil serve` until it is ready.
func startVeil(t *testing.T, yaml string) *veil {
	t.Helper()
	dir := t.TempDir()
	v := &veil{t: t, dir: dir, config: filepath.Join(dir, "veil.yaml"), exited: make(chan struct{})}
	v.writeConfig(yaml)
	scheme := "https"
	if strings.Contains(yaml, "mode: off") {
		scheme = "http"
	}
	v.start(scheme, "serve", "--config", v.config)
	return v
}

// startQuickstart runs `veil quickstart`, the README's first command, on free loopback ports with
// its data in a temporary directory, until it is ready.
func startQuickstart(t *testing.T) *veil {
	t.Helper()
	dir := t.TempDir()
	v := &veil{t: t, dir: dir, exited: make(chan struct{})}
	v.start("https", "quickstart", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
		"--bot-listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	return v
}

// start runs veilBin with args and waits until its public and admin listeners are up and it is
// ready; scheme is the public listener's.
func (v *veil) start(scheme string, args ...string) {
	t := v.t
	t.Helper()
	v.cmd = exec.Command(veilBin, args...)
	v.cmd.Dir = v.dir
	stderr, err := v.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	v.cmd.Stdout = io.Discard
	if err := v.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]string, 4)
	go v.readLogs(stderr, addrs)
	go func() {
		v.exitErr = v.cmd.Wait()
		close(v.exited)
	}()
	t.Cleanup(v.stop)

	var public, admin string
	deadline := time.After(60 * time.Second)
	for public == "" || admin == "" {
		select {
		case a := <-addrs:
			if a[0] == "public" {
				public = a[1]
			} else if a[0] == "admin" {
				admin = a[1]
			}
		case <-v.exited:
			t.Fatalf("veil exited before listening: %v\n%s", v.exitErr, v.Logs())
		case <-deadline:
			t.Fatalf("veil did not start listening\n%s", v.Logs())
		}
	}
	v.publicURL = scheme + "://" + public
	v.adminURL = "http://" + admin
	v.client = &http.Client{Transport: &http.Transport{TLSClientConfig: v.tlsConfig(), ForceAttemptHTTP2: true}}
	v.waitReady()
}

func (v *veil) writeConfig(yaml string) {
	v.t.Helper()
	data := "data_dir: " + filepath.Join(v.dir, "data") + "\n" + yaml
	if err := os.WriteFile(v.config, []byte(data), 0o600); err != nil {
		v.t.Fatal(err)
	}
}

// readLogs keeps every log line and reports listener addresses as they appear.
func (v *veil) readLogs(r io.Reader, addrs chan<- [2]string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		v.mu.Lock()
		v.logs.Write(line)
		v.logs.WriteByte('\n')
		v.mu.Unlock()
		var l struct{ Message, Listener, Addr string }
		if json.Unmarshal(line, &l) == nil && l.Message == "listening" {
			addrs <- [2]string{l.Listener, l.Addr}
		}
	}
}

// Logs returns everything veil has logged so far.
func (v *veil) Logs() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.logs.String()
}

// tlsConfig trusts the instance's development CA and speaks TLS 1.3.
func (v *veil) tlsConfig() *tls.Config {
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(filepath.Join(v.dir, "data", "certs", "ca.pem")); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13, ServerName: "localhost"}
}

func (v *veil) waitReady() {
	v.t.Helper()
	for i := 0; i < 600; i++ {
		res, err := http.Get(v.adminURL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	v.t.Fatalf("veil never became ready\n%s", v.Logs())
}

// signal sends sig to the process.
func (v *veil) signal(sig syscall.Signal) {
	v.t.Helper()
	if err := v.cmd.Process.Signal(sig); err != nil {
		v.t.Fatal(err)
	}
}

// wait returns the process's exit error, failing the test if it does not exit.
func (v *veil) wait(within time.Duration) error {
	v.t.Helper()
	select {
	case <-v.exited:
		return v.exitErr
	case <-time.After(within):
		v.t.Fatalf("veil did not exit\n%s", v.Logs())
		return nil
	}
}

func (v *veil) stop() {
	select {
	case <-v.exited:
		return
	default:
	}
	_ = v.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-v.exited:
	case <-time.After(30 * time.Second):
		_ = v.cmd.Process.Kill()
	}
	if v.t.Failed() {
		v.t.Logf("veil logs:\n%s", v.Logs())
	}
}

// post sends body to path through Veil.
func (v *veil) post(path, contentType string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	v.t.Helper()
	req, err := http.NewRequest("POST", v.publicURL+path, bytes.NewReader(body))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, val := range hdr {
		req.Header.Set(k, val)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := v.client.Do(req.WithContext(ctx))
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}
