package stream

import (
	"cmp"
	"errors"
	"slices"
	"unicode/utf8"
)

// RewriteJSON returns a copy of doc with each edit's string value replaced by the JSON encoding of
// its Value (see AppendJSONString) and every other byte unchanged, so the result is valid JSON
// whenever doc is. Edits must carry spans JSONStrings reported for this doc; they may come in any
// order (the slice is sorted in place). A span that is out of range, not a quoted string or
// overlapping another is a bug in the caller and panics: silently skipping it could forward
// personal data.
func RewriteJSON(doc []byte, edits []Edit) []byte {
	if len(edits) == 0 {
		return append([]byte(nil), doc...)
	}
	n := checkEdits(doc, edits, true)
	out := make([]byte, 0, n)
	prev := 0
	for _, e := range edits {
		out = append(out, doc[prev:e.Span.Start]...)
		out = AppendJSONString(out, e.Value)
		prev = e.Span.End
	}
	return append(out, doc[prev:]...)
}

// checkEdits sorts edits by start, panics on invalid ones and returns an output size estimate.
func checkEdits(doc []byte, edits []Edit, quoted bool) int {
	if !slices.IsSortedFunc(edits, cmpEdit) {
		slices.SortFunc(edits, cmpEdit)
	}
	n, prev := len(doc), 0
	for _, e := range edits {
		s := e.Span
		if s.Start < prev || s.End < s.Start || s.End > len(doc) {
			panic("stream: edit span out of range or overlapping")
		}
		if quoted && (s.Len() < 2 || doc[s.Start] != '"' || doc[s.End-1] != '"') {
			panic("stream: JSON edit span is not a string value")
		}
		n += len(e.Value) + len(e.Value)/8 + 2 - s.Len()
		prev = s.End
	}
	return max(n, 0)
}

func cmpEdit(a, b Edit) int { return cmp.Compare(a.Span.Start, b.Span.Start) }

// jsonSafe marks the ASCII bytes AppendJSONString copies verbatim.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a quoted JSON string that is safe anywhere: '"', '\\' and control
// characters are escaped, and so are '<', '>', '&', U+2028 and U+2029 (as \u003c and so on), so the
// result can sit inside HTML or a JavaScript source. Invalid UTF-8 is written as U+FFFD.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// PrefixFirst returns doc with prefix put before the value of the first string at paths, and
// whether there was one (doc is returned as it is otherwise). doc must be valid JSON.
func PrefixFirst(doc []byte, paths *Paths, prefix string) ([]byte, bool) {
	var edit *Edit
	_ = JSONStrings(doc, paths, func(_, v string, sp Span) error {
		if edit != nil {
			return errFound
		}
		edit = &Edit{Span: sp, Value: prefix + v}
		return nil
	})
	if edit == nil {
		return doc, false
	}
	return RewriteJSON(doc, []Edit{*edit}), true
}

// errFound stops a walk over a document's strings once the one sought is found.
var errFound = errors.New("found")
