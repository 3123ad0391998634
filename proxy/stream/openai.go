package stream

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// OpenAIChunks is the EventHandler for an OpenAI chat-completions stream (and the many bots that
// copy its format): it runs each choice's delta.content through its own TextStreamer and writes
// what the streamer emits back into the chunk. Text a streamer still holds goes out with the
// choice's next chunk, or, when the choice finishes (finish_reason), at "data: [DONE]" or at the
// end of the stream, in an extra chunk sent just before (with the id, model and created of the
// last chunk). Other events (comments, errors, unknown JSON) pass through untouched. So the text a
// client reassembles from the deltas of a choice is the streamer's rewrite of the whole reply.
//
// With a JSON streamer (SetJSONStream), each tool call's arguments, JSON text streamed in pieces,
// are one streamed text too, keyed by choice and tool-call index; what its streamer holds goes
// out in an extra chunk for that tool call once a later chunk of the choice carries another tool
// call and not this one, when the choice finishes, or at the end. Without one, the arguments are
// left to the caller (ReplyEvents rewrites them piece by piece).
// An OpenAIChunks serves one response; it is not safe for concurrent use.
type OpenAIChunks struct {
	newStream func() TextStreamer
	newJSON   func() TextStreamer
	streams   []choiceStream
	tools     []toolStream
	meta      chunkMeta // of the last chunk
	evType    string    // event type of the last chunk
	first     int       // index of the last chunk's first choice
	edits     []Edit
	flushes   []choiceText
	choices   []choiceInfo
}

// MaxChoices bounds the distinct choice indexes one response may use.
const MaxChoices = 128

type choiceStream struct {
	index int
	s     TextStreamer
}

// toolStream is the streamer of one tool call's arguments.
type toolStream struct {
	choice, call int
	s            TextStreamer
}

// choiceText is text to send for one choice: its content, or when tool is set the arguments of
// its tool call with index call (-1: none given).
type choiceText struct {
	index int
	text  string
	tool  bool
	call  int
}

// chunkMeta holds the raw JSON values a chunk's extra sibling copies.
type chunkMeta struct {
	id, created, model, fingerprint string
	// other is set when the chunk has strings besides its choices' content and its identifiers
	// (a refusal, tool calls, log probabilities): ReplyEvents rewrites those.
	other bool
}

// NewOpenAIChunks returns a handler that rewrites every choice with a TextStream over t.
func NewOpenAIChunks(t Transformer, maxHold int) *OpenAIChunks {
	return NewOpenAIChunksFunc(func() TextStreamer { return NewTextStream(t, maxHold) })
}

// NewOpenAIChunksFunc returns a handler that rewrites each choice with a streamer from newStream
// (for instance a Chain).
func NewOpenAIChunksFunc(newStream func() TextStreamer) *OpenAIChunks {
	return &OpenAIChunks{newStream: newStream}
}

// SetJSONStream makes each tool call's arguments one streamed text through a streamer from
// newJSON, whose restored values must be escaped for a JSON string.
func (a *OpenAIChunks) SetJSONStream(newJSON func() TextStreamer) { a.newJSON = newJSON }

// errMalformedChunk is a chunk that says it is a chat.completion.chunk but is not one.
var errMalformedChunk = &SyntaxError{Format: "chat.completion.chunk", Reason: "unexpected shape"}

// HandleEvent rewrites one event of the stream.
func (a *OpenAIChunks) HandleEvent(ev *Event, out []*Event) ([]*Event, error) {
	if strings.TrimSpace(ev.Data) == "[DONE]" {
		return append(a.flushAll(out), ev), nil
	}
	out, ok, err := a.chunk(ev, []byte(ev.Data), out)
	if err != nil || ok {
		return out, err
	}
	return append(out, ev), nil
}

// chunk rewrites ev, whose data is doc, and appends it to out if it is a chat.completion.chunk;
// ok is false for any other event, which is left alone.
func (a *OpenAIChunks) chunk(ev *Event, doc []byte, out []*Event) (_ []*Event, ok bool, err error) {
	choices, meta, ok, err := parseChunk(doc, a.choices[:0])
	a.choices = choices[:0]
	if err != nil || !ok {
		return out, false, err
	}
	a.meta, a.evType, a.first = meta, ev.Type, 0
	if len(choices) > 0 {
		a.first = choices[0].index
	}
	edits, flushes := a.edits[:0], a.flushes[:0]
	for _, c := range choices {
		s, err := a.stream(c.index)
		if err != nil {
			return out, false, err
		}
		switch {
		case c.content.Start >= 0:
			text := s.Write(c.text)
			if c.finished {
				text += s.Close()
			}
			if text != c.text {
				edits = append(edits, Edit{c.content, text})
			}
		case c.finished:
			if rest := s.Close(); rest != "" {
				flushes = append(flushes, choiceText{index: c.index, text: rest})
			}
		}
		if len(c.calls) > 0 || c.finished && len(a.tools) > 0 {
			if edits, flushes, err = a.toolCalls(c, edits, flushes); err != nil {
				return out, false, err
			}
		}
	}
	if len(flushes) > 0 {
		out = append(out, a.extraChunk(flushes))
	}
	if len(edits) > 0 {
		ev.Data = string(RewriteJSON(doc, edits))
	}
	a.edits, a.flushes = edits[:0], flushes[:0]
	return append(out, ev), true, nil
}

