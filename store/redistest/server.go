package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultBinary is where Debian and Ubuntu install redis-server; $VEIL_REDIS_SERVER overrides it
// and $PATH is tried after it.
const DefaultBinary = "/usr/bin/redis-server"

// startTimeout bounds how long a server may take to accept connections; it is a setup limit, not
// an assertion about speed.
const startTimeout = 20 * time.Second

// Server is one redis-server process on a loopback port with its own temporary directory.
type Server struct {
	t       testing.TB
	bin     string
	dir     string
	port    int
	busPort int // a Cluster node's bus port, chosen on its first start
	opts    options

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	out  *syncBuffer
}

type options struct {
	appendOnly bool
	policy     string
	maxMemory  string
	args       []string
	cluster    bool   // a Cluster node, with a bus port of its own
	sentinel   string // a Sentinel monitoring this master (host:port) as SentinelMaster
}

// Option configures Start.
type Option func(*options)

// WithAppendOnly turns the append-only file on (fsync every write), so data survives Restart.
func WithAppendOnly() Option { return func(o *options) { o.appendOnly = true } }

// WithMaxMemoryPolicy sets maxmemory-policy (the default here, as in redis.conf, is noeviction).
func WithMaxMemoryPolicy(policy string) Option { return func(o *options) { o.policy = policy } }

// WithMaxMemory sets maxmemory ("64mb"), to test behaviour when Redis is full.
func WithMaxMemory(size string) Option { return func(o *options) { o.maxMemory = size } }

// WithArgs adds raw redis-server arguments ("--requirepass", "secret").
func WithArgs(args ...string) Option { return func(o *options) { o.args = append(o.args, args...) } }

// Start runs redis-server on a free loopback port until the test ends. Without the binary it skips
// the test, unless $CI is set, where a missing binary fails the test instead.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin, err := findBinary()
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("redistest: %v: install redis-server (apt-get install redis-server) or set VEIL_REDIS_SERVER to run this test", err)
		}
		t.Fatalf("redistest: %v (CI is set, so a missing redis-server fails instead of skipping)", err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	for _, o := range opts {
		o(&s.opts)
	}
	t.Cleanup(s.kill)
	var lastErr error
	for range 5 { // another process may take the ports between choosing and binding them
		s.busPort = 0
		s.port, err = freePort()
		if err != nil {
			t.Fatalf("redistest: choosing a port: %v", err)
		}
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("redistest: starting redis-server: %v", lastErr)
	return nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Dir is the server's working directory (RDB and AOF files).
func (s *Server) Dir() string { return s.dir }

// Client returns a go-redis client for the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop shuts the server down gracefully (SIGTERM) and waits for it to exit; connections fail until
// Restart. Call it from the test goroutine.
func (s *Server) Stop() {
	s.t.Helper()
	if err := s.signal(syscall.SIGTERM); err != nil {
		s.t.Fatalf("redistest: stopping redis-server: %v", err)
	}
}

// Kill stops the server abruptly (SIGKILL), like a crash: without the append-only file, data is lost.
func (s *Server) Kill() {
	s.t.Helper()
	if err := s.signal(syscall.SIGKILL); err != nil {
		s.t.Fatalf("redistest: killing redis-server: %v", err)
	}
}

// Restart stops the server if it is running and starts it again on the same port and directory.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.signal(syscall.SIGTERM); err != nil {
		s.t.Fatalf("redistest: stopping redis-server: %v", err)
	}
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restarting redis-server: %v", err)
	}
}

func (s *Server) kill() { _ = s.signal(syscall.SIGKILL) }

// signal stops the running process with sig and waits for it (escalating to SIGKILL after a while).
func (s *Server) signal(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(startTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
	return nil
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	appendOnly := "no"
	if s.opts.appendOnly {
		appendOnly = "yes"
	}
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", appendOnly,
		"--appendfsync", "always",
		"--daemonize", "no",
		"--logfile", "",
		"--loglevel", "warning",
	}
	if s.opts.policy != "" {
		args = append(args, "--maxmemory-policy", s.opts.policy)
	}
	if s.opts.maxMemory != "" {
		args = append(args, "--maxmemory", s.opts.maxMemory)
	}
	if s.opts.cluster {
		if s.busPort == 0 {
			p, err := freePort()
			if err != nil {
				return err
			}
			s.busPort = p
		}
		args = append(args, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(s.busPort), "--cluster-node-timeout", "2000",
			// A replica's first sync starts at once instead of waiting 5 s for more replicas.
			"--repl-diskless-sync-delay", "0")
	}
	if s.opts.sentinel != "" {
		conf, err := s.sentinelConfig()
		if err != nil {
			return err
		}
		args = append(append([]string{conf}, args...), "--sentinel")
	}
	args = append(args, s.opts.args...)
	cmd := exec.Command(s.bin, args...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = s.dir
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	if err := waitReady(s.Addr(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%w; output:\n%s", err, out.String())
	}
	s.cmd, s.done, s.out = cmd, done, out
	return nil
}

// waitReady pings until the server answers (anything but LOADING: NOAUTH means it is up and wants
// a password), it exits, or startTimeout passes.
func waitReady(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited during startup")
		default:
		}
		if ping(addr) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("redis-server did not answer within %s", startTimeout)
}

func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && !strings.HasPrefix(line, "-LOADING")
}

func findBinary() (string, error) {
	if p := os.Getenv("VEIL_REDIS_SERVER"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$VEIL_REDIS_SERVER: %w", err)
		}
		return p, nil
	}
	if _, err := os.Stat(DefaultBinary); err == nil {
		return DefaultBinary, nil
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("redis-server not found at %s or in $PATH", DefaultBinary)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the server's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
