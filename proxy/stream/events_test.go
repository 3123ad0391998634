package stream

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// replyFormat generates a stream of one reply in some bot's format and reads a rewritten stream
// back the way that bot's client does.
type replyFormat struct {
	name       string
	fields     []string                                   // ReplyConfig.Fields
	gen        func(reply string, pieces []string) string // the stream, the reply cut in pieces
	reassemble func(t testing.TB, stream string) string
}

var replyFormats = []replyFormat{
	{
		name: "anthropic",
		gen: func(_ string, pieces []string) string {
			var b strings.Builder
			b.WriteString("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\"}}\n\n")
			b.WriteString("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n")
			for i, p := range pieces {
				if i == 1 {
					b.WriteString("event: ping\ndata: {\"type\": \"ping\"}\n\n")
				}
				text, _ := json.Marshal(p)
				fmt.Fprintf(&b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":%s}}\n\n", text)
			}
			b.WriteString("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n")
			b.WriteString("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n")
			b.WriteString("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
			return b.String()
		},
		reassemble: func(t testing.TB, stream string) string {
			var reply strings.Builder
			stopped := false
			for _, ev := range refParseSSE(stream) {
				var e struct {
					Type  string `json:"type"`
					Index int    `json:"index"`
					Delta struct {
						Type string `json:"type"`
						Text string `json:"text"`
					} `json:"delta"`
				}
				if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
					t.Fatalf("event data is not JSON: %v: %q", err, ev.Data)
				}
				if e.Type != ev.Type {
					t.Fatalf("event %q carries type %q", ev.Type, e.Type)
				}
				switch e.Type {
				case "content_block_delta":
					if stopped {
						t.Fatal("a delta after content_block_stop")
					}
					reply.WriteString(e.Delta.Text)
				case "content_block_stop":
					stopped = true
				}
			}
			return reply.String()
		},
	},
	{
		name:   "own JSON with a stream field",
		fields: []string{"token"},
		gen: func(_ string, pieces []string) string {
			var b strings.Builder
			for _, p := range pieces {
				text, _ := json.Marshal(p)
				fmt.Fprintf(&b, "data: {\"id\":\"r1\",\"token\":%s,\"note\":\"[EMAIL_7f3a2c]\"}\n\n", text)
			}
			b.WriteString("data: {\"done\":true}\n\n")
			return b.String()
		},
		reassemble: func(t testing.TB, stream string) string {
			var reply strings.Builder
			for _, ev := range refParseSSE(stream) {
				var e struct {
					ID, Token, Note string
				}
				if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
					t.Fatalf("event data is not JSON: %v: %q", err, ev.Data)
				}
				reply.WriteString(e.Token)
				if strings.Contains(e.Note, "[EMAIL_7f3a2c]") {
					t.Fatalf("a value outside the stream field was not rewritten: %q", ev.Data)
				}
			}
			return reply.String()
		},
	},
	{
		// The reply is the arguments of tool call 0, streamed in pieces; call 1 follows with a
		// token of its own, and the choice finishes with tool_calls. Reassembled: the content (a
		// notice), then call 0's arguments.
		name: "openai tool calls",
		gen: func(_ string, pieces []string) string {
			var b strings.Builder
			chunk := func(delta, finish string) {
				fmt.Fprintf(&b, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","+
					"\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n", delta, finish)
			}
			// call sends a piece of tool call index's arguments; the first piece of a call has its
			// id, type and name.
			call := func(index int, first bool, args string) {
				id, name := "", ""
				if first {
					id, name = fmt.Sprintf(`"id":"call_%d","type":"function",`, index), `"name":"f",`
				}
				a, _ := json.Marshal(args)
				chunk(fmt.Sprintf(`{"tool_calls":[{"index":%d,%s"function":{%s"arguments":%s}}]}`, index, id, name, a), "null")
			}
			chunk(`{"role":"assistant","content":null}`, "null")
			call(0, true, "")
			for _, p := range pieces {
				call(0, false, p)
			}
			call(1, true, `{"to":"[EMAIL_7f3a2c]"}`)
			chunk(`{}`, `"tool_calls"`)
			b.WriteString("data: [DONE]\n\n")
			return b.String()
		},
		reassemble: func(t testing.TB, stream string) string {
			var content strings.Builder
			var args [2]strings.Builder
			finished := false
			for _, ev := range refParseSSE(stream) {
				if ev.Data == "[DONE]" {
					continue
				}
				var c struct {
					Object  string
					Choices []struct {
						Delta struct {
							Content   string
							ToolCalls []struct {
								Index    int
								Function struct{ Arguments string }
							} `json:"tool_calls"`
						}
						FinishReason *string `json:"finish_reason"`
					}
				}
				if err := json.Unmarshal([]byte(ev.Data), &c); err != nil || c.Object != "chat.completion.chunk" || len(c.Choices) != 1 {
					t.Fatalf("not a chunk (%v): %q", err, ev.Data)
				}
				for _, tc := range c.Choices[0].Delta.ToolCalls {
					switch {
					case finished:
						t.Fatalf("a tool call after the choice finished: %q", ev.Data)
					case tc.Index == 0 && args[1].Len() > 0:
						t.Fatalf("call 0 goes on after call 1 began: %q", ev.Data)
					}
					args[tc.Index].WriteString(tc.Function.Arguments)
				}
				content.WriteString(c.Choices[0].Delta.Content)
				finished = finished || c.Choices[0].FinishReason != nil
			}
			if strings.Contains(args[1].String(), "[EMAIL_7f3a2c]") {
				t.Fatalf("call 1's arguments were not rewritten: %q", args[1].String())
			}
			return content.String() + args[0].String()
		},
	},
	{
		// An OpenAI Responses stream: the reply in output_text.delta events, repeated whole in the
		// done events and the completed response. Reassembled: the deltas, which the whole texts
		// must end with (a notice comes only in a delta).
		name: "openai responses",
		gen: func(reply string, pieces []string) string {
			var b strings.Builder
			ev := func(typ, data string, args ...any) {
				fmt.Fprintf(&b, "event: %s\ndata: {\"type\":%q,"+data+"}\n\n", append([]any{typ, typ}, args...)...)
			}
			text, _ := json.Marshal(reply)
			ev("response.created", `"response":{"id":"resp_1","status":"in_progress","output":[]}`)
			ev("response.output_item.added", `"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}`)
			ev("response.content_part.added", `"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":""}`)
			for _, p := range pieces {
				d, _ := json.Marshal(p)
				ev("response.output_text.delta", `"item_id":"msg_1","output_index":0,"content_index":0,"delta":%s`, d)
			}
			ev("response.output_text.done", `"item_id":"msg_1","output_index":0,"content_index":0,"text":%s`, text)
			ev("response.content_part.done", `"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":%s}`, text)
			ev("response.output_item.done", `"output_index":0,"item":{"id":"msg_1","type":"message","content":[{"type":"output_text","text":%s}]}`, text)
			ev("response.completed", `"response":{"id":"resp_1","status":"completed","output":[{"id":"msg_1","type":"message","content":[{"type":"output_text","text":%s}]}]}`, text)
			return b.String()
		},
		reassemble: func(t testing.TB, stream string) string {
			var deltas strings.Builder
			var wholes []string
			done := false
			for _, ev := range refParseSSE(stream) {
				var e struct {
					Type, Delta, Text string
					Part              struct{ Text string }
					Item              struct{ Content []struct{ Text string } }
					Response          struct {
						Output []struct{ Content []struct{ Text string } }
					}
				}
				if err := json.Unmarshal([]byte(ev.Data), &e); err != nil || e.Type != ev.Type {
					t.Fatalf("event %q (%v): %q", ev.Type, err, ev.Data)
				}
				switch e.Type {
				case "response.output_text.delta":
					if done {
						t.Fatalf("a delta after the text was done: %q", ev.Data)
					}
					deltas.WriteString(e.Delta)
				case "response.output_text.done":
					done = true
					wholes = append(wholes, e.Text)
				case "response.content_part.done":
					wholes = append(wholes, e.Part.Text)
				case "response.output_item.done":
					wholes = append(wholes, e.Item.Content[0].Text)
				case "response.completed":
					wholes = append(wholes, e.Response.Output[0].Content[0].Text)
				}
			}
			if len(wholes) != 4 {
				t.Fatalf("%d whole texts, want 4", len(wholes))
			}
			for _, w := range wholes {
				if w != deltas.String() {
					t.Fatalf("whole text %q, the deltas say %q", w, deltas.String())
				}
			}
			return deltas.String()
		},
	},
	{
		name: "plain text",
		gen: func(_ string, pieces []string) string {
			var b strings.Builder
			for _, p := range pieces {
				b.WriteString("data: " + p + "\n\n")
			}
			b.WriteString("data: [DONE]\n\n")
			return b.String()
		},
		reassemble: func(_ testing.TB, stream string) string {
			var reply strings.Builder
			for _, ev := range refParseSSE(stream) {
				if ev.Data != "[DONE]" {
					reply.WriteString(ev.Data)
				}
			}
			return reply.String()
		},
	},
}

