package proxy

import (
	"context"
	"encoding/json"
	"net/http"
)

// Interceptor answers some chat messages itself instead of forwarding them: data-subject requests
// typed in the chat ("delete my data"). It sees the message's text fields in order.
type Interceptor interface {
	// Intercept returns the reply Veil gives in the bot's place, and whether it handled the message.
	Intercept(ctx context.Context, ex *Exchange, texts []string) (reply string, handled bool, err error)
}

// VeilReply is a message Veil answers itself, in the route's shape, with status 200. The bot never
// sees the message it answers.
type VeilReply struct {
	Text string
	// Recipient is the Rasa sender id to address the reply to, when known.
	Recipient string
}

func (r *VeilReply) Error() string { return "answered by Veil" }

// writeVeilReply answers a chat request with Veil's own message in the shape of its route.
func writeVeilReply(w http.ResponseWriter, shape Shape, rep *VeilReply, requestID string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(HeaderRequestID, requestID)
	var body any
	switch shape {
	case ShapeRasa:
		recipient := rep.Recipient
		if recipient == "" {
			recipient = "default"
		}
		body = []map[string]string{{"recipient_id": recipient, "text": rep.Text}}
	case ShapeOpenAI:
		body = map[string]any{
			"id": "veil-" + requestID, "object": "chat.completion", "created": 0, "model": "veil",
			"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
				"message": map[string]string{"role": "assistant", "content": rep.Text}}},
		}
	case ShapeText:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(rep.Text + "\n"))
		return
	default:
		body = map[string]string{"text": rep.Text, "request_id": requestID}
	}
	h.Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(body)
}
