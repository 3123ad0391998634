package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/coder/websocket"
	"github.com/klauspost/compress/zstd"
	"github.com/openai/openai-go/v3"
)

func TestTLS13Only(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	host := strings.TrimPrefix(v.publicURL, "https://")

	old := v.tlsConfig()
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS12
	if c, err := tls.Dial("tcp", host, old); err == nil {
		c.Close()
		t.Fatal("a TLS 1.2 client was accepted")
	}
	c, err := tls.Dial("tcp", host, v.tlsConfig())
	if err != nil {
		t.Fatalf("TLS 1.3 client refused: %v", err)
	}
	defer c.Close()
	if st := c.ConnectionState(); st.Version != tls.VersionTLS13 {
		t.Fatalf("negotiated %x", st.Version)
	}
}

func TestHTTP2AndPage(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	res, err := v.client.Get(v.publicURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", res.Proto)
	}
	if res.StatusCode != 200 || !strings.Contains(string(body), `id="chat-input"`) {
		t.Fatalf("page: %d %.200s", res.StatusCode, body)
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

func TestRasaREST(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	res, body := v.post("/webhooks/rest/webhook", "application/json", []byte(`{"sender":"s1","message":"hello from rasa"}`), nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	// The first message of a new subject gets the consent notice as an extra first message.
	var out []struct {
		RecipientID string `json:"recipient_id"`
		Text        string
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || !strings.Contains(out[0].Text, "Veil") || out[0].RecipientID != "s1" || out[1].Text != "You said: hello from rasa" {
		t.Fatalf("reply %s", body)
	}
	got := b.received(t)
	if len(got) != 1 || got[0].Body != `{"sender":"s1","message":"hello from rasa"}` {
		t.Fatalf("bot received %+v", got)
	}
}

func TestOpenAI(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	client := openAIClient(v, v.client)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	params := openai.ChatCompletionNewParams{
		Model:    "demo",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("what is the weather")},
	}
	comp, err := client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	// A client without cookies is a new subject every time: each reply starts with the notice.
	if got := comp.Choices[0].Message.Content; !strings.HasSuffix(got, "\n\nYou said: what is the weather") || !strings.Contains(got, "Veil") {
		t.Fatalf("completion %q", got)
	}

	stream := client.Chat.Completions.NewStreaming(ctx, params)
	var text strings.Builder
	events := 0
	for stream.Next() {
		ch := stream.Current()
		if len(ch.Choices) > 0 {
			text.WriteString(ch.Choices[0].Delta.Content)
		}
		events++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(text.String(), "\n\nYou said: what is the weather") || events < 5 {
		t.Fatalf("streamed %q in %d events", text.String(), events)
	}
}

// TestSSEFirstEventIsNotBuffered holds the bot's stream after its first event: the client must
// see that event while the upstream has not finished.
func TestSSEFirstEventIsNotBuffered(t *testing.T) {
	b := startBot(t, true)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	req, _ := http.NewRequest("POST", v.publicURL+"/v1/chat/completions",
		strings.NewReader(`{"model":"demo","stream":true,"messages":[{"role":"user","content":"hello stream"}]}`))
	req.Header.Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := v.client.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "data: {") {
		t.Fatalf("first line %q, %v", line, err)
	}
	close(b.release) // only now may the bot finish
}

func TestWebSocket(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(v.publicURL, "https")+"/ws",
		&websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: v.tlsConfig()}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for i, m := range []string{"first", "second"} {
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"message":"`+m+`"}`)); err != nil {
			t.Fatal(err)
		}
		if i == 0 { // the notice comes first, as a message of its own
			_, notice, err := c.Read(ctx)
			if err != nil || !strings.Contains(string(notice), `"veil":"notice"`) {
				t.Fatalf("notice %s, %v", notice, err)
			}
		}
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != `{"text":"You said: `+m+`"}` {
			t.Fatalf("reply %s", data)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	var ws int
	for _, e := range b.received(t) {
		if e.Kind == "ws" {
			ws++
		}
	}
	if ws != 2 {
		t.Fatalf("bot saw %d websocket messages, want 2", ws)
	}
}

func compress(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch enc {
	case "gzip":
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
	case "br":
		w := brotli.NewWriter(&buf)
		w.Write(b)
		w.Close()
	case "zstd":
		w, _ := zstd.NewWriter(&buf)
		w.Write(b)
		w.Close()
	default:
		return b
	}
	return buf.Bytes()
}

func TestBodiesAndEncodings(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	msg := []byte(`{"sender":"s","message":"encoded hello"}`)
	tests := []struct {
		desc     string
		encoding string
		body     []byte
		want     int
		reaches  bool
	}{
		{desc: "gzip", encoding: "gzip", body: compress(t, "gzip", msg), want: 200, reaches: true},
		{desc: "brotli", encoding: "br", body: compress(t, "br", msg), want: 200, reaches: true},
		{desc: "zstd", encoding: "zstd", body: compress(t, "zstd", msg), want: 200, reaches: true},
		{desc: "unknown encoding", encoding: "x-secret-sauce", body: msg, want: 415},
		{desc: "oversized", body: bytes.Repeat([]byte("a"), 65<<10), want: 413},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if _, err := http.NewRequest("DELETE", b.URL+"/debug/received", nil); err != nil {
				t.Fatal(err)
			}
			del, _ := http.NewRequest("DELETE", b.URL+"/debug/received", nil)
			if r, err := http.DefaultClient.Do(del); err == nil {
				r.Body.Close()
			}
			hdr := map[string]string{}
			if tc.encoding != "" {
				hdr["Content-Encoding"] = tc.encoding
			}
			res, body := v.post("/webhooks/rest/webhook", "application/json", tc.body, hdr)
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.want, body)
			}
			got := b.received(t)
			if !tc.reaches {
				if len(got) != 0 {
					t.Fatalf("bot received %d requests, want none", len(got))
				}
				if !strings.Contains(string(body), res.Header.Get("X-Request-Id")) {
					t.Errorf("error body %s has no request id", body)
				}
				return
			}
			if len(got) != 1 || got[0].Body != string(msg) || got[0].Headers.Get("Content-Encoding") != "" {
				t.Fatalf("bot received %+v", got)
			}
		})
	}
}
