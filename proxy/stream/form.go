package stream

import (
	"bytes"
	"net/url"
	"unicode/utf8"
)

// FormFields calls fn for every field of an application/x-www-form-urlencoded body that paths
// selects (nil: every one), in order, with its decoded key, decoded value and the span of the
// value's encoded bytes (after '='; an empty span at the end of the pair when there is no '=').
// Like net/url.ParseQuery it refuses ';' inside a pair (a parser that splits on it would see
// fields Veil did not), and it refuses bad %-escapes and values that do not decode to UTF-8; the
// error wraps ErrMalformed. The whole body is validated even when nothing is selected. An error
// from fn stops the scan and is returned as is.
func FormFields(body []byte, paths *Paths, fn func(key, value string, span Span) error) error {
	var scratch []byte
	for pos := 0; pos <= len(body); {
		end := bytes.IndexByte(body[pos:], '&')
		if end < 0 {
			end = len(body)
		} else {
			end += pos
		}
		pair := body[pos:end]
		if len(pair) > 0 {
			if i := bytes.IndexByte(pair, ';'); i >= 0 {
				return &SyntaxError{Format: "form", Offset: pos + i, Reason: "';' inside a field"}
			}
			k, vstart := pair, end
			if eq := bytes.IndexByte(pair, '='); eq >= 0 {
				k, vstart = pair[:eq], pos+eq+1
			}
			var err error
			if scratch, err = formUnescape(scratch[:0], k, pos); err != nil {
				return err
			}
			key, ok := paths.Match(string(scratch))
			if scratch, err = formUnescape(scratch[:0], body[vstart:end], vstart); err != nil {
				return err
			}
			if ok && fn != nil {
				if err := fn(key, string(scratch), Span{vstart, end}); err != nil {
					return err
				}
			}
		}
		pos = end + 1
	}
	return nil
}

// formUnescape appends the decoded form of s ('+' is a space, %XX a byte) and checks that the
// result is UTF-8. off is s's offset in the body, for errors.
func formUnescape(dst, s []byte, off int) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if len(s)-i < 3 || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return nil, &SyntaxError{Format: "form", Offset: off + i, Reason: "invalid %-escape"}
			}
			dst = append(dst, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	if !utf8.Valid(dst) {
		return nil, &SyntaxError{Format: "form", Offset: off, Reason: "field does not decode to UTF-8"}
	}
	return dst, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// RewriteForm returns a copy of body with each edit's value replaced by url.QueryEscape(Value)
// and every other byte unchanged. Edits must carry spans FormFields reported for this body, in any
// order (the slice is sorted in place); a value span without '=' before it gets one. Out-of-range
// or overlapping spans panic, as in RewriteJSON.
func RewriteForm(body []byte, edits []Edit) []byte {
	if len(edits) == 0 {
		return append([]byte(nil), body...)
	}
	out := make([]byte, 0, checkEdits(body, edits, false)+len(edits))
	prev := 0
	for _, e := range edits {
		out = append(out, body[prev:e.Span.Start]...)
		if e.Span.Start == 0 || body[e.Span.Start-1] != '=' {
			out = append(out, '=')
		}
		out = append(out, url.QueryEscape(e.Value)...)
		prev = e.Span.End
	}
	return append(out, body[prev:]...)
}

// QueryFields is FormFields for a URL's raw query (url.URL.RawQuery).
func QueryFields(rawQuery string, paths *Paths, fn func(key, value string, span Span) error) error {
	return FormFields([]byte(rawQuery), paths, fn)
}

// RewriteQuery is RewriteForm for a URL's raw query.
func RewriteQuery(rawQuery string, edits []Edit) string {
	return string(RewriteForm([]byte(rawQuery), edits))
}