// cutPieces cuts s into pieces of 1 to 8 bytes that keep characters whole (JSON strings hold
// whole characters) and contain no line break (a data line would end there).
func cutPieces(s string, rng *rand.Rand) []string {
	var pieces []string
	for s != "" {
		n := min(len(s), 1+rng.IntN(8))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		pieces = append(pieces, s[:n])
		s = s[n:]
	}
	return pieces
}

// rewriteReply runs src through a ReplyEvents over r (for JSON text too) with the stream fields
// fields.
func rewriteReply(t testing.TB, src io.Reader, r *Replacer, fields []string) string {
	t.Helper()
	return rewriteSSE(t, src, NewReplyEvents(ReplyConfig{
		NewStream:     func() TextStreamer { return NewTextStream(r, r.MaxLen()) },
		NewJSONStream: func() TextStreamer { return NewTextStream(r, r.MaxLen()) },
		Whole:         r.Transform,
		Fields:        NewPaths(fields),
	}))
}

// rewriteSSE runs the event stream src through h and returns the output, failing on an error.
func rewriteSSE(t testing.TB, src io.Reader, h EventHandler) string {
	t.Helper()
	out, err := io.ReadAll(NewSSERewriter(src, h, 0))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestReplyEvents(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	replies := []string{
		"Dear [NAME_aa], we wrote to [EMAIL_7f3a2c] and will call [PHONE_01ab99].",
		"Your address is [EMAIL_7f3a2c]",
		"Nothing here [EMAIL_7f3",
		"Grüße, [NAME_aa] 😀😀 — tschüß [EMAIL_7f3a2c] 42 [1] {x}",
	}
	for _, f := range replyFormats {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			for _, reply := range replies {
				for seed := range uint64(20) {
					rng := rand.New(rand.NewPCG(seed, 3))
					pieces := cutPieces(reply, rng)
					in := f.gen(reply, pieces)
					for _, src := range []io.Reader{strings.NewReader(in), &splitReader{[]byte(in), []byte(strings.Repeat("\x05\x0b\x02", 200))}} {
						got := f.reassemble(t, rewriteReply(t, src, r, f.fields))
						if want := r.Transform(reply); got != want {
							t.Fatalf("seed %d: %q, want %q", seed, got, want)
						}
					}
				}
			}
		})
	}
}

