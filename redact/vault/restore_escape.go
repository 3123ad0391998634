package vault

// Escaped returns a Restorer that puts each value through escape before it lands in the text, for
// replies where a raw value could change the syntax (HTML text and attributes). The tokens
// matched are the same.
func (r *Restorer) Escaped(escape func(string) string) *Restorer {
	out := *r
	out.pairs = make([]pair, len(r.pairs))
	for i, p := range r.pairs {
		p.value = escape(p.value)
		out.pairs[i] = p
	}
	return &out
}
