package demobot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// responsesRequest is the part of an OpenAI Responses API request the bot reads: the input is a
// string or a list of items, the messages among them as in chatMessage.
type responsesRequest struct {
	Model  string          `json:"model"`
	Input  json.RawMessage `json:"input"`
	Stream bool            `json:"stream"`
	Tools  []struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"tools"`
}

// toolName is the function the bot calls: the first function tool the request offers, "" for
// none.
func (req *responsesRequest) toolName() string {
	for _, t := range req.Tools {
		if t.Type == "function" && t.Name != "" {
			return t.Name
		}
	}
	return ""
}

// lastUserText returns the input string, or the text of the last input message with role "user".
func (req *responsesRequest) lastUserText() (string, error) {
	raw := bytes.TrimSpace(req.Input)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var items []chatMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return "", errors.New("input must be a string or a list of messages")
	}
	return (&chatRequest{Messages: items}).lastUserText()
}

// handleResponses answers POST /v1/responses like OpenAI's Responses API: it echoes the last user
// input, or, when the request offers a function tool, calls it with that input as the arguments'
// "message"; whole or as the API's event stream.
func (b *Bot) handleResponses(w http.ResponseWriter, r *http.Request) {
	var req responsesRequest
	prompt, ok := readPrompt(w, r, &req, &req.Model, openAIError)
	if !ok {
		return
	}
	n := b.ids.Add(1)
	id, itemID := fmt.Sprintf("resp_demo%06d", n), fmt.Sprintf("msg_demo%06d", n)
	reply := echoPrefix + prompt
	u := usageFor(prompt, reply)
	usage := map[string]int{"input_tokens": u.PromptTokens, "output_tokens": u.CompletionTokens, "total_tokens": u.TotalTokens}
	created := time.Now().Unix()
	tool := req.toolName()
	if tool != "" {
		itemID = fmt.Sprintf("fc_demo%06d", n)
	}
	item := outputMessage(itemID, "completed", []any{outputText(reply)})
	if tool != "" {
		item = functionCall(itemID, tool, toolArguments(prompt), "completed")
	}
	response := func(status string, output ...any) map[string]any {
		return map[string]any{"id": id, "object": "response", "created_at": created, "status": status,
			"model": req.Model, "output": append([]any{}, output...), "usage": usage}
	}
	if !req.Stream {
		writeJSON(w, http.StatusOK, response("completed", item))
		return
	}
	var events []sseEvent
	add := func(typ string, v map[string]any) {
		v["type"], v["sequence_number"] = typ, len(events)
		data, _ := json.Marshal(v) // maps of strings, numbers and slices: cannot fail
		events = append(events, sseEvent{name: typ, data: data})
	}
	at := func(v map[string]any) map[string]any {
		v["item_id"], v["output_index"], v["content_index"] = itemID, 0, 0
		return v
	}
	add("response.created", map[string]any{"response": response("in_progress")})
	if tool != "" {
		args := toolArguments(prompt)
		add("response.output_item.added", map[string]any{"output_index": 0, "item": functionCall(itemID, tool, "", "in_progress")})
		for _, p := range splitPieces(args) {
			add("response.function_call_arguments.delta", map[string]any{"item_id": itemID, "output_index": 0, "delta": p})
		}
		add("response.function_call_arguments.done", map[string]any{"item_id": itemID, "output_index": 0, "name": tool, "arguments": args})
	} else {
		add("response.output_item.added", map[string]any{"output_index": 0, "item": outputMessage(itemID, "in_progress", []any{})})
		add("response.content_part.added", at(map[string]any{"part": outputText("")}))
		for _, p := range splitPieces(reply) {
			add("response.output_text.delta", at(map[string]any{"delta": p}))
		}
		add("response.output_text.done", at(map[string]any{"text": reply}))
		add("response.content_part.done", at(map[string]any{"part": outputText(reply)}))
	}
	add("response.output_item.done", map[string]any{"output_index": 0, "item": item})
	add("response.completed", map[string]any{"response": response("completed", item)})
	events[len(events)-1].last = true
	b.sendEvents(w, r, events)
}

// outputMessage is an assistant message of a response's output.
func outputMessage(id, status string, content []any) map[string]any {
	return map[string]any{"type": "message", "id": id, "status": status, "role": "assistant", "content": content}
}

// functionCall is a function call item of a response's output.
func functionCall(id, name, arguments, status string) map[string]any {
	return map[string]any{"type": "function_call", "id": id, "call_id": "call_" + id, "name": name, "arguments": arguments, "status": status}
}

// outputText is an output_text part of an output message.
func outputText(text string) map[string]any {
	return map[string]any{"type": "output_text", "text": text, "annotations": []any{}}
}
