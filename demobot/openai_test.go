package demobot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// newOpenAIClient returns the official client pointed at srv.
func newOpenAIClient(srvURL string) openai.Client {
	return openai.NewClient(
		option.WithBaseURL(srvURL+"/v1"),
		option.WithAPIKey("test"),
		option.WithMaxRetries(0),
	)
}

func TestChatCompletion(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	tests := []struct {
		desc     string
		model    string
		messages []openai.ChatCompletionMessageParamUnion
		want     string
	}{
		{
			desc:     "string content",
			model:    "gpt-4o-mini",
			messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello bot")},
			want:     "You said: hello bot",
		},
		{
			desc:  "text parts are joined",
			model: "demo",
			messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
				openai.TextContentPart("first part"), openai.TextContentPart("second part"),
			})},
			want: "You said: first part\nsecond part",
		},
		{
			desc:  "the last user message is echoed",
			model: "demo",
			messages: []openai.ChatCompletionMessageParamUnion{
				openai.SystemMessage("be nice"),
				openai.UserMessage("old question"),
				openai.AssistantMessage("You said: old question"),
				openai.UserMessage("new question"),
			},
			want: "You said: new question",
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
				Model: tc.model, Messages: tc.messages,
			})
			if err != nil {
				t.Fatalf("creating completion: %v", err)
			}
			if got.Object != "chat.completion" || got.ID == "" || got.Created == 0 || got.Model != tc.model {
				t.Errorf("envelope = object %q id %q created %d model %q", got.Object, got.ID, got.Created, got.Model)
			}
			if len(got.Choices) != 1 {
				t.Fatalf("%d choices, want 1", len(got.Choices))
			}
			c := got.Choices[0]
			if c.Message.Role != "assistant" || c.Message.Content != tc.want || c.FinishReason != "stop" {
				t.Errorf("choice = role %q content %q finish %q, want assistant %q stop",
					c.Message.Role, c.Message.Content, c.FinishReason, tc.want)
			}
			if got.Usage.TotalTokens == 0 || got.Usage.TotalTokens != got.Usage.PromptTokens+got.Usage.CompletionTokens {
				t.Errorf("usage = %+v", got.Usage)
			}
		})
	}
}

func TestChatCompletionStream(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	tests := []struct {
		desc    string
		message string
	}{
		{desc: "ascii", message: "my email is jane.doe@example.com and my phone is +49 30 1234567"},
		{desc: "multi-byte runes are never split", message: "Grüße aus 東京 👋🌍 — ça va?"},
		{desc: "short", message: "hi"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
				Model:         "demo",
				Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(tc.message)},
				StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
			})
			defer stream.Close()
			var acc openai.ChatCompletionAccumulator
			var text strings.Builder
			var roles []string
			var finish string
			var contentEvents int
			for stream.Next() {
				chunk := stream.Current()
				acc.AddChunk(chunk)
				if chunk.Object != "chat.completion.chunk" || chunk.ID == "" || chunk.Model != "demo" {
					t.Errorf("chunk envelope = object %q id %q model %q", chunk.Object, chunk.ID, chunk.Model)
				}
				if len(chunk.Choices) == 0 {
					continue // the usage event
				}
				d := chunk.Choices[0].Delta
				if d.Role != "" {
					roles = append(roles, d.Role)
				}
				if chunk.Choices[0].FinishReason != "" {
					finish = chunk.Choices[0].FinishReason
				}
				if d.Content == "" {
					continue
				}
				contentEvents++
				if n := len(d.Content); n < minPiece || n > maxPiece {
					t.Errorf("delta %q is %d bytes, want %d..%d", d.Content, n, minPiece, maxPiece)
				}
				text.WriteString(d.Content)
			}
			if err := stream.Err(); err != nil {
				t.Fatalf("streaming: %v", err)
			}
			want := "You said: " + tc.message
			if text.String() != want {
				t.Errorf("reassembled %q, want %q", text.String(), want)
			}
			if contentEvents < 2 {
				t.Errorf("%d content events, want the reply split across several", contentEvents)
			}
			if len(roles) != 1 || roles[0] != "assistant" {
				t.Errorf("roles in deltas = %v, want one assistant (first event)", roles)
			}
			if finish != "stop" {
				t.Errorf("finish_reason = %q, want stop", finish)
			}
			if got := acc.Choices[0].Message.Content; got != want {
				t.Errorf("accumulated %q, want %q", got, want)
			}
			if acc.Usage.TotalTokens == 0 {
				t.Errorf("no usage event despite include_usage")
			}
		})
	}
}

func TestChatCompletionBadRequest(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	tests := []struct {
		desc string
		body string
	}{
		{desc: "bad JSON", body: `{"model":`},
		{desc: "no user message", body: `{"model":"m","messages":[{"role":"system","content":"x"}]}`},
		{desc: "content of the wrong type", body: `{"model":"m","messages":[{"role":"user","content":42}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res, body := do(t, http.MethodPost, srv.URL+"/v1/chat/completions", tc.body, nil)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", res.StatusCode)
			}
			var e struct {
				Error struct{ Message, Type string }
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" {
				t.Errorf("body %s is not an OpenAI error (%v)", body, err)
			}
		})
	}
}

func TestChatCompletionClientError(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "demo",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("no user here")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("error = %v, want an *openai.Error with status 400", err)
	}
}

// TestChatCompletionToolCall: offered a function tool, the bot calls it with the prompt as the
// arguments' "message", whole or streamed in pieces (reassembled by the official client).
func TestChatCompletionToolCall(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	const message = `Grüße, "Jane" <jane.doe@example.com> 東京`
	params := openai.ChatCompletionNewParams{
		Model:    "demo",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(message)},
		Tools:    []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{Name: "remember"})},
	}
	check := func(t *testing.T, calls []openai.ChatCompletionMessageToolCallUnion, finish string) {
		t.Helper()
		if len(calls) != 1 || calls[0].Function.Name != "remember" || calls[0].ID == "" || finish != "tool_calls" {
			t.Fatalf("tool calls %+v, finish %q", calls, finish)
		}
		var args struct{ Message string }
		if err := json.Unmarshal([]byte(calls[0].Function.Arguments), &args); err != nil || args.Message != message {
			t.Errorf("arguments %q: %+v (%v)", calls[0].Function.Arguments, args, err)
		}
	}
	t.Run("whole", func(t *testing.T) {
		comp, err := client.Chat.Completions.New(context.Background(), params)
		if err != nil || len(comp.Choices) != 1 {
			t.Fatalf("completion %+v: %v", comp, err)
		}
		check(t, comp.Choices[0].Message.ToolCalls, comp.Choices[0].FinishReason)
	})
	t.Run("streamed", func(t *testing.T) {
		stream := client.Chat.Completions.NewStreaming(context.Background(), params)
		defer stream.Close()
		var acc openai.ChatCompletionAccumulator
		pieces := 0
		for stream.Next() {
			chunk := stream.Current()
			acc.AddChunk(chunk)
			if len(chunk.Choices) > 0 && len(chunk.Choices[0].Delta.ToolCalls) > 0 && chunk.Choices[0].Delta.ToolCalls[0].Function.Arguments != "" {
				pieces++
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if pieces < 2 {
			t.Errorf("arguments in %d pieces, want them split", pieces)
		}
		check(t, acc.Choices[0].Message.ToolCalls, acc.Choices[0].FinishReason)
	})
}
