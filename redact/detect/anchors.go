package detect

// windows walks the token ranges around a detector's anchors: span maps an anchor to the range of
// tokens where a match that needs it may start (or false when the anchor cannot be part of a match),
// and windows yields these ranges clipped to the text and merged, in order. The ranges' starts must
// not decrease from one anchor to the next. A detector whose every match starts in the range of some
// anchor visits these ranges with its usual forward loop and finds exactly what the loop over all
// tokens finds, at a fraction of the cost.
type windows struct {
	anchors [2][]int32 // two sorted lists, merged (either may be nil)
	span    func(a int) (lo, hi int, ok bool)
	n       int // number of tokens
	k       [2]int
	pending bool
	plo     int
	phi     int
}

// next returns the next merged range [lo, hi], or ok false after the last one.
func (w *windows) next() (lo, hi int, ok bool) {
	if w.pending {
		lo, hi, w.pending = w.plo, w.phi, false
	} else if lo, hi, ok = w.nextSpan(); !ok {
		return 0, 0, false
	}
	for {
		l, h, ok := w.nextSpan()
		if !ok {
			break
		}
		if l > hi+1 {
			w.pending, w.plo, w.phi = true, l, h
			break
		}
		hi = max(hi, h)
	}
	return lo, hi, true
}

// nextSpan returns the clipped range of the next anchor that has one.
func (w *windows) nextSpan() (lo, hi int, ok bool) {
	for {
		a, ok := w.nextAnchor()
		if !ok {
			return 0, 0, false
		}
		lo, hi, ok := w.span(a)
		lo, hi = max(lo, 0), min(hi, w.n-1)
		if ok && lo <= hi {
			return lo, hi, true
		}
	}
}

// nextAnchor returns the smaller of the heads of the two anchor lists.
func (w *windows) nextAnchor() (int, bool) {
	a0, a1 := w.k[0] < len(w.anchors[0]), w.k[1] < len(w.anchors[1])
	switch {
	case a0 && (!a1 || w.anchors[0][w.k[0]] <= w.anchors[1][w.k[1]]):
		a := w.anchors[0][w.k[0]]
		w.k[0]++
		if a1 && w.anchors[1][w.k[1]] == a {
			w.k[1]++
		}
		return int(a), true
	case a1:
		a := w.anchors[1][w.k[1]]
		w.k[1]++
		return int(a), true
	}
	return 0, false
}

// anchorUnion walks the union of two sorted lists of token indices, in order and without
// repeats: the anchors of a detector whose matches start at an anchor, with no window around it.
type anchorUnion struct{ a, b []int32 }

// next returns the next index, or ok false after the last one.
func (u *anchorUnion) next() (int, bool) {
	switch {
	case len(u.a) > 0 && (len(u.b) == 0 || u.a[0] <= u.b[0]):
		x := u.a[0]
		u.a = u.a[1:]
		if len(u.b) > 0 && u.b[0] == x {
			u.b = u.b[1:]
		}
		return int(x), true
	case len(u.b) > 0:
		x := u.b[0]
		u.b = u.b[1:]
		return int(x), true
	}
	return 0, false
}
