package stream

import (
	"unicode/utf8"
)

// MaxJSONDepth is the deepest nesting of arrays and objects JSONStrings accepts.
const MaxJSONDepth = 256

// JSONStrings calls fn for every string value (never an object key) of doc that paths selects
// (nil: every one), in document order, with its path, its decoded value and its span in doc,
// quotes included. The path is the configured field when paths has a list, else the object keys
// from the root joined by "." with array indices left out. It validates the whole document even
// when nothing is selected: malformed JSON (trailing bytes, bad escapes, invalid UTF-8 anywhere,
// nesting deeper than MaxJSONDepth) returns an error wrapping ErrMalformed. An error from fn stops
// the scan and is returned as is.
func JSONStrings(doc []byte, paths *Paths, fn func(path, value string, span Span) error) error {
	s := jsonScanner{doc: doc, fn: fn, all: paths.All()}
	var root *pathNode
	if !s.all {
		root = paths.root
	}
	s.skipWS()
	if err := s.value(root, 0); err != nil {
		return err
	}
	s.skipWS()
	if s.pos != len(doc) {
		return s.fail("trailing data after the document")
	}
	return nil
}

// ValidJSON reports whether doc is one well-formed JSON value in valid UTF-8 that JSONStrings
// accepts.
func ValidJSON(doc []byte) bool {
	s := jsonScanner{doc: doc}
	s.skipWS()
	if s.value(nil, 0) != nil {
		return false
	}
	s.skipWS()
	return s.pos == len(doc)
}

// jsonScanner is a recursive-descent validator that reports selected string values.
type jsonScanner struct {
	doc     []byte
	pos     int
	all     bool   // report every string, tracking the joined path in path
	path    []byte // joined decoded keys (all mode)
	keys    int    // number of keys in path
	scratch []byte // key decoding
	fn      func(path, value string, span Span) error
	other   bool // a value skipped unread may hold strings (parseChunk)
}

func (s *jsonScanner) fail(reason string) error {
	return &SyntaxError{Format: "JSON", Offset: s.pos, Reason: reason}
}

func (s *jsonScanner) skipWS() {
	for s.pos < len(s.doc) {
		switch s.doc[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value scans the value at s.pos. node is the path node it sits under (nil in all mode or when no
// selected field lies below).
func (s *jsonScanner) value(node *pathNode, depth int) error {
	if s.pos >= len(s.doc) {
		return s.fail("unexpected end of document")
	}
	switch c := s.doc[s.pos]; {
	case c == '"':
		start := s.pos
		escaped, err := s.str()
		if err != nil {
			return err
		}
		return s.report(node, start, escaped)
	case c == '{':
		return s.object(node, depth+1)
	case c == '[':
		return s.array(node, depth+1)
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.fail("unexpected character")
	}
}

// report hands the string value just scanned (starting at start) to fn when it is selected.
func (s *jsonScanner) report(node *pathNode, start int, escaped bool) error {
	if s.fn == nil {
		return nil
	}
	var path string
	switch {
	case s.all:
		path = string(s.path)
	case node != nil && node.terminal:
		path = node.field
	default:
		return nil
	}
	raw := s.doc[start+1 : s.pos-1]
	var v string
	if escaped {
		v = string(appendUnquoted(make([]byte, 0, len(raw)), raw))
	} else {
		v = string(raw)
	}
	return s.fn(path, v, Span{start, s.pos})
}

func (s *jsonScanner) object(node *pathNode, depth int) error {
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
		if escaped && (s.all || node != nil) {
			s.scratch = appendUnquoted(s.scratch[:0], key)
			key = s.scratch
		}
		var child *pathNode
		plen := len(s.path)
		if s.all {
			if s.keys > 0 {
				s.path = append(s.path, '.')
			}
			s.path = append(s.path, key...)
			s.keys++
		} else {
			child = node.child(key)
		}
		s.skipWS()
		if s.pos >= len(s.doc) || s.doc[s.pos] != ':' {
			return s.fail("expected ':' after an object key")
		}
		s.pos++
		s.skipWS()
		if err := s.value(child, depth); err != nil {
			return err
		}
		if s.all {
			s.path = s.path[:plen]
			s.keys--
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

func (s *jsonScanner) array(node *pathNode, depth int) error {
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
		if err := s.value(node, depth); err != nil {
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

// skip validates the value at s.pos without reporting anything.
func (s *jsonScanner) skip(depth int) error {
	fn, all := s.fn, s.all
	s.fn, s.all = nil, false
	err := s.value(nil, depth)
	s.fn, s.all = fn, all
	return err
}

func (s *jsonScanner) literal(lit string) error {
	if len(s.doc)-s.pos < len(lit) || string(s.doc[s.pos:s.pos+len(lit)]) != lit {
		return s.fail("invalid literal")
	}
	s.pos += len(lit)
	return nil
}

func (s *jsonScanner) number() error {
	d, i := s.doc, s.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = digits(d, i+1)
	default:
		s.pos = i
		return s.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			s.pos = j
			return s.fail("invalid number")
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			s.pos = j
			return s.fail("invalid number")
		}
		i = j
	}
	s.pos = i
	return nil
}

func digits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

// plainByte marks the bytes a JSON string holds verbatim: printable ASCII except '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str scans the string at s.pos (on its opening quote) and moves past its closing quote. It reports
// whether the string has escapes.
func (s *jsonScanner) str() (escaped bool, err error) {
	d := s.doc
	i := s.pos + 1
	for {
		for i < len(d) && plainByte[d[i]] {
			i++
		}
		if i >= len(d) {
			s.pos = i
			return false, s.fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				s.pos = i
				return false, s.fail("unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(d)-i < 6 || hex4(d[i+2:i+6]) < 0 {
					s.pos = i
					return false, s.fail("invalid \\u escape")
				}
				i += 6
			default:
				s.pos = i
				return false, s.fail("invalid escape")
			}
		case c < 0x20:
			s.pos = i
			return false, s.fail("control character in string")
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				s.pos = i
				return false, s.fail("invalid UTF-8")
			}
			i += size
		}
	}
}

// hex4 decodes four hex digits, -1 if they are not.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendUnquoted appends the decoded form of raw, the validated inside of a JSON string. A lone
// UTF-16 surrogate decodes to U+FFFD, as in encoding/json.
func appendUnquoted(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+2:])
			i += 6
			if r >= 0xD800 && r < 0xDC00 && len(raw)-i >= 6 && raw[i] == '\\' && raw[i+1] == 'u' {
				if r2 := hex4(raw[i+2:]); r2 >= 0xDC00 && r2 < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					i += 6
				}
			}
			if r >= 0xD800 && r < 0xE000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}
