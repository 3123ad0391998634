package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// rasaSay sends one Rasa message as client c and returns the texts of the reply.
func rasaSay(t *testing.T, v *veil, c *http.Client, text string) []string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"sender": "s1", "message": text})
	res, err := c.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	var out []struct{ Text string }
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("reply %s", raw)
	}
	texts := make([]string, len(out))
	for i, o := range out {
		texts[i] = o.Text
	}
	return texts
}

// lastBotBody returns the body of the latest request the bot received.
func lastBotBody(t *testing.T, b *bot) string {
	t.Helper()
	got := b.received(t)
	if len(got) == 0 {
		t.Fatal("the bot received nothing")
	}
	return got[len(got)-1].Body
}

func consentView(t *testing.T, v *veil, c *http.Client) map[string]bool {
	t.Helper()
	res, err := c.Get(v.publicURL + "/.veil/consent")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Purposes []struct {
			Name    string
			Granted bool
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, p := range out.Purposes {
		m[p.Name] = p.Granted
	}
	return m
}

// TestInChatConsent walks the in-chat flow: the first message is forwarded with every value
// redacted and the reply carries the notice; continuing the conversation grants "support" (only);
// from then on values are tokenized and come back; withdrawing takes effect on the next message.
func TestInChatConsent(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL))
	c := subjectClient(t, v)

	first := rasaSay(t, v, c, plantedMessage)
	if len(first) != 2 || !strings.Contains(first[0], "Veil") {
		t.Fatalf("first reply %q: want the notice then the bot's answer", first)
	}
	if body := lastBotBody(t, b); !strings.Contains(body, "[EMAIL]") || !strings.Contains(body, "[PERSON]") {
		t.Errorf("first message reached the bot as %s, want every value redacted", body)
	}
	assertNothingPlanted(t, b)
	if got := consentView(t, v, c); got["support"] {
		t.Fatal("consent granted before the subject continued")
	}

	second := rasaSay(t, v, c, plantedMessage)
	if len(second) != 1 {
		t.Fatalf("second reply %q: the notice is shown once", second)
	}
	assertRestored(t, second[0])
	assertNothingPlanted(t, b)
	if got := consentView(t, v, c); !got["support"] || got["marketing"] || got["profiling"] {
		t.Fatalf("consent after continuing: %v, want support only", got)
	}

	// Withdrawal is as easy as giving it, and applies to the very next message.
	req, _ := http.NewRequest("DELETE", v.publicURL+"/.veil/consent/support", nil)
	req.Header.Set("Origin", v.publicURL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	third := rasaSay(t, v, c, plantedMessage)
	if !strings.Contains(strings.Join(third, " "), "[EMAIL]") {
		t.Fatalf("after withdrawal the reply is %q, want values redacted", third)
	}
	if got := consentView(t, v, c); got["support"] {
		t.Fatal("withdrawal did not stick (continuing must not re-grant)")
	}
}

func TestConsentEndpointsRefuseCrossSite(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL))
	c := subjectClient(t, v)
	tests := []struct {
		desc   string
		method string
		path   string
		body   string
		hdr    map[string]string
		want   int
	}{
		{desc: "cross-site origin", method: "POST", path: "/.veil/consent", body: `{"purposes":{"marketing":true}}`,
			hdr: map[string]string{"Origin": "https://evil.example", "Content-Type": "application/json"}, want: 403},
		{desc: "fetch metadata cross-site", method: "POST", path: "/.veil/objection", body: `{"purpose":"marketing"}`,
			hdr: map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, want: 403},
		{desc: "form post", method: "POST", path: "/.veil/consent", body: `purposes=marketing`,
			hdr: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: 415},
		{desc: "unknown purpose", method: "POST", path: "/.veil/consent", body: `{"purposes":{"telepathy":true}}`,
			hdr: map[string]string{"Content-Type": "application/json"}, want: 400},
		{desc: "objection", method: "POST", path: "/.veil/objection", body: `{"purpose":"marketing"}`,
			hdr: map[string]string{"Content-Type": "application/json", "Origin": v.publicURL}, want: 200},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, v.publicURL+tc.path, strings.NewReader(tc.body))
			for k, val := range tc.hdr {
				req.Header.Set(k, val)
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
	if got := consentView(t, v, c); got["marketing"] {
		t.Fatal("a refused request changed consent")
	}
	if len(b.received(t)) != 0 {
		t.Fatal("Veil's own endpoints reached the bot")
	}
}