func TestReplyEventsGolden(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		": hello",
		"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"content\":[],\"model\":\"m\"}}",
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi [NA\"}}",
		"event: ping\ndata: {\"type\": \"ping\"}",
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ME_aa], mail [EMAIL_7f\"}}",
		"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}",
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"and [EMAIL_7f3a2c\"}}",
		"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"for [NAME_aa]\"}}",
		"event: message_stop\ndata: {\"type\":\"message_stop\"}",
		"data: not JSON in a JSON stream: [NAME_aa]",
	}, "\n\n") + "\n\n"
	out := rewriteReply(t, strings.NewReader(in), NewReplacer(tokens), nil)
	golden(t, filepath.Join("testdata", "reply_events.golden"), []byte(out))
}

func TestReplyEventsStreamMode(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	tests := []struct{ desc, in, want string }{
		{"plain text pieces that look like JSON stay text",
			"data: [NAM\n\ndata: E_aa] 42\n\ndata: [1]\n\ndata: {}\n\n",
			"data: \n\ndata: Zoë 42\n\ndata: [1]\n\ndata: {}\n\n"},
		{"a reply that is code: its first piece opens an object",
			"data: {\n\ndata: \"a\": \"[NAME_\n\ndata: {}\n\ndata: aa]\"}\n\n",
			"data: {\n\ndata: \"a\": \"\n\ndata: [NAME_{}\n\ndata: aa]\"}\n\n"},
		{"comments and events without data pass untouched",
			": keep-alive\n\nevent: x\n\nid: 7\n\n",
			": keep-alive\n\nevent: x\n\nid: 7\n\n"},
		{"the rest of a plain text goes out before [DONE]",
			"event: t\ndata: mail [EMAIL_7f3a2c\n\ndata: [DONE]\n\n",
			"event: t\ndata: mail \n\nevent: t\ndata: [EMAIL_7f3a2c\n\ndata: [DONE]\n\n"},
		{"the rest goes out at the end of the stream",
			"data: {\"token\":\"[NAME_a\"}\n\ndata: {\"token\":\"a]\"}\n\ndata: {\"token\":\"[NAME_\"}\n\n",
			"data: {\"token\":\"\"}\n\ndata: {\"token\":\"Zoë\"}\n\ndata: {\"token\":\"\"}\n\ndata: {\"token\":\"[NAME_\"}\n\n"},
		{"a JSON value outside the stream fields is rewritten whole",
			"data: {\"error\":{\"message\":\"[NAME_aa]\"},\"n\":[\"[EMAIL_7f3a2c]\"]}\n\n",
			"data: {\"error\":{\"message\":\"Zoë\"},\"n\":[\"jane@example.com\"]}\n\n"},
		{"a multi-line piece of plain text",
			"data: line [NAME_aa]\ndata: two\n\n",
			"data: line Zoë\ndata: two\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := rewriteReply(t, strings.NewReader(tc.in), r, []string{"token"}); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestReplyEventsOpenAI(t *testing.T) {
	t.Parallel()
	// OpenAI chunks are rewritten as OpenAIChunks does; other events of the stream are inspected too.
	r := NewReplacer(tokens)
	in := genStream([]string{"Dear [NAME_aa], mail [EMAIL_7f3a2c]"}, rand.New(rand.NewPCG(1, 1)), true)
	in = "data: {\"error\":{\"message\":\"[NAME_aa]\"}}\n\n" + in
	out := rewriteReply(t, strings.NewReader(in), r, nil)
	if got, want := reassemble(t, out)[0], "Dear Zoë, mail jane@example.com"; got != want {
		t.Errorf("reassembled %q, want %q", got, want)
	}
	if !strings.HasPrefix(out, "data: {\"error\":{\"message\":\"Zoë\"}}\n\n") {
		t.Errorf("the error event was not rewritten: %q", out[:min(len(out), 60)])
	}
}

func TestParseAnthropic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc   string
		kind  anthropicKind
		index int
		value string
	}{
		{`{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"a\u00e9\n"}}`, anthropicTextDelta, 2, "aé\n"},
		{`{"delta":{"text":"x","type":"text_delta"},"index":0,"type":"content_block_delta"}`, anthropicTextDelta, 0, "x"},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\""}}`, anthropicJSONDelta, 0, `{"`},
		{`{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}`, anthropicOther, -1, ""},
		{`{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}}`, anthropicOther, -1, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}}`, anthropicOther, 0, ""},
		{`{"type":"content_block_stop","index":3}`, anthropicBlockStop, 3, ""},
		{`{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`, anthropicTextStart, 1, ""},
		{`{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t"}}`, anthropicOther, 0, ""},
		{`{"type":"content_block_start","content_block":{"type":"text"}}`, anthropicOther, -1, ""},
		{`{"type":"message_stop"}`, anthropicStop, -1, ""},
		{`{"type":"ping"}`, anthropicOther, -1, ""},
		{`{"type":"message_stop"} x`, anthropicOther, 0, ""},
		{`["message_stop"]`, anthropicOther, 0, ""},
	}
	for _, tc := range tests {
		ev := parseAnthropic([]byte(tc.doc))
		if ev.kind != tc.kind || ev.kind != anthropicOther && (ev.index != tc.index || ev.value != tc.value) {
			t.Errorf("%s: kind %d index %d value %q, want %d %d %q", tc.doc, ev.kind, ev.index, ev.value, tc.kind, tc.index, tc.value)
		}
		if ev.kind == anthropicTextDelta && `"`+strings.Trim(tc.doc[ev.text.Start:ev.text.End], `"`)+`"` != tc.doc[ev.text.Start:ev.text.End] {
			t.Errorf("%s: text span %v is not the string", tc.doc, ev.text)
		}
	}
}

