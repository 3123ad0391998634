package proxy

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// Shape is the wire format of a chat route, so that Veil can speak to the widget in it: a refused
// message or a notice must look like one of the bot's own replies.
type Shape string

// Shapes.
const (
	ShapeAuto      Shape = ""          // inferred from the path
	ShapeRasa      Shape = "rasa"      // Rasa REST channel: [{"recipient_id","text"}]
	ShapeOpenAI    Shape = "openai"    // OpenAI chat completions
	ShapeResponses Shape = "responses" // OpenAI Responses API
	ShapeAnthropic Shape = "anthropic" // Anthropic Messages API
	ShapeJSON      Shape = "json"      // any other JSON API: {"error": message}
	ShapeText      Shape = "text"      // plain text
)

// shapeOf returns the route's shape, inferring it from the path when not configured.
func shapeOf(r *Route) Shape {
	if r.Shape != ShapeAuto {
		return r.Shape
	}
	switch {
	case strings.Contains(r.Path, "/chat/completions"):
		return ShapeOpenAI
	case strings.Contains(r.Path, "/webhooks/rest"):
		return ShapeRasa
	case strings.HasSuffix(strings.TrimSuffix(r.Path, "/"), "/v1/messages"):
		return ShapeAnthropic
	case strings.HasSuffix(strings.TrimSuffix(r.Path, "/"), "/v1/responses"):
		return ShapeResponses
	}
	return ShapeJSON
}

// streamable reports whether Veil's own reply on route can be an event stream, when the request
// asks for one (writeStreamedReply): on OpenAI, Responses and Anthropic routes, and on a bot's own
// JSON route with stream fields.
func streamable(route *Route) bool {
	switch shapeOf(route) {
	case ShapeOpenAI, ShapeResponses, ShapeAnthropic:
		return true
	case ShapeJSON:
		return len(route.StreamFields) > 0
	}
	return false
}

// StatusBlocked is the status of a message that policy refused: 451 Unavailable For Legal
// Reasons. The body carries the policy's message in the route's shape.
const StatusBlocked = http.StatusUnavailableForLegalReasons

// BlockedError refuses a message with a message for the user. The pipeline returns it; the proxy
// answers in the route's shape.
type BlockedError struct {
	Message string   // shown to the user; written by the policy, never derived from the message
	Reasons []string // rule ids, for logs
	// Recipient is the Rasa sender id to address the reply to, when known.
	Recipient string
}

func (e *BlockedError) Error() string { return "message blocked by policy" }

// writeBlocked answers a blocked chat request in the shape of its route, with status 451.
func writeBlocked(w http.ResponseWriter, shape Shape, e *BlockedError, requestID string) {
	writeShaped(w, shape, StatusBlocked, e.Message, e.Recipient, requestID, true)
}

// writeShaped answers a chat request with Veil's own text in the shape of its route: a Rasa
// reply list, an OpenAI completion or response, or an Anthropic message (or, for a refusal, their
// error objects), plain text, or JSON.
func writeShaped(w http.ResponseWriter, shape Shape, status int, text, recipient, requestID string, refusal bool) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(HeaderRequestID, requestID)
	var body any
	switch shape {
	case ShapeRasa:
		if recipient == "" {
			recipient = "default"
		}
		body = []map[string]string{{"recipient_id": recipient, "text": text}}
	case ShapeOpenAI, ShapeResponses:
		switch {
		case refusal:
			body = map[string]any{"error": map[string]any{
				"message": text, "type": "veil_policy", "code": "personal_data_blocked", "param": nil,
			}}
		case shape == ShapeResponses:
			body = responsesObject("veil-"+requestID, "completed", []any{responsesMessage("veil-msg-"+requestID, "completed", []any{outputText(text)})})
		default:
			body = map[string]any{
				"id": "veil-" + requestID, "object": "chat.completion", "created": 0, "model": "veil",
				"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
					"message": map[string]string{"role": "assistant", "content": text}}},
			}
		}
	case ShapeAnthropic:
		if refusal {
			body = map[string]any{"type": "error", "error": map[string]any{"type": "veil_policy", "message": text}}
		} else {
			body = anthropicMessage("veil-"+requestID, []map[string]string{{"type": "text", "text": text}}, "end_turn")
		}
	case ShapeText:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(text + "\n"))
		return
	default:
		key := "text"
		if refusal {
			key = "error"
		}
		body = map[string]string{key: text, "request_id": requestID}
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(body)
}

