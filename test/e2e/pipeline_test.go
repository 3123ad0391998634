package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/redistest"
)

// planted are the personal values of one message; none may reach the bot, all must come back.
var planted = []string{"Maria Rossi", "maria.rossi@example.org", "+49 30 12345678", "DE89 3704 0044 0532 0130 00"}

var plantedMessage = fmt.Sprintf("Hello, I am %s, mail %s or call %s. My IBAN is %s.", planted[0], planted[1], planted[2], planted[3])

// pipelineConfig lets the chat routes receive IBANs (tokenized) so every planted value is reversible.
func pipelineConfig(upstream string) string {
	c := fmt.Sprintf(veilConfig, upstream)
	c = strings.Replace(c, "    kind: chat\n    fields: [message]\n", "    kind: chat\n    fields: [message]\n    allowed_types: [IBAN]\n", 1)
	c = strings.Replace(c, "    path: /v1/chat/completions\n    kind: chat\n", "    path: /v1/chat/completions\n    kind: chat\n    allowed_types: [IBAN]\n", 1)
	c = strings.Replace(c, "    path: /v1/messages\n    kind: chat\n", "    path: /v1/messages\n    kind: chat\n    allowed_types: [IBAN]\n", 1)
	c = strings.Replace(c, "    path: /v1/responses\n    kind: chat\n", "    path: /v1/responses\n    kind: chat\n    allowed_types: [IBAN]\n", 1)
	c = strings.Replace(c, "    path: /ws\n    kind: websocket\n", "    path: /ws\n    kind: websocket\n    allowed_types: [IBAN]\n", 1)
	return c
}

// subjectClient is one browser: its own cookie jar, so its own Veil subject.
func subjectClient(t *testing.T, v *veil) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: v.client.Transport, Timeout: 30 * time.Second}
}

// consentedChat starts the bot and a Veil with pipelineConfig plus extra, and a browser that has
// given consent to the support purpose.
func consentedChat(t *testing.T, extra string) (*bot, *veil, *http.Client) {
	t.Helper()
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL)+extra)
	c := subjectClient(t, v)
	grantSupport(t, v, c)
	return b, v, c
}

// grantSupport gives consent to the support purpose through Veil's consent API.
func grantSupport(t *testing.T, v *veil, c *http.Client) {
	t.Helper()
	req, _ := http.NewRequest("POST", v.publicURL+"/.veil/consent", strings.NewReader(`{"purposes":{"support":true}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", v.publicURL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"name":"support","required":true`) {
		t.Fatalf("granting consent: %d %s", res.StatusCode, body)
	}
}

func assertNothingPlanted(t *testing.T, b *bot) {
	t.Helper()
	for _, e := range b.received(t) {
		for _, p := range planted {
			if strings.Contains(e.Body, p) || strings.Contains(e.Body, strings.ReplaceAll(p, " ", "")) {
				t.Errorf("the bot received %q", p)
			}
		}
	}
}

func assertRestored(t *testing.T, reply string) {
	t.Helper()
	for _, p := range planted {
		if !strings.Contains(reply, p) {
			t.Errorf("reply lacks the user's own %q: %s", p, reply)
		}
	}
}

// storeBackends runs a pipeline test on the embedded store and on real Redis: one redis-server,
// a three-master Cluster, and a master behind a Sentinel.
func storeBackends(t *testing.T, run func(t *testing.T, extraConfig string)) {
	t.Run("embedded", func(t *testing.T) { run(t, "") })
	for _, backend := range []struct {
		name  string
		redis func(t *testing.T) string
	}{
		{"redis", func(t *testing.T) string { return redisConfig(t, redistest.Start(t), "") }},
		{"redis-cluster", func(t *testing.T) string {
			return redisAddrsConfig(t, redistest.StartCluster(t, 3).Addrs(), "")
		}},
		{"redis-sentinel", func(t *testing.T) string {
			return redisAddrsConfig(t, redistest.StartSentinel(t, 0).Addrs(), "    master_name: "+redistest.SentinelMaster+"\n")
		}},
	} {
		t.Run(backend.name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("end-to-end test")
			}
			run(t, backend.redis(t))
		})
	}
}

// redisConfig is the YAML that puts a Veil on a real Redis, with the master key every replica
// sharing that Redis must have. extra goes into the store.redis block.
func redisConfig(t *testing.T, srv *redistest.Server, extra string) string {
	t.Helper()
	return redisAddrsConfig(t, []string{srv.Addr()}, extra)
}

