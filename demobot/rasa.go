package demobot

import (
	"encoding/json"
	"net/http"
)

// echoPrefix starts every reply, so tests can find the echoed text.
const echoPrefix = "You said: "

// rasaRequest is the Rasa REST channel's incoming message.
type rasaRequest struct {
	Sender  string `json:"sender"`
	Message string `json:"message"`
}

// rasaReply is one bot message in the Rasa REST channel's response list.
type rasaReply struct {
	RecipientID string `json:"recipient_id"`
	Text        string `json:"text"`
}

// handleRasa answers POST /webhooks/rest/webhook like Rasa's REST channel.
func (b *Bot) handleRasa(w http.ResponseWriter, r *http.Request) {
	var req rasaRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	if req.Sender == "" {
		req.Sender = "default" // what Rasa uses when no sender is given
	}
	writeJSON(w, http.StatusOK, []rasaReply{{RecipientID: req.Sender, Text: echoPrefix + req.Message}})
}
