package proxy

import (
	"context"
	"net/http"
)

// Hooks inspect and rewrite the messages that cross Veil. The proxy calls them for every chat-route
// request body, every WebSocket message and every response of chat, page and WebSocket routes;
// passthrough routes skip them. Implementations must be safe for concurrent use.
type Hooks interface {
	// Request receives a chat route's request with its body decoded to UTF-8 and returns the body
	// to forward. An error refuses the request; StatusFor decides the status.
	Request(ctx context.Context, req *ChatRequest) ([]byte, error)
	// Message receives one WebSocket message in either direction and returns the message to send
	// on. An error closes the connection with a policy-violation or internal-error status.
	Message(ctx context.Context, m *WSMessage) ([]byte, error)
	// Response may rewrite an upstream response (for instance by wrapping its Body) before it is
	// copied to the client. An error replaces the response with an error status.
	Response(ctx context.Context, ex *Exchange, res *http.Response) error
}

// ChatRequest is a decoded chat request as the hooks see it.
type ChatRequest struct {
	Exchange *Exchange
	// Request is the client's request; its Body has already been consumed into Body.
	Request *http.Request
	// Body is the decoded request body, UTF-8.
	Body []byte
	// MediaType is the body's media type without parameters ("application/json").
	MediaType string
}

// Direction says which way a message travels.
type Direction uint8

// Directions.
const (
	ClientToUpstream Direction = iota + 1
	UpstreamToClient
)

func (d Direction) String() string {
	if d == UpstreamToClient {
		return "response"
	}
	return "request"
}

// WSMessage is one complete (reassembled) WebSocket message.
type WSMessage struct {
	Exchange  *Exchange
	Direction Direction
	Binary    bool
	Data      []byte
	// Notify sends a message of Veil's own to the client (a notice, a refusal), ahead of the reply.
	Notify func(data []byte) error
}

// NopHooks forwards everything unchanged.
type NopHooks struct{}

// Request returns the body unchanged.
func (NopHooks) Request(_ context.Context, req *ChatRequest) ([]byte, error) { return req.Body, nil }

// Message returns the message unchanged.
func (NopHooks) Message(_ context.Context, m *WSMessage) ([]byte, error) { return m.Data, nil }

// Response leaves the response alone.
func (NopHooks) Response(context.Context, *Exchange, *http.Response) error { return nil }

var _ Hooks = NopHooks{}
