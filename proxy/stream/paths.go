package stream

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Span is a half-open byte range [Start, End) of a document.
type Span struct {
	Start, End int
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Edit replaces the value found at Span with Value. The span is one a scanner of this package
// reported (for JSON it includes the quotes); Value is the new decoded value, which the rewriter
// encodes for the document's format.
type Edit struct {
	Span  Span
	Value string
}

// ErrMalformed is the error every parser of this package wraps when its input is not well formed:
// a request carrying it should be refused with 400.
var ErrMalformed = errors.New("malformed input")

// SyntaxError says where and why a document is malformed. It never quotes the document.
type SyntaxError struct {
	Format string // "JSON" or "form"
	Offset int    // byte offset of the problem
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed %s at byte %d: %s", e.Format, e.Offset, e.Reason)
}

// Unwrap makes errors.Is(err, ErrMalformed) true.
func (e *SyntaxError) Unwrap() error { return ErrMalformed }

// Paths selects the fields of a document a route inspects, from the route's field list: JSON paths
// are object keys from the root joined by "." with array indices left out ("messages.content"),
// form fields are key names. A field selects exactly the values whose path equals it as a string
// (so "a.b" also selects the value of a key "a.b"). The zero value and nil select every field. Paths is immutable and safe
// for concurrent use.
type Paths struct {
	root  *pathNode
	exact map[string]string // field → the interned field string
}

// pathNode is one object key of a compiled field list.
type pathNode struct {
	children map[string]*pathNode
	field    string // the configured field this node completes, "" if none
	terminal bool
}

// NewPaths compiles a route's field list. An empty list selects every field.
func NewPaths(fields []string) *Paths {
	p := &Paths{}
	if len(fields) == 0 {
		return p
	}
	p.root = &pathNode{}
	p.exact = make(map[string]string, len(fields))
	for _, f := range fields {
		p.exact[f] = f
		n := p.root
		for key := range strings.SplitSeq(f, ".") {
			c := n.children[key]
			if c == nil {
				if n.children == nil {
					n.children = make(map[string]*pathNode)
				}
				c = &pathNode{}
				n.children[key] = c
			}
			n = c
		}
		n.field, n.terminal = f, true
		if f == "" { // the root value's path, as well as a key ""
			p.root.field, p.root.terminal = f, true
		}
	}
	return p
}

// All reports whether p selects every field.
func (p *Paths) All() bool { return p == nil || p.root == nil }

// Match reports whether p selects the field path and returns the configured field string, so
// callers can keep it without allocating.
func (p *Paths) Match(path string) (string, bool) {
	if p.All() {
		return path, true
	}
	f, ok := p.exact[path]
	return f, ok
}

// child returns the node below n for key, nil when no selected field lies below it. A key with
// dots walks one level per dot, so that a field matches exactly the values whose joined path
// equals it.
func (n *pathNode) child(key []byte) *pathNode {
	for n != nil {
		i := bytes.IndexByte(key, '.')
		if i < 0 {
			return n.children[string(key)]
		}
		n, key = n.children[string(key[:i])], key[i+1:]
	}
	return nil
}
