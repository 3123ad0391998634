package redact

import (
	"math"
	"sync"
)

// Scanner runs a set of detectors over a message in one pass and returns non-overlapping findings,
// sorted by start, with offsets into the original text. It is safe for concurrent use.
type Scanner struct {
	detectors []Detector
	types     []TypeSet // types[i] is what detectors[i] can report
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
	s := &Scanner{detectors: ds, types: make([]TypeSet, len(ds))}
	for i, d := range ds {
		s.maxLen = max(s.maxLen, d.MaxLen())
		s.types[i] = NewTypeSet(d.Types()...)
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

// ScanWith appends the findings in text allowed by opts to dst. Findings a detector reports out of
// the text's bounds or with an invalid type are dropped; confidences are clamped to [0, 1].
func (s *Scanner) ScanWith(text string, opts ScanOptions, dst []Finding) []Finding {
	types := opts.Types & AllTypeSet
	if opts.Types == 0 {
		types = AllTypeSet
	}
	t := s.pool.Get().(*Text)
	t.Reset(text)
	base := len(dst)
	// rawEnds[r] is where detector r's findings end in dst; runs the same after filtering.
	var rawEnds, runEnds [maxRuns]int
	nr := 0
	for i, d := range s.detectors {
		if s.types[i]&types == 0 {
			continue
		}
		dst = d.Detect(t, dst)
		if nr < maxRuns {
			rawEnds[nr] = len(dst)
		}
		nr++
	}
	n, r := base, 0
	for j, f := range dst[base:] {
		for r < min(nr, maxRuns) && rawEnds[r] <= base+j {
			runEnds[r] = n - base
			r++
		}
		if f.Start < 0 || f.End > len(t.Norm) || f.End <= f.Start || !types.Has(f.Type) {
			continue
		}
		f.Confidence = clampConfidence(f.Confidence)
		if f.Confidence < opts.MinConfidence {
			continue
		}
		f.Start, f.End = t.OrigSpan(f.Start, f.End)
		dst[n] = f
		n++
	}
	for ; r < min(nr, maxRuns); r++ {
		runEnds[r] = n - base
	}
	var runs []int
	if nr <= maxRuns {
		runs = runEnds[:nr]
	}
	dst = resolveOverlaps(dst[:n], base, text, runs, &t.sortBuf)
	t.release()
	s.pool.Put(t)
	return dst
}

func clampConfidence(c float64) float64 {
	if math.IsNaN(c) || c < 0 {
		return 0
	}
	return min(c, 1)
}
