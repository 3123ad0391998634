package stream

import "strings"

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
	// responses: the event's type starts with "response.", as an OpenAI Responses event's does.
	responses bool
}

// parseAnthropic reads the members of an Anthropic event that ReplyEvents needs. Anything it does
// not recognize, including malformed JSON and a text delta without a valid index or text, is
// anthropicOther and is handled like any other JSON event.
func parseAnthropic(doc []byte) anthropicEvent {
	s := jsonScanner{doc: doc}
	s.skipWS()
	if s.pos >= len(doc) || doc[s.pos] != '{' {
		return anthropicEvent{}
	}
	var typ, deltaType, blockType string
	ev := anthropicEvent{index: -1, text: Span{-1, -1}}
	err := s.members(1, func(key []byte, depth int) error {
		if k := string(key); (k == "content_block" || k == "delta") && doc[s.pos] == '{' {
			block := k == "content_block"
			return s.rawMembers(depth+1, func(key, raw []byte, start int) {
				switch {
				case string(key) == "type" && block:
					blockType = string(raw)
				case string(key) == "type":
					deltaType = string(raw)
				case (string(key) == "text" || string(key) == "partial_json") && !block && raw[0] == '"':
					ev.text = Span{start, start + len(raw)}
					ev.value = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
				}
			})
		}
		start := s.pos
		if err := s.skip(depth); err != nil {
			return err
		}
		switch raw := doc[start:s.pos]; string(key) {
		case "type":
			typ = string(raw)
		case "index":
			ev.index = smallInt(raw)
		}
		return nil
	})
	if err == nil {
		s.skipWS()
		if s.pos != len(doc) {
			return anthropicEvent{}
		}
	}
	switch {
	case err != nil:
		return anthropicEvent{}
	case strings.HasPrefix(typ, `"response.`):
		ev.responses = true
	case typ == `"content_block_delta"` && deltaType == `"text_delta"` && ev.index >= 0 && ev.text.Start >= 0:
		ev.kind = anthropicTextDelta
	case typ == `"content_block_delta"` && deltaType == `"input_json_delta"` && ev.index >= 0 && ev.text.Start >= 0:
		ev.kind = anthropicJSONDelta
	case typ == `"content_block_start"` && blockType == `"text"` && ev.index >= 0:
		ev.kind = anthropicTextStart
	case typ == `"content_block_stop"` && ev.index >= 0:
		ev.kind = anthropicBlockStop
	case typ == `"message_stop"`:
		ev.kind = anthropicStop
	}
	return ev
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
