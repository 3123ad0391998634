package redact

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortRuns checks sortFindings on random runs (many equal starts and spans, up to maxRuns
// runs, some empty, some not in order, some crowding a bucket) against a stable sort by start, the
// longer first, and of equal spans the later run first.
func TestSortRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var scratch []int32
	for iter := range 20000 {
		nRuns := 1 + rng.IntN(maxRuns)
		span := 1 + rng.IntN(40)
		var fs []Finding
		var runs []int
		var runOf []int // the run of each finding, for the reference order
		for r := range nRuns {
			n := rng.IntN(6)
			if iter%7 == 0 {
				n = rng.IntN(60)
			}
			run := make([]Finding, n)
			for i := range run {
				s := rng.IntN(span)
				// Type tells findings apart when their spans are equal.
				run[i] = Finding{Type: Type(rng.IntN(200)), Start: s, End: s + 1 + rng.IntN(span)}
			}
			if iter%5 != 0 {
				slices.SortStableFunc(run, compareFindings)
			}
			fs = append(fs, run...)
			for range run {
				runOf = append(runOf, r)
			}
			runs = append(runs, len(fs))
		}
		type tagged struct {
			f    Finding
			r, i int
		}
		want := make([]tagged, len(fs))
		for i, f := range fs {
			want[i] = tagged{f, runOf[i], i}
		}
		slices.SortStableFunc(want, func(a, b tagged) int {
			if c := compareFindings(a.f, b.f); c != 0 {
				return c
			}
			return b.r - a.r
		})
		got := sortFindings(slices.Clone(fs), 0, runs, 2*span, &scratch)
		for i := range want {
			if got[i] != want[i].f {
				t.Fatalf("iteration %d: finding %d is %+v, want %+v", iter, i, got[i], want[i].f)
			}
		}
	}
}
