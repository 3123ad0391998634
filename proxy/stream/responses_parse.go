package stream

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

// parseResponses reads an event as an OpenAI Responses event (typedEvent.responses).
func parseResponses(doc []byte) responsesEvent {
	ev := parseTyped(doc)
	return ev.responses()
}