// redisAddrsConfig is redisConfig for any addresses: a server, Cluster seeds or Sentinels.
func redisAddrsConfig(t *testing.T, addrs []string, extra string) string {
	t.Helper()
	key := filepath.Join(t.TempDir(), "master.key")
	if _, err := vault.GenerateKeyFile(key); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(addrs))
	for i, a := range addrs {
		quoted[i] = strconv.Quote(a)
	}
	return fmt.Sprintf("store:\n  driver: redis\n  redis:\n    addrs: [%s]\n%skeys:\n  master_key_file: %s\n",
		strings.Join(quoted, ", "), extra, key)
}

func TestPipelineRasa(t *testing.T) {
	storeBackends(t, testPipelineRasa)
}

func testPipelineRasa(t *testing.T, extra string) {
	b, v, c := consentedChat(t, extra)
	texts := rasaSay(t, v, c, plantedMessage)
	assertNothingPlanted(t, b)
	if len(texts) != 1 {
		t.Fatalf("reply %q", texts)
	}
	assertRestored(t, texts[0])

	// What the bot saw are tokens. Another subject who sends them gets them back as they are.
	got := b.received(t)
	var sent struct{ Message string }
	_ = json.Unmarshal([]byte(got[len(got)-1].Body), &sent)
	other := subjectClient(t, v)
	grantSupport(t, v, other)
	body, _ := json.Marshal(map[string]string{"sender": "s2", "message": sent.Message})
	res, err := other.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, p := range planted {
		if strings.Contains(string(reply), p) {
			t.Errorf("another subject's reply revealed %q", p)
		}
	}
}

func TestPipelineWithoutConsentRedacts(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, pipelineConfig(b.URL))
	c := subjectClient(t, v)
	body, _ := json.Marshal(map[string]string{"sender": "s1", "message": plantedMessage})
	res, err := c.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assertNothingPlanted(t, b)
	for _, want := range []string{"[PERSON]", "[EMAIL]", "[PHONE]", "[IBAN]"} {
		if !strings.Contains(string(reply), want) {
			t.Errorf("reply lacks %s: %s", want, reply)
		}
	}
}

func TestPipelineOpenAI(t *testing.T) {
	storeBackends(t, testPipelineOpenAI)
}

func testPipelineOpenAI(t *testing.T, extra string) {
	testPipelineClient(t, extra, openAIChat)
}

func TestPipelineAnthropic(t *testing.T) {
	storeBackends(t, testPipelineAnthropic)
}

func testPipelineAnthropic(t *testing.T, extra string) {
	testPipelineClient(t, extra, anthropicChat)
}

// testPipelineClient sends the planted message through an official client, whole and streamed:
// the bot cuts a streamed reply into 3-8 byte events, so every token is split across events.
func testPipelineClient(t *testing.T, extra string, chat func(*testing.T, *veil, *http.Client, string, bool) string) {
	b, v, c := consentedChat(t, extra)
	assertRestored(t, chat(t, v, c, plantedMessage, false))
	assertRestored(t, chat(t, v, c, plantedMessage, true))
	assertNothingPlanted(t, b)
}

func TestPipelineWebSocket(t *testing.T) {
	storeBackends(t, testPipelineWebSocket)
}

func testPipelineWebSocket(t *testing.T, extra string) {
	b, v, c := consentedChat(t, extra)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(v.publicURL, "https")+"/ws",
		&websocket.DialOptions{HTTPClient: c})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	msg, _ := json.Marshal(map[string]string{"message": plantedMessage})
	if err := conn.Write(ctx, websocket.MessageText, msg); err != nil {
		t.Fatal(err)
	}
	_, reply, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Text string }
	_ = json.Unmarshal(reply, &out)
	assertRestored(t, out.Text)
	assertNothingPlanted(t, b)
}

// TestPipelineFailsClosed stops Redis (store, vault) mid-traffic: a message with personal data is
// refused with 503 and a request id, and nothing reaches the bot.
func TestPipelineFailsClosed(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	srv := redistest.Start(t)
	b, v, c := consentedChat(t, redisConfig(t, srv, "    dial_timeout: 200ms\n    read_timeout: 200ms\n"))
	srv.Stop()
	del, _ := http.NewRequest("DELETE", b.URL+"/debug/received", nil)
	if r, err := http.DefaultClient.Do(del); err == nil {
		r.Body.Close()
	}
	body, _ := json.Marshal(map[string]string{"sender": "s1", "message": plantedMessage})
	res, err := c.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(reply), res.Header.Get("X-Request-Id")) {
		t.Fatalf("status %d: %s", res.StatusCode, reply)
	}
	if got := b.received(t); len(got) != 0 {
		t.Fatalf("the bot received %d requests while the vault was down", len(got))
	}
	for _, p := range planted {
		if strings.Contains(v.Logs(), p) {
			t.Errorf("logs contain %q", p)
		}
	}
}
