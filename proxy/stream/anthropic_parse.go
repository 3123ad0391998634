package stream

// Anthropic's Messages API streams a reply as events whose data carry a "type": the text of
// content block "index" arrives in content_block_delta events as delta.text (delta.type
// "text_delta"), the block ends with content_block_stop, the message with message_stop.

// anthropicKind is the part of an Anthropic event's type that ReplyEvents acts on.
type anthropicKind uint8

const (
	anthropicOther     anthropicKind = iota // any other event, or not an Anthropic event
	anthropicTextStart                      // content_block_start of a text block
	anthropicTextDelta                      // content_block_delta with a text_delta
	anthropicBlockStop                      // content_block_stop
	anthropicStop                           // message_stop
)

// anthropicEvent is what parseAnthropic reads of an event.
type anthropicEvent struct {
	kind  anthropicKind
	index int    // the content block's index (text deltas and block stops)
	text  Span   // of delta.text's string (text deltas)
	value string // delta.text decoded
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
		start := s.pos
		switch string(key) {
		case "type":
			if doc[s.pos] == '"' {
				if _, err := s.str(); err != nil {
					return err
				}
				typ = string(doc[start:s.pos])
				return nil
			}
		case "index":
			if err := s.skip(depth); err != nil {
				return err
			}
			ev.index = smallInt(doc[start:s.pos])
			return nil
		case "content_block":
			if doc[s.pos] != '{' {
				break
			}
			return s.members(depth+1, func(key []byte, depth int) error {
				start := s.pos
				if err := s.skip(depth); err != nil {
					return err
				}
				if string(key) == "type" {
					blockType = string(doc[start:s.pos])
				}
				return nil
			})
		case "delta":
			if doc[s.pos] != '{' {
				break
			}
			return s.members(depth+1, func(key []byte, depth int) error {
				start := s.pos
				if err := s.skip(depth); err != nil {
					return err
				}
				raw := doc[start:s.pos]
				switch string(key) {
				case "type":
					deltaType = string(raw)
				case "text":
					if raw[0] == '"' {
						ev.text = Span{start, s.pos}
						ev.value = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
					}
				}
				return nil
			})
		}
		return s.skip(depth)
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
	case typ == `"content_block_delta"` && deltaType == `"text_delta"` && ev.index >= 0 && ev.text.Start >= 0:
		ev.kind = anthropicTextDelta
	case typ == `"content_block_start"` && blockType == `"text"` && ev.index >= 0:
		ev.kind = anthropicTextStart
	case typ == `"content_block_stop"` && ev.index >= 0:
		ev.kind = anthropicBlockStop
	case typ == `"message_stop"`:
		ev.kind = anthropicStop
	}
	return ev
}
