package demobot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// newAnthropicClient returns the official client pointed at srvURL.
func newAnthropicClient(srvURL string) anthropic.Client {
	return anthropic.NewClient(option.WithBaseURL(srvURL), option.WithAPIKey("test"), option.WithMaxRetries(0))
}

func messageParams(text string) anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model: "demo", MaxTokens: 256,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(text))},
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newAnthropicClient(srv.URL)
	msg, err := client.Messages.New(context.Background(), messageParams("hello bot"))
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != "You said: hello bot" {
		t.Fatalf("content %+v", msg.Content)
	}
	if msg.Role != "assistant" || msg.Model != "demo" || msg.StopReason != "end_turn" || msg.Usage.OutputTokens == 0 {
		t.Errorf("message role %q model %q stop %q usage %+v", msg.Role, msg.Model, msg.StopReason, msg.Usage)
	}
}

func TestMessagesStream(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newAnthropicClient(srv.URL)
	for _, text := range []string{"my email is jane.doe@example.com and my phone is +49 30 1234567", "Grüße aus 東京 👋🌍", "hi"} {
		stream := client.Messages.NewStreaming(context.Background(), messageParams(text))
		var acc anthropic.Message
		var deltas int
		var reply strings.Builder
		for stream.Next() {
			ev := stream.Current()
			if err := acc.Accumulate(ev); err != nil {
				t.Fatal(err)
			}
			if d, ok := ev.AsAny().(anthropic.ContentBlockDeltaEvent); ok {
				piece := d.Delta.AsAny().(anthropic.TextDelta).Text
				if n := len(piece); n > maxPiece || n < minPiece && len(text) > maxPiece {
					t.Errorf("delta %q is %d bytes, want %d..%d", piece, n, minPiece, maxPiece)
				}
				reply.WriteString(piece)
				deltas++
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		want := "You said: " + text
		if reply.String() != want || len(acc.Content) != 1 || acc.Content[0].Text != want {
			t.Errorf("deltas %q, accumulated %+v, want %q", reply.String(), acc.Content, want)
		}
		if deltas < 2 || acc.StopReason != "end_turn" || acc.Usage.OutputTokens == 0 {
			t.Errorf("%d deltas, stop %q, usage %+v", deltas, acc.StopReason, acc.Usage)
		}
	}
}

func TestMessagesBadRequest(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newAnthropicClient(srv.URL)
	_, err := client.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "demo", MaxTokens: 16,
		Messages: []anthropic.MessageParam{anthropic.NewAssistantMessage(anthropic.NewTextBlock("no user"))},
	})
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("error %v, want a 400 API error", err)
	}
}