// EndStream sends what the streamers still hold when the stream ends without [DONE].
func (a *OpenAIChunks) EndStream(out []*Event) ([]*Event, error) {
	return a.flushAll(out), nil
}

func (a *OpenAIChunks) stream(index int) (TextStreamer, error) {
	for _, cs := range a.streams {
		if cs.index == index {
			return cs.s, nil
		}
	}
	if len(a.streams) >= MaxChoices {
		return nil, errors.New("chat completion stream uses too many choices")
	}
	s := a.newStream()
	a.streams = append(a.streams, choiceStream{index, s})
	return s, nil
}

// toolCalls streams the arguments of choice c's tool calls, appending the edits of this chunk and
// the rests of the calls that are over, to go out in an extra chunk before it.
func (a *OpenAIChunks) toolCalls(c choiceInfo, edits []Edit, flushes []choiceText) ([]Edit, []choiceText, error) {
	if a.newJSON == nil {
		a.meta.other = true // the arguments are the caller's
		return edits, flushes, nil
	}
	// Calls of this choice that this chunk does not carry are over if it carries another one or
	// the choice finishes.
	flushes = a.closeTools(flushes, func(t toolStream) bool {
		return t.choice == c.index && !slices.ContainsFunc(c.calls, func(tc toolCall) bool { return tc.index == t.call })
	})
	for _, tc := range c.calls {
		if tc.args.Start < 0 {
			continue
		}
		s, err := a.toolStream(c.index, tc.index)
		if err != nil {
			return edits, flushes, err
		}
		text := s.Write(tc.value)
		if text != tc.value {
			edits = append(edits, Edit{tc.args, text})
		}
	}
	if c.finished {
		// The arguments in this chunk were its last pieces: what their streamers hold goes out
		// in an extra chunk before it, as a finished choice's other calls' rests do.
		flushes = a.closeTools(flushes, func(t toolStream) bool { return t.choice == c.index })
	}
	return edits, flushes, nil
}

// closeTools closes the tool calls' streamers that over reports, drops them, and appends what
// they still hold to flushes.
func (a *OpenAIChunks) closeTools(flushes []choiceText, over func(toolStream) bool) []choiceText {
	a.tools = slices.DeleteFunc(a.tools, func(t toolStream) bool {
		if !over(t) {
			return false
		}
		if rest := t.s.Close(); rest != "" {
			flushes = append(flushes, choiceText{index: t.choice, text: rest, tool: true, call: t.call})
		}
		return true
	})
	return flushes
}

// toolStream returns the streamer of tool call call of choice choice, new on its first piece.
func (a *OpenAIChunks) toolStream(choice, call int) (TextStreamer, error) {
	for _, t := range a.tools {
		if t.choice == choice && t.call == call {
			return t.s, nil
		}
	}
	if len(a.tools) >= MaxChoices {
		return nil, errors.New("chat completion stream has too many tool calls open")
	}
	s := a.newJSON()
	a.tools = append(a.tools, toolStream{choice, call, s})
	return s, nil
}

// flushAll appends an extra chunk with what every streamer still holds, if anything.
func (a *OpenAIChunks) flushAll(out []*Event) []*Event {
	flushes := a.flushes[:0]
	for _, cs := range a.streams {
		if rest := cs.s.Close(); rest != "" {
			flushes = append(flushes, choiceText{index: cs.index, text: rest})
		}
	}
	flushes = a.closeTools(flushes, func(toolStream) bool { return true })
	if len(flushes) > 0 {
		out = append(out, a.extraChunk(flushes))
	}
	a.flushes = flushes[:0]
	return out
}

// extraChunk builds a chunk carrying texts, modelled on the last chunk.
func (a *OpenAIChunks) extraChunk(texts []choiceText) *Event {
	b := make([]byte, 0, 160)
	b = append(b, '{')
	for _, f := range [...]struct{ name, raw string }{{"id", a.meta.id}, {"object", `"chat.completion.chunk"`},
		{"created", a.meta.created}, {"model", a.meta.model}, {"system_fingerprint", a.meta.fingerprint}} {
		if f.raw != "" {
			b = append(append(append(append(b, '"'), f.name...), `":`...), f.raw...)
			b = append(b, ',')
		}
	}
	b = append(b, `"choices":[`...)
	for i, t := range texts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(t.index), 10)
		switch {
		case !t.tool:
			b = append(b, `,"delta":{"content":`...)
		case t.call >= 0:
			b = append(b, `,"delta":{"tool_calls":[{"index":`...)
			b = strconv.AppendInt(b, int64(t.call), 10)
			b = append(b, `,"function":{"arguments":`...)
		default:
			b = append(b, `,"delta":{"tool_calls":[{"function":{"arguments":`...)
		}
		b = AppendJSONString(b, t.text)
		if t.tool {
			b = append(b, "}}]"...)
		}
		b = append(b, `},"finish_reason":null}`...)
	}
	b = append(b, "]}"...)
	return &Event{Type: a.evType, Data: string(b), hasData: true}
}

var (
	_ EventHandler = (*OpenAIChunks)(nil)
	_ StreamEnder  = (*OpenAIChunks)(nil)
)
