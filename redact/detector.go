package redact

// Detector finds one family of personal data in a normalized Text. Detectors are pure and safe
// for concurrent use; the Scanner owns ordering, overlap resolution and offset mapping.
type Detector interface {
	// Types lists the types this detector can report, so a Scanner restricted to other types skips it.
	Types() []Type
	// MaxLen is the longest span, in bytes of normalized text, that Detect can report. It sizes the
	// hold-back window of streaming rewriters.
	MaxLen() int
	// Detect appends the findings it sees in t to dst and returns the extended slice. Offsets are into
	// t.Norm; findings may overlap each other and need not be sorted.
	Detect(t *Text, dst []Finding) []Finding
}