// TestObjectionTakesEffectAtOnce puts a chat route under the marketing purpose: with consent to
// marketing personal data goes through (tokenized); after an objection the very next message is
// refused by the default policy.
func TestObjectionTakesEffectAtOnce(t *testing.T) {
	b := startBot(t, false)
	cfg := strings.Replace(pipelineConfig(b.URL), "    kind: chat\n    fields: [message]\n", "    kind: chat\n    purpose: marketing\n    fields: [message]\n", 1)
	v := startVeil(t, cfg)
	c := subjectClient(t, v)
	post := func(path, body string) int {
		req, _ := http.NewRequest("POST", v.publicURL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", v.publicURL)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post("/.veil/consent", `{"purposes":{"support":true,"marketing":true}}`); got != 200 {
		t.Fatalf("consent: %d", got)
	}
	msg, _ := json.Marshal(map[string]string{"sender": "s1", "message": plantedMessage})
	if got := post("/webhooks/rest/webhook", string(msg)); got != 200 {
		t.Fatalf("with marketing consent: %d", got)
	}
	assertNothingPlanted(t, b)
	if got := post("/.veil/objection", `{"purpose":"marketing"}`); got != 200 {
		t.Fatalf("objection: %d", got)
	}
	before := len(b.received(t))
	if got := post("/webhooks/rest/webhook", string(msg)); got != 451 {
		t.Fatalf("after objecting: status %d, want 451", got)
	}
	if len(b.received(t)) != before {
		t.Fatal("a message reached the bot after the objection")
	}
}

// TestInChatConsentEachShape runs the in-chat flow on the OpenAI (chat completions and Responses)
// and Anthropic shapes (JSON and SSE, with their official clients) and on a WebSocket: the first message gets the notice in that shape and reaches the bot redacted; the
// second is forwarded with tokens and the reply restores the values.
func TestInChatConsentEachShape(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	check := func(t *testing.T, c *http.Client, first, second string) {
		t.Helper()
		if !strings.Contains(first, "protected by Veil") || !strings.Contains(first, "[EMAIL]") {
			t.Errorf("first reply %q: want the notice and redacted values", first)
		}
		if strings.Contains(second, "protected by Veil") {
			t.Errorf("second reply repeats the notice")
		}
		assertRestored(t, second)
		assertNothingPlanted(t, b)
		if got := consentView(t, v, c); !got["support"] || got["marketing"] {
			t.Errorf("consent %v, want support only", got)
		}
	}
	for _, client := range []struct {
		name string
		chat func(*testing.T, *veil, *http.Client, string, bool) string
	}{{"openai", openAIChat}, {"responses", responsesChat}, {"anthropic", anthropicChat}} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s-stream=%v", client.name, stream), func(t *testing.T) {
				c := subjectClient(t, v)
				check(t, c, client.chat(t, v, c, plantedMessage, stream), client.chat(t, v, c, plantedMessage, stream))
			})
		}
	}
	t.Run("websocket", func(t *testing.T) {
		c := subjectClient(t, v)
		conn, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(v.publicURL, "https")+"/ws", &websocket.DialOptions{HTTPClient: c})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.CloseNow()
		say := func() (msgs []string) {
			m, _ := json.Marshal(map[string]string{"message": plantedMessage})
			if err := conn.Write(ctx, websocket.MessageText, m); err != nil {
				t.Fatal(err)
			}
			for {
				_, data, err := conn.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var out struct{ Text, Veil string }
				_ = json.Unmarshal(data, &out)
				msgs = append(msgs, out.Text)
				if out.Veil == "" { // the bot's own reply ends the turn
					return msgs
				}
			}
		}
		first, second := say(), say()
		if len(first) != 2 || len(second) != 1 {
			t.Fatalf("messages per turn: %d then %d, want the notice first, then one reply", len(first), len(second))
		}
		check(t, c, strings.Join(first, " "), second[0])
	})
}

// TestInChatNoticeLanguage: the in-chat notice is in the language the browser asks for, on a
// chat route and on a WebSocket (whose upgrade request carries Accept-Language).
func TestInChatNoticeLanguage(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL))
	const german = "Dieser Chat wird durch Veil geschützt"
	de := http.Header{"Accept-Language": {"de-DE,de;q=0.9,en;q=0.5"}}
	t.Run("http", func(t *testing.T) {
		c := subjectClient(t, v)
		body, _ := json.Marshal(map[string]string{"sender": "s1", "message": "Hallo"})
		req, _ := http.NewRequest("POST", v.publicURL+"/webhooks/rest/webhook", bytes.NewReader(body))
		req.Header = de.Clone()
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		reply, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(reply), german) {
			t.Fatalf("notice not in German: %s", reply)
		}
	})
	t.Run("websocket", func(t *testing.T) {
		c := subjectClient(t, v)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(v.publicURL, "https")+"/ws",
			&websocket.DialOptions{HTTPClient: c, HTTPHeader: de})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.CloseNow()
		if err := conn.Write(ctx, websocket.MessageText, []byte(`{"message":"Hallo"}`)); err != nil {
			t.Fatal(err)
		}
		_, notice, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(notice), german) {
			t.Fatalf("notice not in German: %s", notice)
		}
	})
}
