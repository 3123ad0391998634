package demobot

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// messagesRequest is the part of an Anthropic Messages API request the bot reads. Message
// content is a string or an array of blocks, as in chatMessage.
type messagesRequest struct {
	Model     string        `json:"model"`
	MaxTokens int           `json:"max_tokens"`
	Messages  []chatMessage `json:"messages"`
	Stream    bool          `json:"stream"`
}

// lastUserText returns the text of the last message with role "user".
func (req *messagesRequest) lastUserText() (string, error) {
	return (&chatRequest{Messages: req.Messages}).lastUserText()
}

// message is the Messages API's response, and the message of a stream's message_start.
type message struct {
	ID           string         `json:"id"`
	Type         string         `json:"type"`
	Role         string         `json:"role"`
	Model        string         `json:"model"`
	Content      []contentBlock `json:"content"`
	StopReason   *string        `json:"stop_reason"`
	StopSequence *string        `json:"stop_sequence"`
	Usage        messagesUsage  `json:"usage"`
}

type contentBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type messagesUsage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

// anthropicError sends the error shape Anthropic clients parse.
func anthropicError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"type": "error", "error": map[string]any{
		"type": "invalid_request_error", "message": msg,
	}})
}

// handleMessages answers POST /v1/messages like Anthropic's Messages API.
func (b *Bot) handleMessages(w http.ResponseWriter, r *http.Request) {
	var req messagesRequest
	prompt, ok := readPrompt(w, r, &req, &req.Model, anthropicError)
	if !ok {
		return
	}
	reply := echoPrefix + prompt
	u := usageFor(prompt, reply)
	endTurn := "end_turn"
	msg := message{
		ID: fmt.Sprintf("msg_demo%06d", b.ids.Add(1)), Type: "message", Role: "assistant", Model: req.Model,
		Content: []contentBlock{{Type: "text", Text: reply}}, StopReason: &endTurn,
		Usage: messagesUsage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens},
	}
	if !req.Stream {
		writeJSON(w, http.StatusOK, msg)
		return
	}
	b.sendEvents(w, r, messageEvents(msg))
}

// messageEvents is msg as a Messages API stream: message_start, the text block's start, a ping,
// the text in pieces of 3..8 bytes as content_block_delta events, the block's stop,
// message_delta with the stop reason and usage, message_stop.
func messageEvents(msg message) []sseEvent {
	var events []sseEvent
	add := func(name string, v map[string]any) {
		v["type"] = name
		data, _ := json.Marshal(v) // maps of strings, numbers and the types above: cannot fail
		events = append(events, sseEvent{name: name, data: data})
	}
	start := msg
	start.Content, start.StopReason = []contentBlock{}, nil
	start.Usage.OutputTokens = 0
	add("message_start", map[string]any{"message": start})
	add("content_block_start", map[string]any{"index": 0, "content_block": contentBlock{Type: "text"}})
	add("ping", map[string]any{})
	for _, p := range splitPieces(msg.Content[0].Text) {
		add("content_block_delta", map[string]any{"index": 0, "delta": map[string]string{"type": "text_delta", "text": p}})
	}
	add("content_block_stop", map[string]any{"index": 0})
	add("message_delta", map[string]any{
		"delta": map[string]any{"stop_reason": msg.StopReason, "stop_sequence": nil},
		"usage": map[string]int{"output_tokens": msg.Usage.OutputTokens},
	})
	add("message_stop", map[string]any{})
	events[len(events)-1].last = true
	return events
}