// FuzzReplyEvents: for any reply, cut anywhere and streamed in any of the formats, what the client
// reassembles is the whole-text rewrite, and every JSON event stays valid.
func FuzzReplyEvents(f *testing.F) {
	f.Add("Dear [NAME_aa], mail [EMAIL_7f3a2c] [EMA", uint64(1), uint8(0), []byte{3, 7, 1})
	f.Add("ab abcd 4111 41 😀😀 é [1] 42", uint64(2), uint8(1), []byte{})
	f.Add("[EMAIL_7f3a2d]bc", uint64(3), uint8(2), []byte{9})
	f.Fuzz(func(t *testing.T, reply string, seed uint64, format uint8, cuts []byte) {
		if !utf8.ValidString(reply) || strings.ContainsAny(reply, "\r\n") {
			return // JSON carries valid UTF-8 only; a line break ends a plain-text data line
		}
		fm := replyFormats[int(format)%len(replyFormats)]
		if fm.name == "plain text" && (reply == "" || strings.TrimSpace(reply) != reply) {
			return // SSE drops one leading space of a data line; the generator writes pieces raw
		}
		r := NewReplacer(fuzzKeys)
		pieces := cutPieces(reply, rand.New(rand.NewPCG(seed, 4)))
		if fm.name == "plain text" {
			for _, p := range pieces {
				if p != strings.TrimSpace(p) || p == "[DONE]" {
					return
				}
			}
		}
		in := fm.gen(reply, pieces)
		got := fm.reassemble(t, rewriteReply(t, &splitReader{[]byte(in), cuts}, r, fm.fields))
		if want := r.Transform(reply); got != want {
			t.Fatalf("%s: %q, want %q", fm.name, got, want)
		}
	})
}

