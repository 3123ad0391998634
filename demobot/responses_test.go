package demobot

import (
	"context"
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
