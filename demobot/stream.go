package demobot

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// streamCompletion sends reply as server-sent events: a role event, the reply in
// pieces of 3..8 bytes, a finish event, an optional usage event, then [DONE]. When the
// request offers a function tool, the reply is a call to it instead: its id and name, then
// its arguments (the prompt, as JSON) in pieces, finishing with "tool_calls". Every
// event is flushed on its own; Config.StreamDelay and Config.StreamGate run between them.
func (b *Bot) streamCompletion(w http.ResponseWriter, r *http.Request, req *chatRequest, id string, created int64, prompt, reply string) {
	chunk := func(delta chunkDelta, finish *string) chatChunk {
		return chatChunk{
			ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model,
			Choices: []chunkChoice{{Delta: delta, FinishReason: finish}},
		}
	}
	empty, stop := "", "stop"
	var events []chatChunk
	if name := req.toolName(); name != "" {
		// A tool call: its head, then its arguments in pieces.
		zero, finish := 0, "tool_calls"
		events = append(events, chunk(chunkDelta{Role: "assistant", ToolCalls: []toolCall{{
			Index: &zero, ID: id + "-call", Type: "function", Function: toolFunction{Name: name},
		}}}, nil))
		for _, p := range splitPieces(toolArguments(prompt)) {
			events = append(events, chunk(chunkDelta{ToolCalls: []toolCall{{Index: &zero, Function: toolFunction{Arguments: p}}}}, nil))
		}
		events = append(events, chunk(chunkDelta{}, &finish))
	} else {
		events = append(events, chunk(chunkDelta{Role: "assistant", Content: &empty}, nil))
		for _, p := range splitPieces(reply) {
			events = append(events, chunk(chunkDelta{Content: &p}, nil))
		}
		events = append(events, chunk(chunkDelta{}, &stop))
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		u := usageFor(prompt, reply)
		events = append(events, chatChunk{
			ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model,
			Choices: []chunkChoice{}, Usage: &u,
		})
	}

	data := make([]sseEvent, 0, len(events)+1)
	for _, ev := range events {
		d, err := json.Marshal(ev)
		if err != nil {
			return
		}
		data = append(data, sseEvent{data: d})
	}
	b.sendEvents(w, r, append(data, sseEvent{data: []byte("[DONE]"), last: true}))
}

// sseEvent is one event of a stream: an optional event type and its data.
type sseEvent struct {
	name string
	data []byte
	last bool // a closing event, sent without the gate and the delay
}

// sendEvents writes events as a text/event-stream, each flushed on its own, with
// Config.StreamGate and Config.StreamDelay between them (the gate counts every event but
// the closing ones).
func (b *Bot) sendEvents(w http.ResponseWriter, r *http.Request, events []sseEvent) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	ctx := r.Context()

	for i, ev := range events {
		if !writeEvent(w, rc, ev.name, ev.data) {
			return
		}
		if ev.last {
			continue
		}
		sent := i + 1
		if b.cfg.StreamGate != nil {
			if err := b.cfg.StreamGate(ctx, sent); err != nil {
				return
			}
		}
		if b.cfg.StreamDelay > 0 {
			t := time.NewTimer(b.cfg.StreamDelay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}
}

// writeEvent writes one event (with an "event:" line when name is set) and flushes it;
// false means the client is gone.
func writeEvent(w io.Writer, rc *http.ResponseController, name string, data []byte) bool {
	if name != "" {
		if _, err := io.WriteString(w, "event: "+name+"\n"); err != nil {
			return false
		}
	}
	if _, err := io.WriteString(w, "data: "); err != nil {
		return false
	}
	if _, err := w.Write(data); err != nil {
		return false
	}
	if _, err := io.WriteString(w, "\n\n"); err != nil {
		return false
	}
	return rc.Flush() == nil
}