func TestReplyEventsManyBlocks(t *testing.T) {
	t.Parallel()
	// Past MaxChoices content blocks, a block's text is rewritten event by event.
	var b strings.Builder
	for i := range MaxChoices + 2 {
		fmt.Fprintf(&b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%d,\"delta\":{\"type\":\"text_delta\",\"text\":\"[NAME_aa]\"}}\n\n", i)
	}
	out := rewriteReply(t, strings.NewReader(b.String()), NewReplacer(tokens), nil)
	if n := strings.Count(out, `"text":"Zoë"`); n != MaxChoices+2 || strings.Contains(out, "[NAME_aa]") {
		t.Errorf("%d of %d blocks rewritten", n, MaxChoices+2)
	}
}

// TestReplyEventsNotice: the notice comes once, before the reply, in each format: in an Anthropic
// stream in a text delta right after the first text block starts, in an OpenAI Responses stream in
// an output-text delta before the first one (and before that text where the stream repeats it
// whole), in a bot's own JSON in its stream field, in a plain-text stream as the first piece.
func TestReplyEventsNotice(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	for _, f := range replyFormats {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			reply := "Dear [NAME_aa], thanks."
			in := f.gen(reply, cutPieces(reply, rand.New(rand.NewPCG(7, 7))))
			if f.name == "anthropic" { // a second text block must not get the notice again
				in = strings.Replace(in, "event: message_delta", "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: message_delta", 1)
			}
			h, shown := noticeEvents(r, f.fields)
			out := rewriteSSE(t, strings.NewReader(in), h)
			got := f.reassemble(t, out)
			if want := "Privacy <notice>\n\n" + r.Transform(reply); got != want || *shown != 1 {
				t.Errorf("reassembled %q, notice shown %d times; want %q, once", got, *shown, want)
			}
		})
	}
}

