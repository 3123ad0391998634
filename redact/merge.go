package redact

// runMerge merges the sorted runs of findings that the detectors appended, through a binary heap of
// the runs' heads: about log2(runs) comparisons per finding where a scan of every head took one per
// run (fourteen detectors), which cost a twentieth of a scan of PII-dense text. Each heap entry
// carries its head's span, so a comparison reads no finding.
type runMerge struct {
	heap [maxRuns]runHead // heap[0] is the first head
	n    int
}

// runHead is the head of run r: its next finding's span.
type runHead struct {
	start, end, r int
}

// before reports whether head a comes before head b: by findingBefore, and of two findings with
// the same span the one of the later run first.
func (a runHead) before(b runHead) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	if a.end != b.end {
		return a.end > b.end
	}
	return a.r > b.r
}

// down restores the heap order below position i.
func (m *runMerge) down(i int) {
	h := m.heap[:m.n]
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].before(h[c]) {
			c++
		}
		if !h[c].before(h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// mergeRuns appends the findings of the k non-empty runs of fs, each sorted, to dst in merged order;
// run r is fs[heads[r]:ends[r]].
func mergeRuns(dst, fs []Finding, heads, ends *[maxRuns]int, k int) []Finding {
	var m runMerge
	for r := range k {
		f := &fs[heads[r]]
		m.heap[r] = runHead{f.Start, f.End, r}
	}
	m.n = k
	for i := k/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	for m.n > 0 {
		r := m.heap[0].r
		dst = append(dst, fs[heads[r]])
		if heads[r]++; heads[r] == ends[r] {
			m.n--
			m.heap[0] = m.heap[m.n]
		} else {
			f := &fs[heads[r]]
			m.heap[0].start, m.heap[0].end = f.Start, f.End
		}
		m.down(0)
	}
	return dst
}
