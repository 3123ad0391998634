package proxy

import (
	"context"
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
	writeShaped(w, shape, http.StatusOK, rep.Text, rep.Recipient, requestID, false)
}
