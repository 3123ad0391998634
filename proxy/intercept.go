package proxy

import (
	"context"
	"net/http"
)

// Interceptor answers some chat messages itself instead of forwarding them: data-subject requests
// typed in the chat ("delete my data"). It sees the message's text fields in order.
type Interceptor interface {
	// Intercept returns the reply Veil gives in the bot's place, and whether it handled the message.
	Intercept(ctx context.Context, ex *Exchange, texts []TextField) (reply string, handled bool, err error)
}

// TextField is a text of a message body: its value and its path (a JSON path as in Route.Fields,
// with array indices left out, or a form key; "" for a whole text body).
type TextField struct {
	Path, Value string
}

// VeilReply is a message Veil answers itself, in the route's shape, with status 200. The bot never
// sees the message it answers.
type VeilReply struct {
	Text string
	// Recipient is the Rasa sender id to address the reply to, when known.
	Recipient string
	// Stream is set when the client asked for an event stream (streamRequested): the reply is then
	// sent as a stream of the route's format.
	Stream bool
}

func (r *VeilReply) Error() string { return "answered by Veil" }

// writeVeilReply answers a chat request with Veil's own message in the shape of route.
func writeVeilReply(w http.ResponseWriter, route *Route, rep *VeilReply, requestID string) {
	if rep.Stream && streamable(route) {
		writeStreamedReply(w, route, rep.Text, requestID)
		return
	}
	writeShaped(w, shapeOf(route), http.StatusOK, rep.Text, rep.Recipient, requestID, false)
}
