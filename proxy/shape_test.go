package proxy

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestShapeOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]Shape{
		"/v1/chat/completions":   ShapeOpenAI,
		"/webhooks/rest/webhook": ShapeRasa,
		"/v1/messages":           ShapeAnthropic,
		"/bot/v1/messages/":      ShapeAnthropic,
		"/v1/responses":          ShapeResponses,
		"/v1/messages/batches":   ShapeJSON,
		"/api/chat":              ShapeJSON,
	} {
		if got := shapeOf(&Route{Path: path}); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	if got := shapeOf(&Route{Path: "/v1/messages", Shape: ShapeText}); got != ShapeText {
		t.Errorf("a configured shape was overridden: %q", got)
	}
}

// TestWriteShaped: Veil's own replies and refusals are what each format's clients parse.
func TestWriteShaped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		shape   Shape
		refusal bool
		status  int
		want    string // the reply as compact JSON, or text
	}{
		{ShapeRasa, false, 200, `[{"recipient_id":"r1","text":"hi <b>"}]`},
		{ShapeOpenAI, true, 451, `{"error":{"code":"personal_data_blocked","message":"hi <b>","param":null,"type":"veil_policy"}}`},
		{ShapeOpenAI, false, 200, `{"choices":[{"finish_reason":"stop","index":0,"message":{"content":"hi <b>","role":"assistant"}}],"created":0,"id":"veil-req1","model":"veil","object":"chat.completion"}`},
		{ShapeResponses, true, 451, `{"error":{"code":"personal_data_blocked","message":"hi <b>","param":null,"type":"veil_policy"}}`},
		{ShapeResponses, false, 200, `{"created_at":0,"id":"veil-req1","model":"veil","object":"response","output":[{"content":[{"annotations":[],"text":"hi <b>","type":"output_text"}],` +
			`"id":"veil-msg-req1","role":"assistant","status":"completed","type":"message"}],"status":"completed","usage":{"input_tokens":0,"output_tokens":0,"total_tokens":0}}`},
		{ShapeAnthropic, true, 451, `{"error":{"message":"hi <b>","type":"veil_policy"},"type":"error"}`},
		{ShapeAnthropic, false, 200, `{"content":[{"text":"hi <b>","type":"text"}],"id":"veil-req1","model":"veil","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message","usage":{"input_tokens":0,"output_tokens":0}}`},
		{ShapeJSON, true, 451, `{"error":"hi <b>","request_id":"req1"}`},
		{ShapeText, false, 200, "hi <b>\n"},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		writeShaped(w, tc.shape, tc.status, "hi <b>", "r1", "req1", tc.refusal)
		got := w.Body.String()
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			if strings.Contains(got, "<b>") {
				t.Errorf("%s: markup not escaped: %s", tc.shape, got)
			}
			var v any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", tc.shape, err)
			}
			b, _ := json.Marshal(v)
			got = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(string(b))
		}
		if w.Code != tc.status || got != tc.want || w.Header().Get(HeaderRequestID) != "req1" {
			t.Errorf("%s refusal=%v: %d %s\nwant %d %s", tc.shape, tc.refusal, w.Code, got, tc.status, tc.want)
		}
	}
}

// TestWithNotice: the consent notice goes before the first text of a complete reply in each shape
// that has a place for it.
func TestWithNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, mt, body, want string
		added                bool
	}{
		{"/webhooks/rest/webhook", "application/json", `[{"recipient_id":"u","text":"hi"}]`,
			`[{"recipient_id":"u","text":"NOTICE"},{"recipient_id":"u","text":"hi"}]`, true},
		{"/v1/chat/completions", "application/json", `{"choices":[{"message":{"content":"hi"}}]}`,
			`{"choices":[{"message":{"content":"NOTICE\n\nhi"}}]}`, true},
		{"/v1/messages", "application/json", `{"content":[{"type":"tool_use","input":{"text":"x"}},{"type":"text","text":"hi"},{"type":"text","text":"more"}]}`,
			`{"content":[{"type":"tool_use","input":{"text":"x"}},{"type":"text","text":"NOTICE\n\nhi"},{"type":"text","text":"more"}]}`, true},
		{"/v1/messages", "application/json", `{"content":[]}`, `{"content":[]}`, false},
		{"/v1/responses", "application/json", `{"output":[{"type":"reasoning","summary":[]},{"type":"message","content":[{"type":"output_text","text":"hi"}]}]}`,
			`{"output":[{"type":"reasoning","summary":[]},{"type":"message","content":[{"type":"output_text","text":"NOTICE\n\nhi"}]}]}`, true},
		{"/api/chat", "application/json", `{"reply":"hi"}`, `{"reply":"hi"}`, false},
		{"/api/chat", "text/plain", `hi`, "NOTICE\n\nhi", true},
	}
	for _, tc := range tests {
		ex := &Exchange{Route: &Route{Path: tc.path}, Notice: "NOTICE"}
		got, added := withNotice(ex, []byte(tc.body), tc.mt)
		if string(got) != tc.want || added != tc.added {
			t.Errorf("%s: %s (added %v)\nwant %s (%v)", tc.path, got, added, tc.want, tc.added)
		}
	}
}

// TestStreamedVeilReply: asked for a stream, Veil's own reply is one in the route's format (an
// OpenAI, Responses or Anthropic stream, or one event with the text at a bot's own stream field);
// otherwise it is the shape's complete reply.
func TestStreamedVeilReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route      Route
		body       string
		accept     string
		wantStream bool
		want       string // a piece of the reply
	}{
		{Route{Path: "/v1/chat/completions"}, `{"stream":true}`, "", true, `"delta":{"content":"hi \u003cb\u003e","role":"assistant"}`},
		{Route{Path: "/v1/responses"}, `{"stream":true}`, "", true, "event: response.output_text.delta\ndata: {"},
		{Route{Path: "/v1/messages"}, `{"stream":true}`, "", true, "event: content_block_delta\n"},
		{Route{Path: "/v1/messages"}, `{"stream":false}`, "text/event-stream", false, `"type":"message"`},
		{Route{Path: "/api/chat", StreamFields: []string{"delta.text", "token"}}, `{}`, "text/event-stream", true, `data: {"delta":{"text":"hi \u003cb\u003e"}}` + "\n\n"},
		{Route{Path: "/api/chat", StreamFields: []string{"token"}}, `{}`, "application/json", false, `{"request_id":"req1","text":"hi \u003cb\u003e"}`},
		{Route{Path: "/api/chat"}, `{}`, "text/event-stream", false, `"text":"hi \u003cb\u003e"`},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("POST", tc.route.Path, strings.NewReader(tc.body))
		r.Header.Set("Accept", tc.accept)
		req := &ChatRequest{Exchange: &Exchange{Route: &tc.route}, Request: r, Body: []byte(tc.body), MediaType: "application/json"}
		stream := streamRequested(req)
		w := httptest.NewRecorder()
		writeVeilReply(w, &tc.route, &VeilReply{Text: "hi <b>", Stream: stream}, "req1")
		sse := w.Header().Get("Content-Type") == "text/event-stream"
		if stream != tc.wantStream || sse != tc.wantStream || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s (accept %q): stream %v, content type %q:\n%s\nwant a stream %v with %s", tc.route.Path, tc.accept, stream,
				w.Header().Get("Content-Type"), w.Body.String(), tc.wantStream, tc.want)
		}
	}
}
