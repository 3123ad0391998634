package demobot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// wsURL turns an httptest URL into the bot's WebSocket URL.
func wsURL(srvURL string) string {
	return "ws" + strings.TrimPrefix(srvURL, "http") + "/ws"
}

// exchange sends msg and returns the decoded reply.
func exchange(t *testing.T, ctx context.Context, c *websocket.Conn, msg string) wsReply {
	t.Helper()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("writing %q: %v", msg, err)
	}
	typ, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading reply to %q: %v", msg, err)
	}
	if typ != websocket.MessageText {
		t.Errorf("reply type = %v, want text", typ)
	}
	var r wsReply
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("reply %q is not JSON: %v", data, err)
	}
	return r
}

func TestWebSocket(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, wsURL(srv.URL), nil)
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	defer c.CloseNow()

	// One connection through the whole table: an error must not close it.
	tests := []struct {
		desc      string
		send      string
		wantText  string
		wantError bool
	}{
		{desc: "echo", send: `{"message":"hello socket"}`, wantText: "You said: hello socket"},
		{desc: "invalid JSON gets an error", send: `{"message":`, wantError: true},
		{desc: "missing message gets an error", send: `{"text":"hi"}`, wantError: true},
		{desc: "still open after errors", send: `{"message":"Grüße 👋"}`, wantText: "You said: Grüße 👋"},
		{desc: "empty message", send: `{"message":""}`, wantText: "You said: "},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := exchange(t, ctx, c, tc.send)
			if tc.wantError {
				if got.Error == "" || got.Text != "" {
					t.Errorf("reply = %+v, want only an error", got)
				}
				return
			}
			if got.Text != tc.wantText || got.Error != "" {
				t.Errorf("reply = %+v, want text %q", got, tc.wantText)
			}
		})
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Errorf("closing: %v", err)
	}
}

func TestWebSocketOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc     string
		patterns []string
		origin   string // "" sends no Origin header
		wantOK   bool
	}{
		{desc: "no Origin (not a browser) is allowed", origin: "", wantOK: true},
		{desc: "same origin is allowed", origin: "self", wantOK: true},
		{desc: "foreign origin is refused", origin: "https://evil.example", wantOK: false},
		{desc: "configured pattern is allowed", patterns: []string{"*.example.com"}, origin: "https://chat.example.com", wantOK: true},
		{desc: "pattern does not allow others", patterns: []string{"*.example.com"}, origin: "https://evil.example", wantOK: false},
		{desc: "star allows any origin", patterns: []string{"*"}, origin: "https://localhost:8443", wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, srv := newTestServer(t, Config{OriginPatterns: tc.patterns})
			h := http.Header{}
			switch tc.origin {
			case "":
			case "self":
				h.Set("Origin", srv.URL)
			default:
				h.Set("Origin", tc.origin)
			}
			c, res, err := websocket.Dial(t.Context(), wsURL(srv.URL), &websocket.DialOptions{HTTPHeader: h})
			if tc.wantOK {
				if err != nil {
					t.Fatalf("dialing: %v", err)
				}
				defer c.CloseNow()
				if got := exchange(t, t.Context(), c, `{"message":"x"}`); got.Text != "You said: x" {
					t.Errorf("reply = %+v", got)
				}
				return
			}
			if err == nil {
				c.CloseNow()
				t.Fatal("dial succeeded, want a refusal")
			}
			if res == nil || res.StatusCode != http.StatusForbidden {
				t.Errorf("refusal response = %v, want 403", res)
			}
		})
	}
}

func TestWebSocketMessageTooBig(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{MaxBodyBytes: 64})
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, wsURL(srv.URL), nil)
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	defer c.CloseNow()
	msg := `{"message":"` + strings.Repeat("a", 100) + `"}`
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("writing: %v", err)
	}
	_, _, err = c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
		t.Errorf("close status = %v (%v), want %v", got, err, websocket.StatusMessageTooBig)
	}
}