// writeStreamedReply answers a chat request on a streamable route that asked for an event stream
// with Veil's own text as a complete stream of the route's format: OpenAI chunks (the text, then
// the finish, then [DONE]), OpenAI Responses events (response.created to response.completed),
// Anthropic Messages events (message_start to message_stop), or, for a bot's own JSON, one event
// whose data has the text at the first stream field (each dotted part an object: "delta.text" is
// {"delta":{"text":...}}).
func writeStreamedReply(w http.ResponseWriter, route *Route, text, requestID string) {
	shape := shapeOf(route)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(HeaderRequestID, requestID)
	h.Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	type event struct {
		name string
		data any
	}
	var events []event
	add := func(name string, data any) { events = append(events, event{name, data}) }
	id := "veil-" + requestID
	switch shape {
	case ShapeOpenAI:
		chunk := func(delta map[string]string, finish any) map[string]any {
			return map[string]any{"id": id, "object": "chat.completion.chunk", "created": 0, "model": "veil",
				"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}}}
		}
		add("", chunk(map[string]string{"role": "assistant", "content": text}, nil))
		add("", chunk(map[string]string{}, "stop"))
	case ShapeResponses:
		itemID := "veil-msg-" + requestID
		at := func(typ string, v map[string]any) map[string]any {
			v["type"], v["item_id"], v["output_index"], v["content_index"] = typ, itemID, 0, 0
			return v
		}
		add("response.created", map[string]any{"type": "response.created", "response": responsesObject(id, "in_progress", []any{})})
		add("response.output_item.added", map[string]any{"type": "response.output_item.added", "output_index": 0,
			"item": responsesMessage(itemID, "in_progress", []any{})})
		add("response.content_part.added", at("response.content_part.added", map[string]any{"part": outputText("")}))
		add("response.output_text.delta", at("response.output_text.delta", map[string]any{"delta": text}))
		add("response.output_text.done", at("response.output_text.done", map[string]any{"text": text}))
		add("response.content_part.done", at("response.content_part.done", map[string]any{"part": outputText(text)}))
		item := responsesMessage(itemID, "completed", []any{outputText(text)})
		add("response.output_item.done", map[string]any{"type": "response.output_item.done", "output_index": 0, "item": item})
		add("response.completed", map[string]any{"type": "response.completed", "response": responsesObject(id, "completed", []any{item})})
		for i, ev := range events {
			ev.data.(map[string]any)["sequence_number"] = i
		}
	case ShapeJSON:
		var v any = text
		parts := strings.Split(route.StreamFields[0], ".")
		for i := len(parts) - 1; i >= 0; i-- {
			v = map[string]any{parts[i]: v}
		}
		add("", v)
	default:
		add("message_start", map[string]any{"type": "message_start", "message": anthropicMessage(id, []map[string]string{}, nil)})
		add("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]string{"type": "text", "text": ""}})
		add("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]string{"type": "text_delta", "text": text}})
		add("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
		add("message_delta", map[string]any{"type": "message_delta",
			"delta": map[string]any{"stop_reason": "end_turn", "stop_sequence": nil}, "usage": map[string]int{"output_tokens": 0}})
		add("message_stop", map[string]any{"type": "message_stop"})
	}
	var b bytes.Buffer
	for _, ev := range events {
		if ev.name != "" {
			b.WriteString("event: " + ev.name + "\n")
		}
		data, _ := json.Marshal(ev.data) // maps of strings and numbers: cannot fail
		b.WriteString("data: ")
		b.Write(data)
		b.WriteString("\n\n")
	}
	if shape == ShapeOpenAI {
		b.WriteString("data: [DONE]\n\n")
	}
	_, _ = w.Write(b.Bytes())
}

// responsesObject is a Responses API response from Veil with status and output.
func responsesObject(id, status string, output []any) map[string]any {
	return map[string]any{"id": id, "object": "response", "created_at": 0, "status": status, "model": "veil",
		"output": output, "usage": map[string]int{"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}}
}

// responsesMessage is an assistant message of a response's output, with status and content.
func responsesMessage(id, status string, content []any) map[string]any {
	return map[string]any{"type": "message", "id": id, "status": status, "role": "assistant", "content": content}
}

// outputText is an output_text part of a response's message.
func outputText(text string) map[string]any {
	return map[string]any{"type": "output_text", "text": text, "annotations": []any{}}
}

// anthropicMessage is a Messages API message from Veil with content and stop reason stop (a
// string, or nil while a stream is still going).
func anthropicMessage(id string, content []map[string]string, stop any) map[string]any {
	return map[string]any{
		"id": id, "type": "message", "role": "assistant", "model": "veil", "content": content,
		"stop_reason": stop, "stop_sequence": nil, "usage": map[string]int{"input_tokens": 0, "output_tokens": 0},
	}
}
