package stream

// choiceInfo is what a chunk says about one choice.
type choiceInfo struct {
	index    int
	content  Span   // of delta.content's string; Start -1 when absent or null
	text     string // delta.content decoded
	finished bool   // finish_reason is set
	bad      bool   // delta.content is neither a string nor null
	calls    []toolCall
}

// toolCall is what a chunk says about one of a choice's tool calls: its index, and the piece of
// its arguments (JSON text streamed in pieces) it carries.
type toolCall struct {
	index int    // -1 when absent or not a small integer
	args  Span   // of function.arguments' string; Start -1 when absent or not a string
	value string // that string decoded
}

// parseChunk reads a chat.completion.chunk. ok is false for anything else (not JSON, not an object,
// another object type, no choices with deltas), which passes through untouched; err is set for a
// document that declares itself a chunk but has the wrong shape.
func parseChunk(doc []byte, choices []choiceInfo) (_ []choiceInfo, meta chunkMeta, ok bool, err error) {
	s := jsonScanner{doc: doc}
	s.skipWS()
	if s.pos >= len(doc) || doc[s.pos] != '{' {
		return choices, meta, false, nil
	}
	declared, deltas := false, false
	err = s.members(1, func(key []byte, depth int) error {
		start := s.pos
		switch string(key) {
		case "object":
			if s.doc[s.pos] == '"' {
				if _, err := s.str(); err != nil {
					return err
				}
				declared = string(s.doc[start:s.pos]) == `"chat.completion.chunk"`
				return nil
			}
		case "id", "created", "model", "system_fingerprint":
			if err := s.skip(depth); err != nil {
				return err
			}
			raw := string(s.doc[start:s.pos])
			switch key[0] {
			case 'i':
				meta.id = raw
			case 'c':
				meta.created = raw
			case 'm':
				meta.model = raw
			default:
				meta.fingerprint = raw
			}
			return nil
		case "choices":
			if s.doc[s.pos] == '[' {
				choices = choices[:0]
				return s.elements(depth+1, func(depth int) error {
					if s.doc[s.pos] != '{' {
						return s.skipNoting(depth)
					}
					c, hasDelta, err := s.choice(depth + 1)
					deltas = deltas || hasDelta
					choices = append(choices, c)
					return err
				})
			}
		case "service_tier", "obfuscation": // an identifier, and random padding
			return s.skip(depth)
		}
		return s.skipNoting(depth)
	})
	meta.other = s.other
	if err == nil {
		s.skipWS()
		if s.pos != len(doc) {
			err = s.fail("trailing data")
		}
	}
	switch {
	case err != nil && declared:
		return choices, meta, false, err
	case err != nil, !declared && !deltas:
		return choices, meta, false, nil
	}
	for _, c := range choices {
		if c.index < 0 || c.bad {
			return choices, meta, false, errMalformedChunk
		}
	}
	return choices, meta, true, nil
}

// choice reads one element of "choices".
func (s *jsonScanner) choice(depth int) (c choiceInfo, hasDelta bool, err error) {
	c.content.Start = -1
	err = s.members(depth, func(key []byte, depth int) error {
		start := s.pos
		switch string(key) {
		case "index":
			var err error
			c.index, err = s.smallIntValue(depth)
			return err
		case "finish_reason":
			if err := s.skip(depth); err != nil {
				return err
			}
			c.finished = string(s.doc[start:s.pos]) != "null"
			return nil
		case "delta":
			if s.doc[s.pos] != '{' {
				break
			}
			hasDelta = true
			return s.members(depth+1, func(key []byte, depth int) error {
				start := s.pos
				switch string(key) {
				case "role":
					return s.skip(depth)
				case "tool_calls":
					if s.doc[s.pos] != '[' {
						return s.skipNoting(depth)
					}
					return s.elements(depth+1, func(depth int) error {
						if s.doc[s.pos] != '{' {
							return s.skipNoting(depth)
						}
						tc, err := s.toolCall(depth + 1)
						c.calls = append(c.calls, tc)
						return err
					})
				case "content":
				default: // a refusal, ...
					return s.skipNoting(depth)
				}
				if err := s.skip(depth); err != nil {
					return err
				}
				switch raw := s.doc[start:s.pos]; {
				case raw[0] == '"':
					c.content = Span{start, s.pos}
					c.text = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
				case string(raw) == "null":
					c.content.Start = -1
				default:
					c.bad = true
				}
				return nil
			})
		}
		return s.skipNoting(depth)
	})
	return c, hasDelta, err
}

