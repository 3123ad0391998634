package proxy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsEcho is an upstream that echoes each message prefixed with "echo:" and records what it got.
func wsEcho(t *testing.T, got chan<- string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, data, err := c.Read(r.Context())
			if err != nil {
				return
			}
			got <- string(data)
			if err := c.Write(r.Context(), typ, append([]byte("echo:"), data...)); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWebSocketRelaysThroughHooks(t *testing.T) {
	t.Parallel()
	got := make(chan string, 10)
	up := wsEcho(t, got)
	cfg := testConfig(up.URL)
	cfg.Limits.MaxMessageBytes = 64
	veil := newVeil(t, cfg, &upperHooks{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(veil.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for _, m := range []string{`{"message":"hello"}`, `{"message":"again"}`} {
		if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
			t.Fatal(err)
		}
		if up := <-got; up != strings.ToUpper(m) {
			t.Fatalf("upstream got %q, want %q", up, strings.ToUpper(m))
		}
		_, reply, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(reply) != "echo:"+strings.ToUpper(m) {
			t.Fatalf("client got %q", reply)
		}
	}
	// A message over the limit closes the connection with 1009 and never reaches the upstream.
	if err := c.Write(ctx, websocket.MessageText, []byte(strings.Repeat("x", 100))); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
	if code := websocket.CloseStatus(err); code != websocket.StatusMessageTooBig {
		t.Fatalf("close status %v (%v), want 1009", code, err)
	}
	select {
	case m := <-got:
		t.Fatalf("oversized message reached the upstream (%d bytes)", len(m))
	default:
	}
}

func TestWebSocketUpstreamDown(t *testing.T) {
	t.Parallel()
	veil := newVeil(t, testConfig("http://127.0.0.1:1"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(veil.URL, "http")+"/ws", nil)
	if err == nil {
		t.Fatal("dial succeeded")
	}
	if res == nil || res.StatusCode != http.StatusBadGateway {
		t.Fatalf("response %v, want 502", res)
	}
}

func TestWebSocketRouteNeedsUpgrade(t *testing.T) {
	t.Parallel()
	veil := newVeil(t, testConfig("http://127.0.0.1:1"), nil)
	res, err := http.Get(veil.URL + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("status %d, want 426", res.StatusCode)
	}
}
