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

// chunkJSON is the part of a chunk the tests read back.
type chunkJSON struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Model   string `json:"model"`
	Created int64  `json:"created"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content *string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

// genStream writes an OpenAI-style stream of replies (one per choice), each split into pieces
// whose sizes come from rng (3 to 8 bytes), choices interleaved.
func genStream(replies []string, rng *rand.Rand, done bool) string {
	var b strings.Builder
	chunk := func(choice string) {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"bot-1","choices":[%s]}`+"\n\n", choice)
	}
	rest := append([]string(nil), replies...)
	for i := range replies {
		chunk(fmt.Sprintf(`{"index":%d,"delta":{"role":"assistant","content":""},"finish_reason":null}`, i))
	}
	b.WriteString(": keep-alive\n\n")
	for {
		live := 0
		for i := range rest {
			if rest[i] == "" {
				continue
			}
			live++
			n := min(len(rest[i]), 3+rng.IntN(6))
			for n < len(rest[i]) && !utf8.RuneStart(rest[i][n]) {
				n++ // JSON strings hold whole characters
			}
			content, _ := json.Marshal(rest[i][:n])
			rest[i] = rest[i][n:]
			chunk(fmt.Sprintf(`{"index":%d,"delta":{"content":%s},"logprobs":null,"finish_reason":null}`, i, content))
			if rest[i] == "" {
				chunk(fmt.Sprintf(`{"index":%d,"delta":{},"finish_reason":"stop"}`, i))
			}
		}
		if live == 0 {
			break
		}
	}
	if done {
		b.WriteString("data: [DONE]\n\n")
	}
	return b.String()
}

// reassemble decodes a rewritten stream the way a client does: the deltas of each choice
// concatenated. It fails on invalid JSON and on content after a choice finished.
func reassemble(t testing.TB, stream string) map[int]string {
	t.Helper()
	got := map[int]string{}
	finished := map[int]bool{}
	for _, ev := range refParseSSE(stream) {
		if !strings.Contains(ev.Data, `"chat.completion.chunk"`) {
			continue
		}
		var c chunkJSON
		if err := json.Unmarshal([]byte(ev.Data), &c); err != nil {
			t.Fatalf("event data is not JSON: %v: %q", err, ev.Data)
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				if finished[ch.Index] && *ch.Delta.Content != "" {
					t.Fatalf("content for choice %d after it finished", ch.Index)
				}
				got[ch.Index] += *ch.Delta.Content
			}
			if ch.FinishReason != nil {
				finished[ch.Index] = true
			}
		}
	}
	return got
}

func rewriteOpenAI(t testing.TB, src io.Reader, r Transformer, maxHold int) string {
	t.Helper()
	return rewriteSSE(t, src, NewOpenAIChunks(r, maxHold))
}

func TestOpenAIChunks(t *testing.T) {
	t.Parallel()
	r := NewReplacer(tokens)
	tests := []struct {
		desc    string
		replies []string
		done    bool
	}{
		{"tokens in one choice", []string{"Dear [NAME_aa], we wrote to [EMAIL_7f3a2c] and will call [PHONE_01ab99]."}, true},
		{"token at the very end", []string{"Your address is [EMAIL_7f3a2c]"}, true},
		{"unfinished candidate at the end", []string{"Nothing here [EMAIL_7f3"}, true},
		{"two choices", []string{"A: [EMAIL_7f3a2c]!", "B: [NAME_aa] [EMAIL_7f3a2d] [EMA"}, true},
		{"no [DONE]", []string{"Ends with [NAME_"}, false},
		{"multi-byte text", []string{"Grüße, [NAME_aa] 😀😀 — tschüß [EMAIL_7f3a2c]"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(20) {
				in := genStream(tc.replies, rand.New(rand.NewPCG(seed, 1)), tc.done)
				for _, src := range []io.Reader{strings.NewReader(in), &splitReader{[]byte(in), []byte(strings.Repeat("\x05\x0b\x02", 100))}} {
					got := reassemble(t, rewriteOpenAI(t, src, r, 0))
					for i, reply := range tc.replies {
						if want := r.Transform(reply); got[i] != want {
							t.Fatalf("seed %d choice %d: %q, want %q", seed, i, got[i], want)
						}
					}
				}
			}
		})
	}
}

