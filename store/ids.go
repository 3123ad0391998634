package store

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ID is a parsed stream entry id: milliseconds since the Unix epoch and a sequence number within
// that millisecond. Its string form "<ms>-<seq>" is the same as Redis stream ids.
type ID struct {
	MS  uint64
	Seq uint64
}

// MaxID is the largest id, what "+" means in Range.
var MaxID = ID{MS: math.MaxUint64, Seq: math.MaxUint64}

// ParseID parses "<ms>-<seq>".
func ParseID(s string) (ID, error) {
	ms, seq, ok := strings.Cut(s, "-")
	if !ok {
		return ID{}, fmt.Errorf("%w: stream id is not <ms>-<seq>", ErrInvalid)
	}
	m, err1 := strconv.ParseUint(ms, 10, 64)
	q, err2 := strconv.ParseUint(seq, 10, 64)
	if err1 != nil || err2 != nil {
		return ID{}, fmt.Errorf("%w: stream id is not <ms>-<seq>", ErrInvalid)
	}
	return ID{MS: m, Seq: q}, nil
}

// String formats the id as "<ms>-<seq>".
func (id ID) String() string {
	b := make([]byte, 0, 41)
	b = strconv.AppendUint(b, id.MS, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, id.Seq, 10)
	return string(b)
}

// Compare returns -1, 0 or +1 as id is before, equal to or after o.
func (id ID) Compare(o ID) int {
	switch {
	case id.MS < o.MS:
		return -1
	case id.MS > o.MS:
		return 1
	case id.Seq < o.Seq:
		return -1
	case id.Seq > o.Seq:
		return 1
	}
	return 0
}

// Next returns the smallest id after id, for paging: Range(ctx, s, last.Next().String(), "+", n).
func (id ID) Next() ID {
	if id.Seq == math.MaxUint64 {
		return ID{MS: id.MS + 1}
	}
	return ID{MS: id.MS, Seq: id.Seq + 1}
}

// CompareIDs orders two entry ids numerically part by part ("9-0" < "10-0"). Ids that do not parse
// compare as strings, after every valid id.
func CompareIDs(a, b string) int {
	ia, errA := ParseID(a)
	ib, errB := ParseID(b)
	switch {
	case errA == nil && errB == nil:
		return ia.Compare(ib)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// NextID returns the id right after id, so a reader can continue a Range after the last entry it saw.
func NextID(id string) (string, error) {
	p, err := ParseID(id)
	if err != nil {
		return "", err
	}
	return p.Next().String(), nil
}

// RangeBounds parses Range's from and to: "-" and "+" are the ends, "<ms>" alone is the whole
// millisecond (from <ms>-0, to <ms>-<max>), as in Redis XRANGE.
func RangeBounds(from, to string) (lo, hi ID, err error) {
	lo, err1 := parseBound(from, false)
	hi, err2 := parseBound(to, true)
	if err := errors.Join(err1, err2); err != nil {
		return ID{}, ID{}, err
	}
	return lo, hi, nil
}

func parseBound(s string, end bool) (ID, error) {
	switch s {
	case "-":
		return ID{}, nil
	case "+":
		return MaxID, nil
	}
	if !strings.Contains(s, "-") {
		ms, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return ID{}, fmt.Errorf("%w: range bound is not -, +, <ms> or <ms>-<seq>", ErrInvalid)
		}
		if end {
			return ID{MS: ms, Seq: math.MaxUint64}, nil
		}
		return ID{MS: ms}, nil
	}
	id, err := ParseID(s)
	if err != nil {
		return ID{}, fmt.Errorf("%w: range bound is not -, +, <ms> or <ms>-<seq>", ErrInvalid)
	}
	return id, nil
}
