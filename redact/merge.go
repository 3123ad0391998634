package redact

// runMerge merges the sorted runs of findings that the detectors appended, through a binary heap of
// the runs' heads: about log2(runs) comparisons per finding where a scan of every head took one per
// run (fourteen detectors), which cost a twentieth of a scan of PII-dense text.
type runMerge struct {
	fs          []Finding
	heads, ends *[maxRuns]int // run r is fs[heads[r]:ends[r]]
	heap        [maxRuns]int  // run indices; heap[0] holds the first head
	n           int
}

// before reports whether run a's head comes before run b's: by findingBefore, and of two findings
// with the same span the one of the later run first.
func (m *runMerge) before(a, b int) bool {
	x, y := &m.fs[m.heads[a]], &m.fs[m.heads[b]]
	if x.Start != y.Start {
		return x.Start < y.Start
	}
	if x.End != y.End {
		return x.End > y.End
	}
	return a > b
}

// down restores the heap order below position i.
func (m *runMerge) down(i int) {
	for {
		c := 2*i + 1
		if c >= m.n {
			return
		}
		if c+1 < m.n && m.before(m.heap[c+1], m.heap[c]) {
			c++
		}
		if !m.before(m.heap[c], m.heap[i]) {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}

// mergeRuns appends the findings of the k non-empty runs of fs, each sorted, to dst in merged order.
func mergeRuns(dst, fs []Finding, heads, ends *[maxRuns]int, k int) []Finding {
	m := runMerge{fs: fs, heads: heads, ends: ends, n: k}
	for r := range k {
		m.heap[r] = r
	}
	for i := k/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	for m.n > 0 {
		r := m.heap[0]
		dst = append(dst, fs[heads[r]])
		if heads[r]++; heads[r] == ends[r] {
			m.n--
			m.heap[0] = m.heap[m.n]
		}
		m.down(0)
	}
	return dst
}
