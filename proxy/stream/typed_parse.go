package stream

import "strings"

// typedEvent is what one pass over an event's JSON reads for the formats whose events carry a
// "type" (Anthropic's Messages events, OpenAI's Responses events): raw JSON values of the members
// they are told apart by, and the streamed piece an event carries.
type typedEvent struct {
	ok                           bool   // the data is one JSON object
	typ, index                   string // raw values of "type" and "index"
	output, content, summary     string // raw values of "output_index", "content_index", "summary_index"
	blockType, deltaType         string // raw values of content_block.type and delta.type
	text                         Span   // of the piece's string: delta.text or delta.partial_json (Anthropic), delta (Responses)
	value                        string // that string decoded
	anthropicText, responsesText bool   // which format's piece text is
}

// parseTyped reads an event's members in one pass. Malformed JSON gives ok false.
func parseTyped(doc []byte) typedEvent {
	s := jsonScanner{doc: doc}
	s.skipWS()
	if s.pos >= len(doc) || doc[s.pos] != '{' {
		return typedEvent{}
	}
	ev := typedEvent{text: Span{-1, -1}}
	piece := func(raw []byte, start int) {
		ev.text = Span{start, start + len(raw)}
		ev.value = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
	}
	err := s.members(1, func(key []byte, depth int) error {
		if k := string(key); (k == "content_block" || k == "delta") && doc[s.pos] == '{' {
			block := k == "content_block"
			return s.rawMembers(depth+1, func(key, raw []byte, start int) {
				switch {
				case string(key) == "type" && block:
					ev.blockType = string(raw)
				case string(key) == "type":
					ev.deltaType = string(raw)
				case (string(key) == "text" || string(key) == "partial_json") && !block && raw[0] == '"':
					piece(raw, start)
					ev.anthropicText, ev.responsesText = true, false
				}
			})
		}
		start := s.pos
		if err := s.skip(depth); err != nil {
			return err
		}
		switch raw := doc[start:s.pos]; string(key) {
		case "type":
			ev.typ = string(raw)
		case "index":
			ev.index = string(raw)
		case "output_index":
			ev.output = string(raw)
		case "content_index":
			ev.content = string(raw)
		case "summary_index":
			ev.summary = string(raw)
		case "delta":
			if raw[0] == '"' {
				piece(raw, start)
				ev.anthropicText, ev.responsesText = false, true
			}
		}
		return nil
	})
	if err == nil {
		s.skipWS()
	}
	ev.ok = err == nil && s.pos == len(doc)
	return ev
}

// anthropic classifies the event as an Anthropic Messages event. Anything it does not recognize,
// including malformed JSON and a text delta without a valid index or text, is anthropicOther and
// is handled like any other JSON event.
func (ev *typedEvent) anthropic() anthropicEvent {
	a := anthropicEvent{index: smallInt([]byte(ev.index)), text: Span{-1, -1}}
	if ev.anthropicText {
		a.text, a.value = ev.text, ev.value
	}
	switch {
	case !ev.ok:
	case ev.typ == `"content_block_delta"` && ev.deltaType == `"text_delta"` && a.index >= 0 && a.text.Start >= 0:
		a.kind = anthropicTextDelta
	case ev.typ == `"content_block_delta"` && ev.deltaType == `"input_json_delta"` && a.index >= 0 && a.text.Start >= 0:
		a.kind = anthropicJSONDelta
	case ev.typ == `"content_block_start"` && ev.blockType == `"text"` && a.index >= 0:
		a.kind = anthropicTextStart
	case ev.typ == `"content_block_stop"` && a.index >= 0:
		a.kind = anthropicBlockStop
	case ev.typ == `"message_stop"`:
		a.kind = anthropicStop
	}
	return a
}

// isResponses reports whether the event's type starts with "response.", as an OpenAI Responses
// event's does.
func (ev *typedEvent) isResponses() bool { return strings.HasPrefix(ev.typ, `"response.`) }

// responses classifies the event as an OpenAI Responses event. Anything it does not recognize,
// including malformed JSON and a delta without a string delta or an output_index, is
// responsesOther and is handled like any other JSON event.
func (ev *typedEvent) responses() responsesEvent {
	e := responsesEvent{text: Span{-1, -1}}
	if !ev.ok || !ev.isResponses() {
		return e
	}
	typ := ev.typ[1 : len(ev.typ)-1]
	switch typ {
	case "response.completed", "response.incomplete", "response.failed":
		e.kind = responsesEnd
		return e
	}
	kind, done := strings.CutSuffix(typ, ".done")
	if !done {
		var delta bool
		if kind, delta = strings.CutSuffix(typ, ".delta"); !delta {
			return e
		}
	}
	if smallInt([]byte(ev.output)) < 0 || kind == "response.audio" {
		// (response.audio.delta carries base64 audio, not text: its strings are left to the
		// caller, each on its own, as any other event's.)
		return e
	}
	e.key = kind + "/" + ev.output + "/" + ev.content + "/" + ev.summary
	switch {
	case done:
		e.kind = responsesDone
	case !ev.responsesText:
		return responsesEvent{text: Span{-1, -1}}
	case kind == "response.function_call_arguments":
		e.kind, e.text, e.value = responsesJSONDelta, ev.text, ev.value
	default:
		e.kind, e.text, e.value = responsesDelta, ev.text, ev.value
	}
	return e
}
