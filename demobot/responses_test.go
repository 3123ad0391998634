package demobot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
)

// TestResponses: the official client gets the echo from /v1/responses, whole and streamed (the
// text in output_text deltas, the same text whole in the completed response), for a string input
// and for a list of messages.
func TestResponses(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	const message = "Grüße aus 東京, jane.doe@example.com"
	inputs := map[string]responses.ResponseNewParamsInputUnion{
		"string": {OfString: openai.String(message)},
		"messages": {OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("be nice", responses.EasyInputMessageRoleSystem),
			responses.ResponseInputItemParamOfMessage(message, responses.EasyInputMessageRoleUser),
		}},
	}
	for name, input := range inputs {
		params := responses.ResponseNewParams{Model: "demo", Input: input}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := client.Responses.New(context.Background(), params)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.OutputText(); got != echoPrefix+message || res.Status != "completed" {
				t.Errorf("reply %q (%s), want %q", got, res.Status, echoPrefix+message)
			}
			stream := client.Responses.NewStreaming(context.Background(), params)
			defer stream.Close()
			var deltas strings.Builder
			var completed string
			pieces := 0
			for stream.Next() {
				switch ev := stream.Current(); ev.Type {
				case "response.output_text.delta":
					deltas.WriteString(ev.Delta)
					pieces++
				case "response.completed":
					completed = ev.Response.OutputText()
				}
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			if deltas.String() != echoPrefix+message || completed != deltas.String() || pieces < 2 {
				t.Errorf("streamed %q in %d pieces, completed %q", deltas.String(), pieces, completed)
			}
		})
	}
}

// TestResponsesToolCall: offered a function tool, the bot calls it with the input as the
// arguments' "message", whole or streamed in argument deltas that the done event and the
// completed response repeat whole.
func TestResponsesToolCall(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	client := newOpenAIClient(srv.URL)
	const message = `Grüße, "Jane" <jane.doe@example.com>`
	params := responses.ResponseNewParams{Model: "demo", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(message)},
		Tools: []responses.ToolUnionParam{responses.ToolParamOfFunction("remember", map[string]any{"type": "object"}, false)}}
	check := func(t *testing.T, args string) {
		t.Helper()
		var a struct{ Message string }
		if err := json.Unmarshal([]byte(args), &a); err != nil || a.Message != message {
			t.Errorf("arguments %q: %+v (%v)", args, a, err)
		}
	}
	res, err := client.Responses.New(context.Background(), params)
	if err != nil || len(res.Output) != 1 || res.Output[0].Type != "function_call" || res.Output[0].Name != "remember" {
		t.Fatalf("response %+v: %v", res, err)
	}
	check(t, res.Output[0].Arguments.OfString)
	stream := client.Responses.NewStreaming(context.Background(), params)
	defer stream.Close()
	var deltas strings.Builder
	var done, completed string
	pieces := 0
	for stream.Next() {
		switch ev := stream.Current(); ev.Type {
		case "response.function_call_arguments.delta":
			deltas.WriteString(ev.Delta)
			pieces++
		case "response.function_call_arguments.done":
			done = ev.Arguments
		case "response.completed":
			completed = ev.Response.Output[0].Arguments.OfString
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if deltas.String() != done || completed != done || pieces < 2 {
		t.Errorf("deltas %q in %d pieces, done %q, completed %q", deltas.String(), pieces, done, completed)
	}
	check(t, done)
}
