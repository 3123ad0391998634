package demobot

import (
	"encoding/json"
	"net/http"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"
)

// wsRequest is a client WebSocket message.
type wsRequest struct {
	Message *string `json:"message"`
}

// wsReply is the bot's answer to a message.
type wsReply struct {
	Text string `json:"text,omitempty"`
	// Error explains a message the bot could not read; the connection stays open.
	Error string `json:"error,omitempty"`
}

// handleWebSocket serves GET /ws: each text message {"message":"..."} is answered with
// {"text":"You said: ..."}; a message that is not such JSON gets {"error":"..."}.
func (b *Bot) handleWebSocket(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: b.cfg.OriginPatterns})
	if err != nil {
		return // Accept has answered the client (403 for a foreign origin)
	}
	defer c.CloseNow() //nolint:errcheck // best effort after a failure
	c.SetReadLimit(b.cfg.MaxBodyBytes)
	ctx := r.Context()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == -1 {
				zerolog.Ctx(ctx).Debug().Str(fieldPath, r.URL.Path).Msg("websocket read ended")
			}
			return
		}
		b.received.add(newEntry(KindWS, r, data))
		out, _ := json.Marshal(answerWS(data))
		if err := c.Write(ctx, websocket.MessageText, out); err != nil {
			return
		}
	}
}

// answerWS builds the reply to one client message.
func answerWS(data []byte) wsReply {
	var req wsRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return wsReply{Error: "invalid JSON message"}
	}
	if req.Message == nil {
		return wsReply{Error: `missing "message" field`}
	}
	return wsReply{Text: echoPrefix + *req.Message}
}
