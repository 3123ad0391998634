package redact

import (
	"math"
	"math/bits"
)

// mergeRuns merges the sorted runs of findings that the detectors appended through a tournament
// tree of the runs' heads (a loser tree): taking a finding costs one comparison per level of the
// tree, and each comparison and exchange is made without a branch, because which run comes next
// is just what a branch predictor cannot guess. A binary heap of the heads made two branchy
// comparisons per level and cost a twentieth of a scan of PII-dense text.

// mergeKey orders the heads of the runs as findingBefore does, as one 128-bit number: hi holds the
// start and the complement of the end (by start, then the longer first), lo the complement of the
// run (of two findings with the same span, the later run's first). An exhausted run's key is
// mergeDone, after every other key.
type mergeKey struct{ hi, lo uint64 }

var mergeDone = mergeKey{math.MaxUint64, math.MaxUint64}

// maxMergeOffset bounds the offsets a mergeKey holds: 32 bits each for the start and the end.
const maxMergeOffset = math.MaxUint32

// headKey returns the key of finding f at the head of run r. f's offsets are at most
// maxMergeOffset.
func headKey(f *Finding, r int) mergeKey {
	return mergeKey{uint64(f.Start)<<32 | uint64(maxMergeOffset-f.End), uint64(maxRuns - 1 - r)}
}

// run returns the run whose head has key k.
func (k mergeKey) run() int { return maxRuns - 1 - int(k.lo) }

// minMax returns a and b in order, computed without a branch: the borrow of a−b as 128-bit
// numbers tells whether a < b, and selects the result through masks.
func minMax(a, b mergeKey) (mergeKey, mergeKey) {
	_, borrow := bits.Sub64(a.lo, b.lo, 0)
	_, borrow = bits.Sub64(a.hi, b.hi, borrow)
	swap := borrow - 1 // all ones when a >= b
	dh, dl := (a.hi^b.hi)&swap, (a.lo^b.lo)&swap
	return mergeKey{a.hi ^ dh, a.lo ^ dl}, mergeKey{b.hi ^ dh, b.lo ^ dl}
}

// mergeRuns appends the findings of the k non-empty runs of fs (2 <= k <= maxRuns), each sorted,
// to dst in merged order; run r is fs[heads[r]:ends[r]]. Every offset is at most maxMergeOffset.
func mergeRuns(dst, fs []Finding, heads, ends *[maxRuns]int, k int) []Finding {
	leaves := 2
	for leaves < k {
		leaves *= 2
	}
	// Node n's children are 2n and 2n+1; the leaves are leaves..2*leaves-1. losers[n] is the key
	// that lost the match at node n; w is the winner of the whole tree.
	var losers, winners [2 * maxRuns]mergeKey
	for r := range leaves {
		winners[leaves+r] = mergeDone
		if r < k {
			winners[leaves+r] = headKey(&fs[heads[r]], r)
		}
	}
	for n := leaves - 1; n >= 1; n-- {
		winners[n], losers[n] = minMax(winners[2*n], winners[2*n+1])
	}
	w := winners[1]
	for w != mergeDone {
		r := w.run()
		dst = append(dst, fs[heads[r]])
		if heads[r]++; heads[r] < ends[r] {
			w = headKey(&fs[heads[r]], r)
		} else {
			w = mergeDone
		}
		// Replay the matches on the path from run r's leaf to the root.
		for n := (leaves + r) >> 1; n >= 1; n >>= 1 {
			w, losers[n] = minMax(w, losers[n])
		}
	}
	return dst
}
