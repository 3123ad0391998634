package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
)

// replyVeil is a Veil in front of a bot that answers each path with a canned reply, and a
// subject whose tokens for two names the replies can carry: tok for "Maria <b>Rossi</b>", quoted
// for `Anna "Nan" Kowalska`.
type replyVeil struct {
	url, subject, tok string
}

// quotedName is the value of the replies' second token, with quotes.
const quotedName = `Anna "Nan" Kowalska`

type cannedReply struct {
	ct, body string
	gzip     bool
}

// newReplyVeil starts the bot and Veil with the real vault on the embedded store; the route's
// policy redacts every finding in replies. route may set fields of the one chat route.
func newReplyVeil(t *testing.T, replies func(tok, quoted string) map[string]cannedReply, route func(*Route), deps ...func(*PipelineDeps)) replyVeil {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "veil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, _ := vault.NewKeyring(vault.GenerateKey())
	v, err := vault.New(st, kr, vault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const subject = "c0123456789abcdef0123456789abcdef"
	tok, err := v.Tokenize(context.Background(), subject, redact.Person, `Maria <b>Rossi</b>`, vault.Placeholder, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	quoted, err := v.Tokenize(context.Background(), subject, redact.Person, quotedName, vault.Placeholder, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	rs := replies(tok, quoted)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := rs[r.URL.Path]
		body := []byte(rep.body)
		if rep.gzip {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write(body)
			_ = zw.Close()
			body = buf.Bytes()
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Content-Type", rep.ct)
		_, _ = w.Write(body)
	}))
	t.Cleanup(up.Close)
	cfg := testConfig(up.URL)
	cfg.Routes = []Route{{Name: "chat", Path: "/", Kind: KindChat, Shape: ShapeJSON}}
	if route != nil {
		route(&cfg.Routes[0])
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	dec := &fakeDecider{decide: allow(map[string]policy.Action{"*": policy.ActionRedact})}
	d := PipelineDeps{Detector: testScanner, Decider: dec, Vault: v, Auditor: &fakeAuditor{}, HashKey: []byte("0123456789abcdef")}
	for _, f := range deps {
		f(&d)
	}
	pl, err := NewPipeline(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, Options{Hooks: pl})
	if err != nil {
		t.Fatal(err)
	}
	veil := httptest.NewServer(p)
	t.Cleanup(veil.Close)
	return replyVeil{url: veil.URL, subject: subject, tok: tok}
}

// get sends a chat message as the subject to path and returns the reply, checking that it comes
// identity-encoded.
func (rv replyVeil) get(t *testing.T, path string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", rv.url+path, strings.NewReader(`{"message":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "identity") // the transport must not undo gzip for us
	req.AddCookie(&http.Cookie{Name: SubjectCookie, Value: rv.subject[1:]})
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if ce := res.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("Content-Encoding %q, want identity", ce)
	}
	return string(b)
}

// checkReply fails unless reply has every string of want and none of not.
func checkReply(t *testing.T, reply string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(reply, w) {
			t.Errorf("reply lacks %q:\n%s", w, reply)
		}
	}
	for _, n := range not {
		if strings.Contains(reply, n) {
			t.Errorf("reply still has %q:\n%s", n, reply)
		}
	}
}

// TestReplyRestoredThroughEncodings sends back, gzip-compressed, a JSON reply, an HTML reply and an
// event stream holding the subject's token: the client gets the value (escaped for HTML), identity
// encoded, and the bot's own personal data in the reply is redacted.
func TestReplyRestoredThroughEncodings(t *testing.T) {
	t.Parallel()
	rv := newReplyVeil(t, func(tok, quoted string) map[string]cannedReply {
		return map[string]cannedReply{
			"/json": {"application/json", `[{"recipient_id":"x","text":"Hello ` + tok + `, your agent is bob.agent@example.org"}]`, true},
			"/json-tool": {"application/json", `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,` +
				`"tool_calls":[{"id":"c1","type":"function","function":{"name":"mail","arguments":"{\"to\":\"` + quoted + `\"}"}}]},"finish_reason":"tool_calls"}]}`, true},
			"/responses-tool": {"application/json", `{"object":"response","status":"completed","output":[{"type":"function_call","id":"fc1","call_id":"c1",` +
				`"name":"mail","arguments":"{\"to\":\"` + quoted + `\"}"}]}`, true},
			"/html": {"text/html; charset=utf-8", `<p>Hello ` + tok + `</p>`, true},
			"/sse":  {"text/event-stream", "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi " + tok[:5] + "\"}}]}\n\ndata: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + tok[5:] + "!\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", true},
		}
	}, nil)
	tok := rv.tok
	tests := []struct {
		desc, path string
		want       []string
		not        []string
	}{
		{desc: "json", path: "/json", want: []string{`Hello Maria \u003cb\u003eRossi\u003c/b\u003e`, "[EMAIL]"}, not: []string{tok, "bob.agent"}},
		{desc: "html escapes the value", path: "/html", want: []string{"<p>Hello Maria &lt;b&gt;Rossi&lt;/b&gt;</p>"}, not: []string{tok, "<b>"}},
		{desc: "sse token split across events", path: "/sse", want: []string{`Maria \u003cb\u003eRossi\u003c/b\u003e`, "data: [DONE]"}, not: []string{tok[5:]}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			checkReply(t, rv.get(t, tc.path), tc.want, tc.not)
		})
	}
	// A tool call's arguments are JSON text: the restored value is escaped for it.
	toolArgs := func(t *testing.T, args string) {
		t.Helper()
		var a struct{ To string }
		if err := json.Unmarshal([]byte(args), &a); err != nil || a.To != quotedName {
			t.Errorf("arguments %q: %+v (%v)", args, a, err)
		}
	}
	t.Run("chat completion tool call arguments stay JSON", func(t *testing.T) {
		reply := rv.get(t, "/json-tool")
		var c struct {
			Choices []struct {
				Message struct {
					ToolCalls []struct{ Function struct{ Arguments string } } `json:"tool_calls"`
				}
			}
		}
		if err := json.Unmarshal([]byte(reply), &c); err != nil || len(c.Choices) != 1 || len(c.Choices[0].Message.ToolCalls) != 1 {
			t.Fatalf("reply %v: %s", err, reply)
		}
		toolArgs(t, c.Choices[0].Message.ToolCalls[0].Function.Arguments)
	})
	t.Run("response function call arguments stay JSON", func(t *testing.T) {
		reply := rv.get(t, "/responses-tool")
		var r struct{ Output []struct{ Arguments string } }
		if err := json.Unmarshal([]byte(reply), &r); err != nil || len(r.Output) != 1 {
			t.Fatalf("reply %v: %s", err, reply)
		}
		toolArgs(t, r.Output[0].Arguments)
	})
}

