package stream

// Anthropic's Messages API streams a reply as events whose data carry a "type": the text of
// content block "index" arrives in content_block_delta events as delta.text (delta.type
// "text_delta"), a tool use's input as JSON text in delta.partial_json ("input_json_delta"), the
// block ends with content_block_stop, the message with message_stop.

// anthropicKind is the part of an Anthropic event's type that ReplyEvents acts on.
type anthropicKind uint8

const (
	anthropicOther     anthropicKind = iota // any other event, or not an Anthropic event
	anthropicTextStart                      // content_block_start of a text block
	anthropicTextDelta                      // content_block_delta with a text_delta
	anthropicJSONDelta                      // content_block_delta with an input_json_delta (a tool use's input)
	anthropicBlockStop                      // content_block_stop
	anthropicStop                           // message_stop
)

// anthropicEvent is what parseAnthropic reads of an event.
type anthropicEvent struct {
	kind  anthropicKind
	index int    // the content block's index (text deltas and block stops)
	text  Span   // of delta.text's (or delta.partial_json's) string
	value string // that string decoded
}

// parseAnthropic reads an event as an Anthropic event (typedEvent.anthropic).
func parseAnthropic(doc []byte) anthropicEvent {
	ev := parseTyped(doc)
	return ev.anthropic()
}

// rawMembers reads the object at s.pos, calling fn with each member's key, raw value and the
// value's offset.
func (s *jsonScanner) rawMembers(depth int, fn func(key, raw []byte, start int)) error {
	return s.members(depth, func(key []byte, depth int) error {
		start := s.pos
		if err := s.skip(depth); err != nil {
			return err
		}
		fn(key, s.doc[start:s.pos], start)
		return nil
	})
}
