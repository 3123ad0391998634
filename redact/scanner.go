package redact

import (
	"slices"
	"sync"
)

// Scanner runs a set of detectors over a message in one pass and returns non-overlapping findings,
// sorted by start, with offsets into the original text. It is safe for concurrent use.
type Scanner struct {
	detectors []Detector
	maxLen    int
	pool      sync.Pool // *Text
}

// ScanOptions restricts what a scan reports.
type ScanOptions struct {
	Types         TypeSet // zero means all types
	MinConfidence float64
}

// NewScanner returns a Scanner over ds.
func NewScanner(ds ...Detector) *Scanner {
	s := &Scanner{detectors: ds}
	for _, d := range ds {
		s.maxLen = max(s.maxLen, d.MaxLen())
	}
	s.pool.New = func() any { return &Text{} }
	return s
}

// MaxLen is the longest span any detector can report: the hold-back a streaming rewriter needs.
func (s *Scanner) MaxLen() int { return s.maxLen }

// Scan returns the findings in text with all types enabled.
func (s *Scanner) Scan(text string) []Finding {
	return s.ScanWith(text, ScanOptions{}, nil)
}

// ScanWith appends the findings in text allowed by opts to dst.
func (s *Scanner) ScanWith(text string, opts ScanOptions, dst []Finding) []Finding {
	types := opts.Types
	if types == 0 {
		types = AllTypeSet
	}
	t := s.pool.Get().(*Text)
	t.Reset(text)
	base := len(dst)
	for _, d := range s.detectors {
		if !wants(d, types) {
			continue
		}
		dst = d.Detect(t, dst)
	}
	found := dst[base:]
	n := 0
	for _, f := range found {
		if !types.Has(f.Type) || f.Confidence < opts.MinConfidence || f.End <= f.Start {
			continue
		}
		f.Start, f.End = t.OrigSpan(f.Start, f.End)
		found[n] = f
		n++
	}
	found = resolveOverlaps(found[:n])
	*t = Text{Tokens: t.Tokens[:0], offs: t.offs[:0]}
	s.pool.Put(t)
	return dst[:base+len(found)]
}

func wants(d Detector, types TypeSet) bool {
	for _, t := range d.Types() {
		if types.Has(t) {
			return true
		}
	}
	return false
}

// resolveOverlaps sorts fs by start and keeps, among overlapping findings, the most confident one
// (then the longest, then the earliest). It works in place and returns the kept prefix.
func resolveOverlaps(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := fs[:1]
	for _, f := range fs[1:] {
		last := &out[len(out)-1]
		if f.Start >= last.End {
			out = append(out, f)
			continue
		}
		if better(f, *last) {
			*last = f
		}
	}
	return out
}

// better reports whether a should win over b when they overlap.
func better(a, b Finding) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	return a.Len() > b.Len()
}
