package stream

import "strings"

// OpenAI's Responses API streams a reply as events whose data carry a "type" starting with
// "response.": a text arrives in pieces as the "delta" of "<kind>.delta" events
// (response.output_text.delta, response.refusal.delta, response.reasoning_summary_text.delta,
// ...; a function call's arguments, JSON text, in response.function_call_arguments.delta), each
// naming its place with output_index and content_index (or summary_index); the matching
// "<kind>.done" event repeats the whole text, and response.completed (or incomplete, failed)
// ends the reply.

// responsesKind is the part of a Responses event's type that ReplyEvents acts on.
type responsesKind uint8

const (
	responsesOther     responsesKind = iota // any other event, or not a Responses event
	responsesDelta                          // a piece of a text
	responsesJSONDelta                      // a piece of a function call's arguments
	responsesDone                           // a text is complete
	responsesEnd                            // the reply is complete
)

// responsesEvent is what parseResponses reads of an event.
type responsesEvent struct {
	kind  responsesKind
	key   string // the text's identity: its kind and indexes
	text  Span   // of "delta"'s string (deltas)
	value string // that string decoded
}

// parseResponses reads the members of a Responses event that ReplyEvents needs. Anything it does
// not recognize, including malformed JSON and a delta without a string delta or an
// output_index, is responsesOther and is handled like any other JSON event.
func parseResponses(doc []byte) responsesEvent {
	s := jsonScanner{doc: doc}
	s.skipWS()
	if s.pos >= len(doc) || doc[s.pos] != '{' {
		return responsesEvent{}
	}
	var typ, output, content, summary string
	ev := responsesEvent{text: Span{-1, -1}}
	err := s.rawMembers(1, func(key, raw []byte, start int) {
		switch string(key) {
		case "type":
			typ = string(raw)
		case "output_index":
			output = string(raw)
		case "content_index":
			content = string(raw)
		case "summary_index":
			summary = string(raw)
		case "delta":
			if raw[0] == '"' {
				ev.text = Span{start, start + len(raw)}
				ev.value = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
			}
		}
	})
	if err == nil {
		s.skipWS()
	}
	if err != nil || s.pos != len(doc) || !strings.HasPrefix(typ, `"response.`) {
		return responsesEvent{}
	}
	typ = typ[1 : len(typ)-1]
	switch typ {
	case "response.completed", "response.incomplete", "response.failed":
		ev.kind = responsesEnd
		return ev
	}
	kind, done := strings.CutSuffix(typ, ".done")
	if !done {
		var delta bool
		if kind, delta = strings.CutSuffix(typ, ".delta"); !delta {
			return responsesEvent{}
		}
	}
	if smallInt([]byte(output)) < 0 || kind == "response.audio" {
		// (response.audio.delta carries base64 audio, not text: its strings are left to the
		// caller, each on its own, as any other event's.)
		return responsesEvent{}
	}
	ev.key = kind + "/" + output + "/" + content + "/" + summary
	switch {
	case done:
		ev.kind = responsesDone
	case ev.text.Start < 0:
		return responsesEvent{}
	case kind == "response.function_call_arguments":
		ev.kind = responsesJSONDelta
	default:
		ev.kind = responsesDelta
	}
	return ev
}