func TestOpenAIChunksGolden(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi [NA"},"finish_reason":null}]}`,
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ME_aa], mail <[EMAIL_7f"},"finish_reason":null}]}`,
		": ping",
		`data: {"error":{"message":"not a chunk [NAME_aa]"}}`,
		"event: other\ndata: not json [NAME_aa]",
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"total_tokens":9}}`,
		"data: [DONE]",
	}, "\n\n") + "\n\n"
	out := rewriteOpenAI(t, strings.NewReader(in), NewReplacer(tokens), 0)
	golden(t, filepath.Join("testdata", "openai_stream.golden"), []byte(out))
	if got := reassemble(t, out)[0]; got != "Hi Zoë, mail <[EMAIL_7f" {
		t.Errorf("reassembled %q", got)
	}
}

func TestOpenAIChunksPassThrough(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, in string }{
		{"error object", `data: {"error":{"message":"[NAME_aa]"}}` + "\n\n"},
		{"other object type", `data: {"object":"chat.completion","choices":[{"message":{"content":"[NAME_aa]"}}]}` + "\n\n"},
		{"not JSON", "data: [NAME_aa]\n\n"},
		{"invalid JSON", `data: {"choices":[{"delta":{"content":"[NAME_aa]"}}]` + "\n\n"},
		{"done only", "data: [DONE]\n\n"},
		{"comments", ": hello\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if out := rewriteOpenAI(t, strings.NewReader(tc.in), NewReplacer(tokens), 0); out != tc.in {
				t.Errorf("changed to %q", out)
			}
		})
	}
}

func TestOpenAIChunksMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, in string }{
		{"bad index", `data: {"object":"chat.completion.chunk","choices":[{"index":-1,"delta":{"content":"x"}}]}`},
		{"content not a string", `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":[1]}}]}`},
		{"declared chunk, bad JSON", `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := io.ReadAll(NewSSERewriter(strings.NewReader(tc.in+"\n\n"), NewOpenAIChunks(NewReplacer(tokens), 0), 0))
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), `"x"`) {
				t.Errorf("error quotes the stream: %v", err)
			}
		})
	}
}

func FuzzOpenAIChunks(f *testing.F) {
	f.Add("Dear [NAME_aa], mail [EMAIL_7f3a2c] [EMA", "second [PHONE_01ab99", uint64(1), []byte{3, 7, 1})
	f.Add("ab abcd 4111 41 😀😀 é", "", uint64(2), []byte{})
	f.Fuzz(func(t *testing.T, a, b string, seed uint64, cuts []byte) {
		replies := []string{a}
		if b != "" {
			replies = append(replies, b)
		}
		r := NewReplacer(fuzzKeys)
		in := genStream(replies, rand.New(rand.NewPCG(seed, 2)), seed%2 == 0)
		got := reassemble(t, rewriteOpenAI(t, &splitReader{[]byte(in), cuts}, r, r.MaxLen()))
		for i, reply := range replies {
			// The generator encodes with encoding/json, which turns invalid UTF-8 into U+FFFD.
			whole := string([]rune(reply))
			if want := r.Transform(whole); got[i] != want {
				t.Fatalf("choice %d: %q, want %q", i, got[i], want)
			}
		}
	})
}

// TestParseChunkOther: a chunk notes whether it has strings besides its content and identifiers,
// which ReplyEvents then rewrites.
func TestParseChunkOther(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc   string
		other bool
	}{
		{`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"f","service_tier":"default","obfuscation":"x1",` +
			`"choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"logprobs":null,"finish_reason":null}]}`, false},
		{`{"object":"chat.completion.chunk","choices":[],"usage":{"total_tokens":3}}`, true},
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"refusal":"no"}}]}`, true},
		// A tool call's id, type, name and arguments are read (the arguments are streamed), not
		// left to the caller; anything else in it is.
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}`, false},
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}","note":"x"}}]}}]}`, true},
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{"a":"x"}}}]}}]}`, true},
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"logprobs":{"content":[{"token":"hi"}]}}]}`, true},
		{`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}],"note":"y"}`, true},
	} {
		_, meta, ok, err := parseChunk([]byte(tc.doc), nil)
		if err != nil || !ok || meta.other != tc.other {
			t.Errorf("%s: ok %v err %v other %v, want %v", tc.doc, ok, err, meta.other, tc.other)
		}
	}
}
