package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// received is what the test upstream saw.
type received struct {
	mu     sync.Mutex
	bodies []string
	hdrs   []http.Header
}

func (rc *received) add(body string, h http.Header) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.bodies = append(rc.bodies, body)
	rc.hdrs = append(rc.hdrs, h.Clone())
}

func (rc *received) snapshot() ([]string, []http.Header) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.bodies...), append([]http.Header(nil), rc.hdrs...)
}

// upperHooks upper-cases chat bodies and WebSocket messages and records what it saw, so a test can
// prove that bytes reached the upstream only through the hooks.
type upperHooks struct {
	NopHooks
	mu   sync.Mutex
	seen []string
}

func (h *upperHooks) Request(_ context.Context, req *ChatRequest) ([]byte, error) {
	h.mu.Lock()
	h.seen = append(h.seen, string(req.Body))
	h.mu.Unlock()
	return bytes.ToUpper(req.Body), nil
}

func (h *upperHooks) Message(_ context.Context, m *WSMessage) ([]byte, error) {
	if m.Direction == ClientToUpstream {
		return bytes.ToUpper(m.Data), nil
	}
	return m.Data, nil
}

func newUpstream(t *testing.T, rc *received) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.add(string(b), r.Header)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func testConfig(upstream string) Config {
	return Config{
		Upstream: Upstream{URL: upstream},
		Routes: []Route{
			{Name: "chat", Path: "/chat", Kind: KindChat},
			{Name: "ws", Path: "/ws", Kind: KindWebSocket},
			{Name: "page", Path: "/", Kind: KindPage},
			{Name: "assets", Path: "/static", Kind: KindPassthrough},
		},
		Limits: Limits{MaxBodyBytes: 1024, MaxDecodedBytes: 4096},
	}
}

