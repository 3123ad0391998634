package redact

// Marks: the tokens that some detector of a package must look at, found in one pass over the tokens
// per view and shared by the package's detectors. A detector that tested every token (a context-word
// filter, a length test) paid for walking all of them; with marks, one walk serves them all and each
// visits only its own few tokens.

// Mark is a token that a Marker flagged for some detectors: Bits says which (the Marker's owner
// assigns them).
type Mark struct {
	Tok  int32 // index into Text.Tokens
	Bits uint32
}

// Marker computes the marks of a view. Create one per package of detectors when the program starts.
type Marker struct {
	mark func(t *Text, dst []Mark) ([]Mark, uint32)
}

// NewMarker returns a Marker whose function appends the marks of t's tokens to dst, in token order,
// and returns the extended slice and the union of the new marks' Bits (which MarkBits reports, so
// that a detector none of whose marks is set returns without walking the marks). The function must
// be pure and safe for concurrent use.
func NewMarker(mark func(t *Text, dst []Mark) (marks []Mark, union uint32)) *Marker {
	return &Marker{mark: mark}
}

// Marks returns the marks m puts on the view's tokens, computed on the first call per view (a view
// caches the marks of one Marker at a time). The slice belongs to the view: do not change or keep it.
func (t *Text) Marks(m *Marker) []Mark {
	t.mark(m)
	return t.marks
}

// MarkBits returns the union of the Bits of the marks m puts on the view's tokens.
func (t *Text) MarkBits(m *Marker) uint32 {
	t.mark(m)
	return t.markBits
}

// mark computes m's marks of the view unless they are cached.
func (t *Text) mark(m *Marker) {
	if t.marker != m {
		t.marks, t.markBits = m.mark(t, t.marks[:0])
		t.marker = m
	}
}
