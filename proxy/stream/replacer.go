package stream

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Replacer is the Transformer that puts exact strings back, the token-restore case: each
// occurrence of a key becomes its replacement, scanning left to right and taking the longest key
// that matches at each position. Its Holdback is exact: it holds from the first position whose
// decision still depends on bytes not seen yet. It is immutable and safe for concurrent use.
type Replacer struct {
	nodes  []trieNode
	repl   []string
	starts []byte    // distinct first bytes of the keys
	first  [256]bool // whether a key starts with the byte
	maxLen int
}

// trieNode is a node of the key trie; children are kept sorted by label.
type trieNode struct {
	labels []byte
	next   []int32
	value  int32 // index into repl, -1 if no key ends here
}

// NewReplacer returns a Replacer for the map's key → replacement pairs. Empty keys and keys that
// are not valid UTF-8 are ignored: a key must not match half of a character.
func NewReplacer(pairs map[string]string) *Replacer {
	keys := make([]string, 0, len(pairs))
	for k := range pairs {
		if k != "" && utf8.ValidString(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	r := &Replacer{nodes: []trieNode{{value: -1}}}
	for _, k := range keys {
		n := int32(0)
		for i := 0; i < len(k); i++ {
			n = r.insert(n, k[i])
		}
		r.nodes[n].value = int32(len(r.repl))
		r.repl = append(r.repl, pairs[k])
		r.maxLen = max(r.maxLen, len(k))
		if !r.first[k[0]] {
			r.first[k[0]] = true
			r.starts = append(r.starts, k[0])
		}
	}
	return r
}

func (r *Replacer) insert(n int32, c byte) int32 {
	nd := &r.nodes[n]
	i, found := slices.BinarySearch(nd.labels, c)
	if found {
		return nd.next[i]
	}
	id := int32(len(r.nodes))
	nd.labels = slices.Insert(nd.labels, i, c)
	nd.next = slices.Insert(nd.next, i, id)
	r.nodes = append(r.nodes, trieNode{value: -1})
	return id
}

// MaxLen returns the length of the longest key: a TextStream's maxHold should be at least this.
func (r *Replacer) MaxLen() int { return r.maxLen }

// Len returns the number of keys.
func (r *Replacer) Len() int { return len(r.repl) }

// child returns the child of node n for byte c, -1 if none.
func (r *Replacer) child(n int32, c byte) int32 {
	nd := &r.nodes[n]
	for i, l := range nd.labels {
		if l == c {
			return nd.next[i]
		}
		if l > c {
			break
		}
	}
	return -1
}

// match walks the trie from text[i]. It returns the length and replacement index of the longest
// key there (0, -1 if none) and whether the walk ran off the end of text with longer keys still
// possible, in which case the decision at i is not final.
func (r *Replacer) match(text string, i int) (n int, v int32, open bool) {
	v = -1
	node := int32(0)
	for j := i; j < len(text); j++ {
		node = r.child(node, text[j])
		if node < 0 {
			return n, v, false
		}
		if val := r.nodes[node].value; val >= 0 {
			n, v = j+1-i, val
		}
	}
	return n, v, len(r.nodes[node].labels) > 0
}

// next returns the first position at or after i where a key could start, len(text) if none.
func (r *Replacer) next(text string, i int) int {
	switch len(r.starts) {
	case 0:
		return len(text)
	case 1:
		if j := strings.IndexByte(text[i:], r.starts[0]); j >= 0 {
			return i + j
		}
		return len(text)
	}
	for ; i < len(text) && !r.first[text[i]]; i++ {
	}
	return i
}

// Transform returns text with every key replaced; text itself when none occurs.
func (r *Replacer) Transform(text string) string {
	var b []byte
	last := 0
	for i := r.next(text, 0); i < len(text); i = r.next(text, i) {
		n, v, _ := r.match(text, i)
		if n == 0 {
			i++
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(text)+len(r.repl[v]))
		}
		b = append(b, text[last:i]...)
		b = append(b, r.repl[v]...)
		i += n
		last = i
	}
	if b == nil {
		return text
	}
	return string(append(b, text[last:]...))
}

// Holdback returns the length of the tail of text from the first position where a longer text
// could change what Transform does.
func (r *Replacer) Holdback(text string) int {
	for i := r.next(text, 0); i < len(text); i = r.next(text, i) {
		n, _, open := r.match(text, i)
		if open {
			return len(text) - i
		}
		i += max(n, 1)
	}
	return 0
}

var _ Transformer = (*Replacer)(nil)
