package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	aoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"
)

// openAIClient is the official OpenAI client pointed at Veil, through c.
func openAIClient(v *veil, c *http.Client) openai.Client {
	return openai.NewClient(option.WithBaseURL(v.publicURL+"/v1"), option.WithAPIKey("test"),
		option.WithHTTPClient(c), option.WithMaxRetries(0))
}

// openAIChat sends text with the official OpenAI client, whole or streamed, and returns the
// reply's text (a streamed one reassembled from its deltas).
func openAIChat(t *testing.T, v *veil, c *http.Client, text string, stream bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := openAIClient(v, c)
	params := openai.ChatCompletionNewParams{Model: "demo",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(text)}}
	if !stream {
		comp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		return comp.Choices[0].Message.Content
	}
	s := client.Chat.Completions.NewStreaming(ctx, params)
	var reply strings.Builder
	for s.Next() {
		if ch := s.Current(); len(ch.Choices) > 0 {
			reply.WriteString(ch.Choices[0].Delta.Content)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return reply.String()
}

// openAIToolCall sends text with the official OpenAI client offering a function tool, whole or
// streamed (accumulated as the client does), and returns the "message" of the arguments of the
// tool call demobot answers with, failing unless they are JSON.
func openAIToolCall(t *testing.T, v *veil, c *http.Client, text string, stream bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := openAIClient(v, c)
	params := openai.ChatCompletionNewParams{Model: "demo",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(text)},
		Tools:    []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{Name: "remember"})}}
	var msg openai.ChatCompletionMessage
	if stream {
		s := client.Chat.Completions.NewStreaming(ctx, params)
		var acc openai.ChatCompletionAccumulator
		for s.Next() {
			acc.AddChunk(s.Current())
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if len(acc.Choices) == 0 {
			t.Fatal("a streamed reply without choices")
		}
		msg = acc.Choices[0].Message
	} else {
		comp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		msg = comp.Choices[0].Message
	}
	if len(msg.ToolCalls) != 1 {
		t.Fatalf("reply %+v: want one tool call", msg)
	}
	return argumentsMessage(t, msg.ToolCalls[0].Function.Arguments)
}

// argumentsMessage is the "message" of the arguments demobot's tool calls carry, failing unless
// they are JSON.
func argumentsMessage(t *testing.T, args string) string {
	t.Helper()
	var a struct{ Message string }
	if err := json.Unmarshal([]byte(args), &a); err != nil {
		t.Fatalf("tool call arguments %q: %v", args, err)
	}
	return a.Message
}

// responsesChat sends text with the official OpenAI client's Responses API, whole or streamed,
// and returns the reply's output text (a streamed one reassembled from its deltas), failing unless
// the whole texts of a stream's end (the done event's, the completed response's) say the same.
func responsesChat(t *testing.T, v *veil, c *http.Client, text string, stream bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := openAIClient(v, c)
	params := responses.ResponseNewParams{Model: "demo", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(text)}}
	if !stream {
		res, err := client.Responses.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		return res.OutputText()
	}
	s := client.Responses.NewStreaming(ctx, params)
	var reply strings.Builder
	var done, completed string
	for s.Next() {
		switch ev := s.Current(); ev.Type {
		case "response.output_text.delta":
			reply.WriteString(ev.Delta)
		case "response.output_text.done":
			done = ev.Text
		case "response.completed":
			completed = ev.Response.OutputText()
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	// The whole texts say what the deltas say, the notice included.
	if reply.String() != done || completed != done || done == "" {
		t.Errorf("streamed %q, but done %q and completed %q", reply.String(), done, completed)
	}
	return reply.String()
}

// responsesToolCall sends text with the official OpenAI client's Responses API offering a function
// tool, whole or streamed, and returns the "message" of the arguments of the function call demobot
// answers with, failing unless they are JSON and, streamed, unless the argument deltas, the done
// event and the completed response say the same.
func responsesToolCall(t *testing.T, v *veil, c *http.Client, text string, stream bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := openAIClient(v, c)
	params := responses.ResponseNewParams{Model: "demo", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(text)},
		Tools: []responses.ToolUnionParam{responses.ToolParamOfFunction("remember", map[string]any{"type": "object"}, false)}}
	var args string
	if stream {
		s := client.Responses.NewStreaming(ctx, params)
		var deltas strings.Builder
		var completed string
		for s.Next() {
			switch ev := s.Current(); ev.Type {
			case "response.function_call_arguments.delta":
				deltas.WriteString(ev.Delta)
			case "response.function_call_arguments.done":
				args = ev.Arguments
			case "response.completed":
				if len(ev.Response.Output) > 0 {
					completed = ev.Response.Output[0].Arguments.OfString
				}
			}
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if deltas.String() != args || completed != args {
			t.Errorf("argument deltas %q, done %q, completed %q", deltas.String(), args, completed)
		}
	} else {
		res, err := client.Responses.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Output) != 1 || res.Output[0].Type != "function_call" {
			t.Fatalf("response %+v: want one function call", res.Output)
		}
		args = res.Output[0].Arguments.OfString
	}
	return argumentsMessage(t, args)
}

// anthropicChat sends text with the official Anthropic client, whole or streamed (accumulated
// as the client does), and returns the reply's one text block.
func anthropicChat(t *testing.T, v *veil, c *http.Client, text string, stream bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := anthropic.NewClient(aoption.WithBaseURL(v.publicURL), aoption.WithAPIKey("test"),
		aoption.WithHTTPClient(c), aoption.WithMaxRetries(0))
	params := anthropic.MessageNewParams{Model: "demo", MaxTokens: 1024,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(text))}}
	var msg anthropic.Message
	if !stream {
		m, err := client.Messages.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		msg = *m
	} else {
		s := client.Messages.NewStreaming(ctx, params)
		for s.Next() {
			if err := msg.Accumulate(s.Current()); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if len(msg.Content) != 1 {
		t.Fatalf("content blocks %+v", msg.Content)
	}
	return msg.Content[0].Text
}