// TestStreamedReplyFormats: event streams that are not OpenAI chunks (Anthropic's Messages events,
// a bot's own JSON with a configured stream field, plain text) get the subject's token back even
// when it is split across events, and the bot's own personal data in them, split too, is redacted:
// no text of a streamed reply reaches the client uninspected.
func TestStreamedReplyFormats(t *testing.T) {
	t.Parallel()
	ev := func(typ, data string) string {
		if typ != "" {
			typ = "event: " + typ + "\n"
		}
		return typ + "data: " + data + "\n\n"
	}
	anthropicDelta := func(text string) string {
		return ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+text+`"}}`)
	}
	own := func(token string) string { return ev("", `{"id":"r1","token":"`+token+`"}`) }
	jsonDelta := func(piece string) string {
		p, _ := json.Marshal(piece)
		return ev("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":`+string(p)+`}}`)
	}
	toolChunk := func(index int, call string) string {
		return ev("", `{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":`+strconv.Itoa(index)+`,`+call+`}]},"finish_reason":null}]}`)
	}
	toolArgs := func(index int, piece string) string {
		p, _ := json.Marshal(piece)
		return toolChunk(index, `"function":{"arguments":`+string(p)+`}`)
	}
	respDelta := func(text string) string {
		return ev("response.output_text.delta", `{"type":"response.output_text.delta","item_id":"m1","output_index":0,"content_index":0,"delta":"`+text+`"}`)
	}
	rv := newReplyVeil(t, func(tok, quoted string) map[string]cannedReply {
		return map[string]cannedReply{
			"/responses": {"text/event-stream", ev("response.created", `{"type":"response.created","response":{"id":"r1","output":[]}}`) +
				respDelta("Hi "+tok[:5]) + respDelta(tok[5:]+", write to bob.agent@exa") + respDelta("mple.org") +
				ev("response.output_text.done", `{"type":"response.output_text.done","item_id":"m1","output_index":0,"content_index":0,"text":"Hi `+tok+`, write to bob.agent@example.org"}`) +
				ev("error", `{"type":"error","message":"ask carla.bianchi@example.com"}`), false},
			"/anthropic": {"text/event-stream", ev("message_start", `{"type":"message_start","message":{"id":"msg_1","content":[]}}`) +
				anthropicDelta("Hi "+tok[:6]) + ev("ping", `{"type":"ping"}`) + anthropicDelta(tok[6:]+", write to bob.agent@exa") +
				anthropicDelta("mple.org") + ev("content_block_stop", `{"type":"content_block_stop","index":0}`) +
				ev("error", `{"type":"error","error":{"message":"ask carla.bianchi@example.com"}}`) +
				ev("message_stop", `{"type":"message_stop"}`), false},
			"/own": {"text/event-stream", own("Hi "+tok[:4]) + own(tok[4:]+", write to bob.agent@exa") + own("mple.org"), true},
			"/text": {"text/event-stream", ev("", "Hi "+tok[:7]) + ev("", tok[7:]+", write to bob.agent@exa") +
				ev("", "mple.org") + ev("", "[DONE]"), false},
			"/anthropic-tool": {"text/event-stream", ev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"mail","input":{}}}`) +
				jsonDelta(`{"to": "`+quoted[:5]) + jsonDelta(quoted[5:]+`", "cc": "bob.agent@exa`) + jsonDelta(`mple.org"}`) +
				ev("content_block_stop", `{"type":"content_block_stop","index":1}`), false},
			"/tool": {"text/event-stream", toolChunk(0, `"id":"c1","function":{"name":"mail","arguments":""}`) +
				toolArgs(0, `{"to": "`+quoted[:5]) + toolArgs(0, quoted[5:]+`", "cc": "bob.agent@exa`) + toolArgs(0, `mple.org"}`) +
				toolChunk(1, `"id":"c2","function":{"name":"mail","arguments":"{\"to\":\"`+quoted+`\"}"}`) +
				ev("", `{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`) + ev("", "[DONE]"), false},
		}
	}, func(r *Route) { r.StreamFields = []string{"token"} })
	tok := rv.tok
	for _, path := range []string{"/anthropic", "/own", "/text", "/responses"} {
		t.Run(path, func(t *testing.T) {
			reply := rv.get(t, path)
			checkReply(t, reply, []string{"Maria"}, []string{tok[:4], tok[7:], "bob.agent", "mple.org", "carla.bianchi"})
			var text strings.Builder
			for line := range strings.Lines(reply) {
				if data, ok := strings.CutPrefix(line, "data: "); ok {
					text.WriteString(strings.TrimSuffix(data, "\n"))
				}
			}
			checkReply(t, text.String(), []string{"[EMAIL]"}, nil)
		})
	}
	// An Anthropic tool use's input, streamed in pieces: the token split over two is put back,
	// escaped for the JSON, and the bot's own address, split too, is redacted.
	var input strings.Builder
	for line := range strings.Lines(rv.get(t, "/anthropic-tool")) {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		var e struct {
			Delta struct {
				PartialJSON string `json:"partial_json"`
			}
		}
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		input.WriteString(e.Delta.PartialJSON)
	}
	var toolInput struct{ To, Cc string }
	if err := json.Unmarshal([]byte(input.String()), &toolInput); err != nil || toolInput.To != quotedName || toolInput.Cc != "[EMAIL]" {
		t.Errorf("tool use input %q: %+v (%v)", input.String(), toolInput, err)
	}

	// OpenAI tool calls' arguments, streamed in pieces: the token split over two is put back,
	// escaped for the JSON they are, the bot's own address, split too, redacted; the second call
	// (whole in one piece) too.
	reply := rv.get(t, "/tool")
	var calls [2]strings.Builder
	for line := range strings.Lines(reply) {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || data == "[DONE]\n" {
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct {
					ToolCalls []struct {
						Index    int
						Function struct{ Arguments string }
					} `json:"tool_calls"`
				}
			}
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil || len(c.Choices) != 1 {
			t.Fatalf("tool call reply %v: %s", err, data)
		}
		for _, tc := range c.Choices[0].Delta.ToolCalls {
			calls[tc.Index%2].WriteString(tc.Function.Arguments)
		}
	}
	for i, want := range []struct{ To, Cc string }{{quotedName, "[EMAIL]"}, {quotedName, ""}} {
		var args struct{ To, Cc string }
		if err := json.Unmarshal([]byte(calls[i].String()), &args); err != nil || args != want {
			t.Errorf("tool call %d arguments %q: %+v (%v), want %+v", i, calls[i].String(), args, err, want)
		}
	}
}

// noticeOnce is a consent source whose subject has consented to support but not yet seen the
// notice: the first reply must carry it.
type noticeOnce struct{ shown atomic.Int32 }

func (n *noticeOnce) Consent(_ context.Context, s string) (policy.Subject, error) {
	return policy.Subject{ID: s, Consent: map[string]bool{"support": true}, NoticeShown: n.shown.Load() > 0}, nil
}
func (n *noticeOnce) ChatTurn(ctx context.Context, s, _ string) (bool, policy.Subject, error) {
	sub, err := n.Consent(ctx, s)
	return !sub.NoticeShown, sub, err
}
func (n *noticeOnce) ChatNotice(string) string                  { return "Veil notice." }
func (n *noticeOnce) NoticeShown(context.Context, string) error { n.shown.Add(1); return nil }

// TestStreamedReplyNotice: a streamed reply in a format other than OpenAI's carries the consent
// notice where the format has a place for it, and only then is it recorded as shown.
func TestStreamedReplyNotice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path, body string
		placed     bool
	}{
		{"/text", "data: Hi there\n\ndata: [DONE]\n\n", true},
		{"/own", "data: {\"token\":\"Hi\"}\n\ndata: {\"token\":\" there\"}\n\n", true},
		{"/status", "data: {\"status\":\"ok\"}\n\n", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			consent := &noticeOnce{}
			rv := newReplyVeil(t, func(string, string) map[string]cannedReply {
				return map[string]cannedReply{tc.path: {"text/event-stream", tc.body, false}}
			}, func(r *Route) { r.StreamFields = []string{"token"} }, func(d *PipelineDeps) { d.Consent = consent })
			reply := rv.get(t, tc.path)
			if placed := strings.Contains(reply, "Veil notice."); placed != tc.placed || (consent.shown.Load() == 1) != tc.placed {
				t.Errorf("notice in the reply %v, recorded %d times; want %v:\n%s", placed, consent.shown.Load(), tc.placed, reply)
			}
		})
	}
}
