package audit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Reader is the part of a store the audit tools read the trail through.
type Reader interface {
	Range(ctx context.Context, stream, from, to string, limit int) ([]store.Entry, error)
}

// pageSize is how many entries one Range call reads.
const pageSize = 1000

// scan calls fn for every entry of stream with from <= id <= to, in order, until fn returns false
// or an error.
func scan(ctx context.Context, r Reader, stream, from, to string, fn func(store.Entry) (bool, error)) error {
	for {
		page, err := r.Range(ctx, stream, from, to, pageSize)
		if err != nil {
			return fmt.Errorf("reading audit stream: %w", err)
		}
		for _, e := range page {
			more, err := fn(e)
			if err != nil || !more {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		next, err := store.NextID(page[len(page)-1].ID)
		if err != nil {
			return fmt.Errorf("reading audit stream: %w", err)
		}
		from = next
	}
}

// msBound is the stream id bound at the start of t's millisecond.
func msBound(t time.Time) string {
	ms := t.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatInt(ms, 10) + "-0"
}

// lastEntries returns the stream's last entries: every entry in the last millisecond that has
// any (at least one entry unless the stream is empty). Streams only support forward reads, so it
// searches for that millisecond: about 45 small reads however long the stream is.
func lastEntries(ctx context.Context, r Reader, stream string, now time.Time) ([]store.Entry, error) {
	first, err := r.Range(ctx, stream, "-", "+", 1)
	if err != nil {
		return nil, fmt.Errorf("reading audit stream: %w", err)
	}
	if len(first) == 0 {
		return nil, nil
	}
	fid, err := store.ParseID(first[0].ID)
	if err != nil {
		return nil, fmt.Errorf("reading audit stream: %w", err)
	}
	exists := func(ms uint64) (bool, error) {
		page, err := r.Range(ctx, stream, strconv.FormatUint(ms, 10)+"-0", "+", 1)
		if err != nil {
			return false, fmt.Errorf("reading audit stream: %w", err)
		}
		return len(page) > 0, nil
	}
	// Invariant: an entry exists at or after lo; none at or after hi.
	lo := fid.MS
	hi := uint64(max(now.UnixMilli(), 0)) + 1
	if hi <= lo {
		hi = lo + 1
	}
	for step := uint64(1000); ; step *= 2 {
		ok, err := exists(hi)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi+step
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := exists(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	var out []store.Entry
	err = scan(ctx, r, stream, strconv.FormatUint(lo, 10)+"-0", "+", func(e store.Entry) (bool, error) {
		out = append(out, e)
		return true, nil
	})
	return out, err
}
