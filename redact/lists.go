package redact

// Token lists: the tokens each detector of a package starts from, sorted out of the anchor lists
// in one pass per view and shared by the package's detectors. Where several detectors each walked
// the same anchors (every digit token) to reject most of them with a first test, one walk now
// makes every first test and each detector visits only its own list.

// Lister computes the token lists of a view. Create one per package of detectors when the program
// starts.
type Lister struct {
	n    int
	list func(t *Text, lists [][]int32)
}

// NewLister returns a Lister of n lists whose function fills the lists of t: it is given n empty
// lists (with memory to reuse) and must leave in each the token indices of that list, in order.
// The function must be pure and safe for concurrent use.
func NewLister(n int, list func(t *Text, lists [][]int32)) *Lister {
	return &Lister{n: n, list: list}
}

// Lists returns l's lists for the view, computed on the first call per view (a view caches the
// lists of one Lister at a time). The slices belong to the view: do not change or keep them.
func (t *Text) Lists(l *Lister) [][]int32 {
	if t.lister != l {
		if cap(t.lists) < l.n {
			t.lists = append(t.lists[:cap(t.lists)], make([][]int32, l.n-cap(t.lists))...)
		}
		t.lists = t.lists[:l.n]
		for i := range t.lists {
			t.lists[i] = t.lists[i][:0]
		}
		l.list(t, t.lists)
		t.lister = l
	}
	return t.lists
}

// resetLists forgets the lists of the previous view, keeping their memory unless it grew past keep.
func (t *Text) resetLists(keep int) {
	t.lister = nil
	for i, l := range t.lists {
		if cap(l) > keep {
			t.lists[i] = nil
		} else {
			t.lists[i] = l[:0]
		}
	}
}