func newVeil(t *testing.T, cfg Config, hooks Hooks) *httptest.Server {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, Options{Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func br(b []byte) []byte {
	var buf bytes.Buffer
	w := brotli.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func zs(b []byte) []byte {
	w, _ := zstd.NewWriter(nil)
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func zl(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func TestChatBodyGoesThroughHooks(t *testing.T) {
	t.Parallel()
	msg := []byte(`{"sender":"a","message":"hello"}`)
	bomb := gz(bytes.Repeat([]byte("a"), 8192)) // small on the wire, over max_decoded_bytes
	tests := []struct {
		desc        string
		body        []byte
		encoding    string
		contentType string
		wantStatus  int
		wantBody    string // at the upstream; "" means the upstream must receive nothing
	}{
		{desc: "plain json", body: msg, contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "gzip", body: gz(msg), encoding: "gzip", contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "brotli", body: br(msg), encoding: "br", contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "zstd", body: zs(msg), encoding: "zstd", contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "deflate", body: zl(msg), encoding: "deflate", contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "stacked gzip then br", body: br(gz(msg)), encoding: "gzip, br", contentType: "application/json", wantStatus: 200, wantBody: strings.ToUpper(string(msg))},
		{desc: "latin-1 charset is converted", body: []byte("caf\xe9"), contentType: "text/plain; charset=iso-8859-1", wantStatus: 200, wantBody: "CAFÉ"},
		{desc: "form", body: []byte("message=hi"), contentType: "application/x-www-form-urlencoded", wantStatus: 200, wantBody: "MESSAGE=HI"},
		{desc: "unknown encoding", body: msg, encoding: "compress", contentType: "application/json", wantStatus: 415},
		{desc: "unknown charset", body: msg, contentType: "application/json; charset=x-klingon", wantStatus: 415},
		{desc: "binary media type", body: []byte{0, 1, 2}, contentType: "application/octet-stream", wantStatus: 415},
		{desc: "oversized", body: bytes.Repeat([]byte("x"), 2048), contentType: "text/plain", wantStatus: 413},
		{desc: "decompression bomb", body: bomb, encoding: "gzip", contentType: "text/plain", wantStatus: 413},
		{desc: "corrupt gzip", body: []byte("not gzip"), encoding: "gzip", contentType: "text/plain", wantStatus: 400},
		{desc: "invalid utf-8", body: []byte("\xff\xfe"), contentType: "text/plain", wantStatus: 400},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			rc := &received{}
			up := newUpstream(t, rc)
			veil := newVeil(t, testConfig(up.URL), &upperHooks{})
			req, _ := http.NewRequest("POST", veil.URL+"/chat", bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			respBody, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.wantStatus, respBody)
			}
			if res.Header.Get(HeaderRequestID) == "" {
				t.Error("no request id in response")
			}
			bodies, hdrs := rc.snapshot()
			if tc.wantBody == "" {
				if len(bodies) != 0 {
					t.Fatalf("upstream received %d requests, want none", len(bodies))
				}
				if !strings.Contains(string(respBody), res.Header.Get(HeaderRequestID)) {
					t.Errorf("error body %q lacks the request id", respBody)
				}
				return
			}
			if len(bodies) != 1 || bodies[0] != tc.wantBody {
				t.Fatalf("upstream got %q, want %q", bodies, tc.wantBody)
			}
			if ce := hdrs[0].Get("Content-Encoding"); ce != "" {
				t.Errorf("upstream Content-Encoding %q, want identity", ce)
			}
		})
	}
}

func TestForwardingHeaders(t *testing.T) {
	t.Parallel()
	for _, forward := range []bool{false, true} {
		rc := &received{}
		up := newUpstream(t, rc)
		cfg := testConfig(up.URL)
		cfg.Upstream.ForwardClientIP = forward
		veil := newVeil(t, cfg, nil)
		req, _ := http.NewRequest("POST", veil.URL+"/chat", strings.NewReader("hi"))
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		req.Header.Set("X-Forwarded-Port", "1")
		req.Header.Set("Forwarded", "for=203.0.113.9")
		req.Header.Set("X-Real-IP", "203.0.113.9")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		_, hdrs := rc.snapshot()
		h := hdrs[0]
		for _, k := range []string{"Forwarded", "X-Real-Ip", "X-Forwarded-Port"} {
			if h.Get(k) != "" {
				t.Errorf("forward=%v: client-supplied %s reached the upstream", forward, k)
			}
		}
		xff := h.Get("X-Forwarded-For")
		if strings.Contains(xff, "203.0.113.9") {
			t.Errorf("forward=%v: spoofed X-Forwarded-For reached the upstream: %q", forward, xff)
		}
		if forward != (xff == "127.0.0.1") {
			t.Errorf("forward=%v: X-Forwarded-For = %q", forward, xff)
		}
		if h.Get(HeaderRequestID) == "" {
			t.Errorf("no request id sent upstream")
		}
	}
}

func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never answers: the upstream response header timeout fires.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	tests := []struct {
		desc     string
		upstream string
		path     string
		want     int
	}{
		{desc: "refused", upstream: "http://" + closedAddr, path: "/chat", want: 502},
		{desc: "timeout", upstream: "http://" + ln.Addr().String(), path: "/chat", want: 504},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(tc.upstream)
			cfg.Upstream.ResponseHeaderTimeout = 200 * time.Millisecond
			veil := newVeil(t, cfg, nil)
			res, err := http.Post(veil.URL+tc.path, "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
			if strings.Contains(string(b), "127.0.0.1") || strings.Contains(string(b), "dial") {
				t.Errorf("error body leaks internals: %s", b)
			}
		})
	}
}

func TestNoRoute(t *testing.T) {
	t.Parallel()
	cfg := testConfig("http://127.0.0.1:1")
	cfg.Routes = []Route{{Name: "chat", Path: "/chat", Kind: KindChat}}
	veil := newVeil(t, cfg, nil)
	res, err := http.Get(veil.URL + "/other")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("status %d, want 404", res.StatusCode)
	}
}

func TestSSEIsNotBuffered(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release // the upstream is not finished until the client has seen the first event
		_, _ = io.WriteString(w, "data: second\n\n")
	}))
	t.Cleanup(up.Close)
	t.Cleanup(func() { close(release) })
	veil := newVeil(t, testConfig(up.URL), nil)
	res, err := http.Post(veil.URL+"/chat", "application/json", strings.NewReader(`{"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || line != "data: first\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
}

func TestUpgradeRefusedOnChatRoute(t *testing.T) {
	t.Parallel()
	rc := &received{}
	up := newUpstream(t, rc)
	veil := newVeil(t, testConfig(up.URL), nil)
	req, _ := http.NewRequest("GET", veil.URL+"/chat", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("status %d, want 400", res.StatusCode)
	}
	if b, _ := rc.snapshot(); len(b) != 0 {
		t.Fatal("upstream was reached")
	}
}
