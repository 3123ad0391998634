package redact

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// maxCarve is the largest group of mutually overlapping findings resolved piece by piece; a larger
// group (only adversarial input makes one) becomes a single finding covering all of it.
const maxCarve = 64

// resolveOverlaps makes dst[base:] sorted and non-overlapping, and returns dst with the resolved
// findings in place of the raw ones. orig is the scanned text the offsets point into. runs, when
// not nil, are the ends (indices into dst[base:]) of the runs each detector appended, in order.
//
// Overlapping findings form a group. Within a group the most confident finding (then the longest,
// then the earliest) keeps its whole span; each other finding keeps, under its own type, the parts
// not yet claimed that hold a letter or digit. So no byte that some detector flagged is left
// in clear because a more confident finding overlapped part of it, and each part keeps the type
// whose policy applies to it. Touching pieces of the same type and subtype are merged.
func resolveOverlaps(dst []Finding, base int, orig string, runs []int, scratch *[]int32) []Finding {
	if len(dst)-base < 2 {
		return dst
	}
	dst = sortFindings(dst, base, runs, len(orig), scratch)
	fs := dst[base:]
	if !overlapping(fs) {
		return dst
	}
	// Resolved findings are appended after the raw ones, then moved down over them.
	n := len(dst)
	for i := 0; i < n-base; {
		fs = dst[base:n]
		j, end := i+1, fs[i].End
		for j < len(fs) && fs[j].Start < end {
			end = max(end, fs[j].End)
			j++
		}
		switch {
		case j == i+1:
			dst = append(dst, fs[i])
		case j-i > maxCarve:
			dst = append(dst, union(fs[i:j]))
		default:
			dst = carve(dst, fs[i:j], orig)
		}
		i = j
	}
	m := copy(dst[base:], dst[n:])
	return dst[:base+m]
}

// findingBefore orders findings by start, then the longer first.
func findingBefore(a, b Finding) bool {
	return a.Start < b.Start || a.Start == b.Start && a.End > b.End
}

// maxRuns is the most detector runs sortFindings takes apart; with more it sorts.
const maxRuns = 32

// sortFindings sorts dst[base:] by findingBefore. Of findings with the same span, the one from the
// later detector comes first: of two detectors claiming the same span with the same confidence,
// the more specific one comes later in detect.All (IP after Phone), and carve keeps the first of
// equals. runs are the ends of the detectors' runs in dst[base:] (nil: unknown), textLen bounds
// the starts, and scratch is memory to reuse.
func sortFindings(dst []Finding, base int, runs []int, textLen int, scratch *[]int32) []Finding {
	fs := dst[base:]
	if runs == nil || len(runs) > maxRuns {
		slices.SortStableFunc(fs, compareFindings)
		return dst
	}
	k, lo, only := 0, 0, fs // the non-empty runs, and the last of them
	for _, e := range runs {
		if e > lo {
			k, only = k+1, fs[lo:e]
		}
		lo = e
	}
	if k <= 1 {
		// One detector's findings, in text order as a run usually is.
		if !slices.IsSortedFunc(only, compareFindings) {
			slices.SortStableFunc(only, compareFindings)
		}
		return dst
	}
	// Sort the runs after dst's end (fs keeps pointing at them if dst grows), then move the
	// result down.
	n := len(dst)
	dst = sortRuns(dst, fs, runs, textLen, scratch)
	copy(dst[base:n], dst[n:])
	return dst[:n]
}

// compareFindings orders findings by start, then the longer first.
func compareFindings(a, b Finding) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return b.End - a.End
}

func overlapping(fs []Finding) bool {
	for i := 1; i < len(fs); i++ {
		if fs[i].Start < fs[i-1].End {
			return true
		}
	}
	return false
}

// priority orders findings from the one that wins an overlap to the one that loses.
func priority(a, b Finding) int {
	if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Len(), a.Len()); c != 0 {
		return c
	}
	return cmp.Compare(a.Start, b.Start)
}

// union returns the winner of group g widened to cover all of g.
func union(g []Finding) Finding {
	best := slices.MinFunc(g, priority)
	for _, f := range g {
		best.Start = min(best.Start, f.Start)
		best.End = max(best.End, f.End)
	}
	return best
}

// carve appends to dst the pieces group g resolves to (see resolveOverlaps), sorted by start.
// It reorders g.
func carve(dst []Finding, g []Finding, orig string) []Finding {
	slices.SortStableFunc(g, priority)
	p0 := len(dst)
	dst = append(dst, g[0])
	for _, f := range g[1:] {
		// Walk the claimed pieces (sorted, disjoint) and take the gaps inside f.
		cur, k := f.Start, p0
		for ; k < len(dst) && cur < f.End; k++ {
			c := dst[k]
			if c.End <= cur {
				continue
			}
			if c.Start >= f.End {
				break
			}
			if c.Start > cur {
				dst, k = insertPiece(dst, k, f, cur, c.Start, orig)
			}
			cur = max(cur, c.End)
		}
		if cur < f.End {
			dst, _ = insertPiece(dst, k, f, cur, f.End, orig)
		}
	}
	// Merge touching pieces of one type and subtype.
	out := dst[:p0+1]
	for _, f := range dst[p0+1:] {
		last := &out[len(out)-1]
		if f.Start == last.End && f.Type == last.Type && f.Subtype == last.Subtype {
			last.End = f.End
			last.Confidence = max(last.Confidence, f.Confidence)
			continue
		}
		out = append(out, f)
	}
	return out
}

// insertPiece inserts f cut to [start, end) at index k of dst when that part of orig holds a letter
// or digit, and returns dst and the index of the piece that was at k.
func insertPiece(dst []Finding, k int, f Finding, start, end int, orig string) ([]Finding, int) {
	if !hasAlnum(orig[start:end]) {
		return dst, k
	}
	f.Start, f.End = start, end
	return slices.Insert(dst, k, f), k + 1
}

// hasAlnum reports whether s holds an ASCII letter or digit or any non-ASCII character.
func hasAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}