// FuzzParseAnthropic: any bytes parse without panicking, and a text delta's span is the quoted
// string it decoded.
func FuzzParseAnthropic(f *testing.F) {
	f.Add([]byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\u00e9"}}`))
	f.Add([]byte(`{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`))
	f.Add([]byte(`{"type":"message_stop","delta":[1,{"text":"x"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ev := parseAnthropic(doc)
		if ev.kind != anthropicTextDelta {
			return
		}
		checkStringSpan(t, doc, ev.text, ev.value)
	})
}

// TestReplyEventsOpenAIOtherStrings: an OpenAI chunk's strings besides delta.content are rewritten
// whole, a tool call's arguments with values escaped for the JSON text they land in, while ids,
// names and roles stay as they are.
func TestReplyEventsOpenAIOtherStrings(t *testing.T) {
	t.Parallel()
	plain := NewReplacer(map[string]string{"[NAME_aa]": `O"Brien`})
	escaped := NewReplacer(map[string]string{"[NAME_aa]": `O\"Brien`}) // as the pipeline escapes values for JSON text
	h := NewReplyEvents(ReplyConfig{
		NewStream: func() TextStreamer { return NewTextStream(plain, plain.MaxLen()) },
		Whole:     plain.Transform,
		WholeJSON: escaped.Transform,
	})
	in := `data: {"id":"[NAME_aa]","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant",` +
		`"refusal":"not for [NAME_aa]","tool_calls":[{"index":0,"id":"call_[NAME_aa]","type":"function",` +
		`"function":{"name":"[NAME_aa]","arguments":"{\"who\":\"[NAME_aa]\"}"}}]},"finish_reason":null}]}` + "\n\n"
	out := rewriteSSE(t, strings.NewReader(in), h)
	var c struct {
		ID      string
		Choices []struct {
			Delta struct {
				Refusal   string
				ToolCalls []struct {
					ID       string
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			}
		}
	}
	data := strings.TrimSuffix(strings.TrimPrefix(out, "data: "), "\n\n")
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	d := c.Choices[0].Delta
	var args struct{ Who string }
	if err := json.Unmarshal([]byte(d.ToolCalls[0].Function.Arguments), &args); err != nil || args.Who != `O"Brien` {
		t.Errorf("arguments %q (%v), want them to parse with who O\"Brien", d.ToolCalls[0].Function.Arguments, err)
	}
	if d.Refusal != `not for O"Brien` {
		t.Errorf("refusal %q", d.Refusal)
	}
	if c.ID != "[NAME_aa]" || d.ToolCalls[0].ID != "call_[NAME_aa]" || d.ToolCalls[0].Function.Name != "[NAME_aa]" {
		t.Errorf("identifiers changed: %s", out)
	}
}

// TestReplyEventsAnthropicToolInput: an Anthropic tool use's partial input is JSON text: values
// put back in it are escaped for it.
func TestReplyEventsAnthropicToolInput(t *testing.T) {
	t.Parallel()
	plain := NewReplacer(map[string]string{"[NAME_aa]": `O"Brien`})
	escaped := NewReplacer(map[string]string{"[NAME_aa]": `O\"Brien`})
	h := NewReplyEvents(ReplyConfig{
		NewStream: func() TextStreamer { return NewTextStream(plain, plain.MaxLen()) },
		Whole:     plain.Transform,
		WholeJSON: escaped.Transform,
	})
	in := "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\"," +
		"\"partial_json\":\"{\\\"who\\\": \\\"[NAME_aa]\\\"}\"}}\n\n"
	out := rewriteSSE(t, strings.NewReader(in), h)
	var ev struct {
		Delta struct {
			PartialJSON string `json:"partial_json"`
		}
	}
	data := strings.TrimSuffix(strings.SplitN(out, "data: ", 2)[1], "\n\n")
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var input struct{ Who string }
	if err := json.Unmarshal([]byte(ev.Delta.PartialJSON), &input); err != nil || input.Who != `O"Brien` {
		t.Errorf("partial input %q (%v)", ev.Delta.PartialJSON, err)
	}
}

// TestReplyEventsNoPlaceForNotice: a JSON stream without a stream field has no place for the
// notice: none is added, and OnNotice is not called (the notice is shown on a later reply).
func TestReplyEventsNoPlaceForNotice(t *testing.T) {
	t.Parallel()
	h, shown := noticeEvents(NewReplacer(tokens), nil)
	in := "data: {\"status\":\"thinking\"}\n\ndata: {\"status\":\"done\"}\n\n"
	out := rewriteSSE(t, strings.NewReader(in), h)
	if out != in || *shown != 0 {
		t.Errorf("out %q, notice shown %d times; want the stream unchanged and no notice", out, *shown)
	}
}

// TestReplyEventsNoticeOpenAI: OpenAI chunks on a route that is not OpenAI's get the notice in an
// extra chunk before the first one, for the first choice.
func TestReplyEventsNoticeOpenAI(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	h, shown := noticeEvents(r, nil)
	reply := "Dear [NAME_aa], mail [EMAIL_7f3a2c]"
	in := genStream([]string{reply}, rand.New(rand.NewPCG(3, 3)), true)
	out := rewriteSSE(t, strings.NewReader(in), h)
	if got, want := reassemble(t, out)[0], "Privacy <notice>\n\n"+r.Transform(reply); got != want || *shown != 1 {
		t.Errorf("reassembled %q, notice shown %d times; want %q, once", got, *shown, want)
	}
}

// TestReplyEventsAnthropicToolInputStreamed: with a JSON streamer, a tool use's input is one text
// across its input_json_delta events: a token split over pieces is put back, escaped for the JSON,
// and what the streamer holds goes out in an extra input_json_delta before the block stops.
func TestReplyEventsAnthropicToolInputStreamed(t *testing.T) {
	t.Parallel()
	plain := NewReplacer(map[string]string{"[NAME_aa]": `O"Brien`})
	escaped := NewReplacer(map[string]string{"[NAME_aa]": `O\"Brien`})
	input := `{"who": "[NAME_aa] and [NAME_aa]", "tail": "[NAME_`
	var b strings.Builder
	for _, p := range cutPieces(input, rand.New(rand.NewPCG(9, 9))) {
		piece, _ := json.Marshal(p)
		fmt.Fprintf(&b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":%s}}\n\n", piece)
	}
	b.WriteString("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n")
	h := NewReplyEvents(ReplyConfig{
		NewStream:     func() TextStreamer { return NewTextStream(plain, plain.MaxLen()) },
		NewJSONStream: func() TextStreamer { return NewTextStream(escaped, escaped.MaxLen()) },
		Whole:         plain.Transform,
	})
	out := rewriteSSE(t, strings.NewReader(b.String()), h)
	var got strings.Builder
	stopped := false
	for _, ev := range refParseSSE(out) {
		var e struct {
			Type  string
			Delta struct {
				Type        string
				PartialJSON string `json:"partial_json"`
			}
		}
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			t.Fatalf("%v: %q", err, ev.Data)
		}
		switch {
		case e.Type == "content_block_stop":
			stopped = true
		case stopped:
			t.Fatalf("an event after the block stopped: %q", ev.Data)
		case e.Delta.Type != "input_json_delta":
			t.Fatalf("event %q", ev.Data)
		}
		got.WriteString(e.Delta.PartialJSON)
	}
	if want := escaped.Transform(input); got.String() != want {
		t.Errorf("input %q, want %q", got.String(), want)
	}
}

// noticeEvents is a ReplyEvents over r with the notice "Privacy <notice>", and how many times it
// has been placed.
func noticeEvents(r *Replacer, fields []string) (*ReplyEvents, *int) {
	shown := new(int)
	return NewReplyEvents(ReplyConfig{
		NewStream:     func() TextStreamer { return NewTextStream(r, r.MaxLen()) },
		NewJSONStream: func() TextStreamer { return NewTextStream(r, r.MaxLen()) },
		Whole:         r.Transform,
		Fields:        NewPaths(fields),
		Notice:        "Privacy <notice>",
		OnNotice:      func() { *shown++ },
	}), shown
}

// TestReplyEventsResponsesFunctionCall: an OpenAI Responses function call's arguments are one
// JSON text across their delta events: a token split over pieces is put back escaped for the
// JSON, the rest goes out before the done event, and the whole arguments the done event and the
// completed response repeat get the same escaped values.
func TestReplyEventsResponsesFunctionCall(t *testing.T) {
	t.Parallel()
	plain := NewReplacer(map[string]string{"[NAME_aa]": `O"Brien`})
	escaped := NewReplacer(map[string]string{"[NAME_aa]": `O\"Brien`})
	args := `{"who": "[NAME_aa] and [NAME_aa]", "tail": "[NAME_`
	quoted, _ := json.Marshal(args)
	var b strings.Builder
	for _, p := range cutPieces(args, rand.New(rand.NewPCG(5, 5))) {
		piece, _ := json.Marshal(p)
		fmt.Fprintf(&b, "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":%s}\n\n", piece)
	}
	fmt.Fprintf(&b, "event: response.function_call_arguments.done\ndata: {\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\",\"output_index\":1,\"arguments\":%s}\n\n", quoted)
	fmt.Fprintf(&b, "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"output\":[{\"type\":\"function_call\",\"name\":\"[NAME_aa]\",\"arguments\":%s}]}}\n\n", quoted)
	h := NewReplyEvents(ReplyConfig{
		NewStream:     func() TextStreamer { return NewTextStream(plain, plain.MaxLen()) },
		NewJSONStream: func() TextStreamer { return NewTextStream(escaped, escaped.MaxLen()) },
		Whole:         plain.Transform,
		WholeJSON:     escaped.Transform,
	})
	var deltas strings.Builder
	var wholes []string
	for _, ev := range refParseSSE(rewriteSSE(t, strings.NewReader(b.String()), h)) {
		var e struct {
			Type, Delta, Arguments string
			Response               struct {
				Output []struct{ Name, Arguments string }
			}
		}
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			t.Fatalf("%v: %q", err, ev.Data)
		}
		switch e.Type {
		case "response.function_call_arguments.delta":
			if len(wholes) > 0 {
				t.Fatalf("a delta after done: %q", ev.Data)
			}
			deltas.WriteString(e.Delta)
		case "response.function_call_arguments.done":
			wholes = append(wholes, e.Arguments)
		case "response.completed":
			wholes = append(wholes, e.Response.Output[0].Arguments)
			if e.Response.Output[0].Name != `O"Brien` {
				t.Errorf("name %q: other strings are rewritten whole", e.Response.Output[0].Name)
			}
		}
	}
	want := escaped.Transform(args)
	if deltas.String() != want || len(wholes) != 2 || wholes[0] != want || wholes[1] != want {
		t.Errorf("deltas %q, whole %q; want %q", deltas.String(), wholes, want)
	}
}

// checkStringSpan fails unless span is a quoted string of doc that decodes to value.
func checkStringSpan(t *testing.T, doc []byte, span Span, value string) {
	t.Helper()
	if span.Start < 0 || span.End > len(doc) || span.Len() < 2 || doc[span.Start] != '"' || doc[span.End-1] != '"' {
		t.Fatalf("span %v of %q", span, doc)
	}
	var v string
	if err := json.Unmarshal(doc[span.Start:span.End], &v); err != nil || v != value {
		t.Fatalf("value %q, the span decodes to %q (%v)", value, v, err)
	}
}

// TestParseResponses: which Responses events carry a streamed text, end one, or end the reply.
func TestParseResponses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc  string
		kind responsesKind
		key  string
	}{
		{`{"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"a"}`, responsesDelta, "response.output_text/1/0/"},
		{`{"type":"response.output_text.done","output_index":1,"content_index":0,"text":"a"}`, responsesDone, "response.output_text/1/0/"},
		{`{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":2,"delta":"a"}`, responsesDelta, "response.reasoning_summary_text/0//2"},
		{`{"type":"response.function_call_arguments.delta","output_index":3,"delta":"{"}`, responsesJSONDelta, "response.function_call_arguments/3//"},
		{`{"type":"response.audio.transcript.delta","output_index":0,"delta":"hi"}`, responsesDelta, "response.audio.transcript/0//"},
		{`{"type":"response.audio.delta","output_index":0,"delta":"UklGRg=="}`, responsesOther, ""},
		{`{"type":"response.output_text.delta","content_index":0,"delta":"a"}`, responsesOther, ""},
		{`{"type":"response.output_text.delta","output_index":0,"delta":7}`, responsesOther, ""},
		{`{"type":"response.completed","response":{}}`, responsesEnd, ""},
		{`{"type":"response.created","response":{}}`, responsesOther, ""},
		{`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}`, responsesOther, ""},
		{`{"type":"response.output_text.delta","output_index":0,"delta":"a"`, responsesOther, ""},
	} {
		if ev := parseResponses([]byte(tc.doc)); ev.kind != tc.kind || ev.key != tc.key {
			t.Errorf("%s: kind %d key %q, want %d %q", tc.doc, ev.kind, ev.key, tc.kind, tc.key)
		}
	}
}

// FuzzParseResponses: any bytes parse without panicking, and a delta's span is the quoted string
// it decoded.
func FuzzParseResponses(f *testing.F) {
	f.Add([]byte(`{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"a\u00e9"}`))
	f.Add([]byte(`{"type":"response.function_call_arguments.done","output_index":1,"arguments":"{}"}`))
	f.Add([]byte(`{"type":"response.completed","response":{"output":[]}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ev := parseResponses(doc)
		if ev.kind != responsesDelta && ev.kind != responsesJSONDelta {
			return
		}
		checkStringSpan(t, doc, ev.text, ev.value)
	})
}