// toolCall reads one element of a delta's "tool_calls". Its id, type and function name are
// identifiers, skipped; anything besides them and the arguments is noted for ReplyEvents.
func (s *jsonScanner) toolCall(depth int) (tc toolCall, err error) {
	tc.index, tc.args.Start = -1, -1
	err = s.members(depth, func(key []byte, depth int) error {
		switch string(key) {
		case "index":
			var err error
			tc.index, err = s.smallIntValue(depth)
			return err
		case "id", "type":
			return s.skip(depth)
		case "function":
			if s.doc[s.pos] != '{' {
				break
			}
			return s.members(depth+1, func(key []byte, depth int) error {
				start := s.pos
				switch string(key) {
				case "name":
					return s.skip(depth)
				case "arguments":
					if s.doc[s.pos] == '"' {
						if _, err := s.str(); err != nil {
							return err
						}
						raw := s.doc[start:s.pos]
						tc.args = Span{start, s.pos}
						tc.value = string(appendUnquoted(make([]byte, 0, len(raw)-2), raw[1:len(raw)-1]))
						return nil
					}
				}
				return s.skipNoting(depth)
			})
		}
		return s.skipNoting(depth)
	})
	return tc, err
}

// smallIntValue reads the value at s.pos as smallInt does.
func (s *jsonScanner) smallIntValue(depth int) (int, error) {
	start := s.pos
	if err := s.skip(depth); err != nil {
		return -1, err
	}
	return smallInt(s.doc[start:s.pos]), nil
}

// smallInt parses a non-negative JSON integer below one billion, -1 for anything else.
func smallInt(raw []byte) int {
	if len(raw) == 0 || len(raw) > 9 || len(raw) > 1 && raw[0] == '0' {
		return -1
	}
	n := 0
	for _, c := range raw {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// members reads the object at s.pos, calling fn with s.pos on each member's value, which fn must
// consume. Keys with escapes are decoded.
func (s *jsonScanner) members(depth int, fn func(key []byte, depth int) error) error {
	if depth > MaxJSONDepth {
		return s.fail("nesting too deep")
	}
	s.pos++ // {
	s.skipWS()
	if s.pos < len(s.doc) && s.doc[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		if s.pos >= len(s.doc) || s.doc[s.pos] != '"' {
			return s.fail("expected an object key")
		}
		kstart := s.pos
		escaped, err := s.str()
		if err != nil {
			return err
		}
		key := s.doc[kstart+1 : s.pos-1]
		if escaped {
			key = appendUnquoted(nil, key)
		}
		s.skipWS()
		if s.pos >= len(s.doc) || s.doc[s.pos] != ':' {
			return s.fail("expected ':' after an object key")
		}
		s.pos++
		s.skipWS()
		if s.pos >= len(s.doc) {
			return s.fail("unexpected end of document")
		}
		if err := fn(key, depth); err != nil {
			return err
		}
		s.skipWS()
		if s.pos >= len(s.doc) {
			return s.fail("unterminated object")
		}
		switch s.doc[s.pos] {
		case ',':
			s.pos++
			s.skipWS()
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}' in an object")
		}
	}
}

// elements reads the array at s.pos, calling fn with s.pos on each element, which fn must consume.
func (s *jsonScanner) elements(depth int, fn func(depth int) error) error {
	if depth > MaxJSONDepth {
		return s.fail("nesting too deep")
	}
	s.pos++ // [
	s.skipWS()
	if s.pos < len(s.doc) && s.doc[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		if s.pos >= len(s.doc) {
			return s.fail("unexpected end of document")
		}
		if err := fn(depth); err != nil {
			return err
		}
		s.skipWS()
		if s.pos >= len(s.doc) {
			return s.fail("unterminated array")
		}
		switch s.doc[s.pos] {
		case ',':
			s.pos++
			s.skipWS()
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']' in an array")
		}
	}
}

// skipNoting skips a value of a member the parser does not read, noting in s.other when it may
// hold strings (a string, an object or an array) that a reader must still look at.
func (s *jsonScanner) skipNoting(depth int) error {
	if c := s.doc[s.pos]; c == '"' || c == '{' || c == '[' {
		s.other = true
	}
	return s.skip(depth)
}
