package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store"
)

func entry(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func mustAppend(t *testing.T, s store.Store, stream string, entries ...map[string]string) []string {
	t.Helper()
	ids, err := s.Append(context.Background(), stream, entries...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if len(ids) != len(entries) {
		t.Fatalf("Append returned %d ids for %d entries", len(ids), len(entries))
	}
	return ids
}

func mustRange(t *testing.T, s store.Store, stream, from, to string, limit int) []store.Entry {
	t.Helper()
	es, err := s.Range(context.Background(), stream, from, to, limit)
	if err != nil {
		t.Fatalf("Range(%s, %s, %d): %v", from, to, limit, err)
	}
	return es
}

func idsOf(es []store.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func checkIncreasing(t *testing.T, ids []string) {
	t.Helper()
	for i, id := range ids {
		if _, err := store.ParseID(id); err != nil {
			t.Fatalf("id %q is not <ms>-<seq>", id)
		}
		if i > 0 && store.CompareIDs(ids[i-1], id) >= 0 {
			t.Fatalf("ids not strictly increasing: %s then %s", ids[i-1], id)
		}
	}
}

func msOf(t *testing.T, id string) uint64 {
	t.Helper()
	p, err := store.ParseID(id)
	if err != nil {
		t.Fatal(err)
	}
	return p.MS
}

func testAppendOrder(t *testing.T, s store.Store, cfg *config) {
	before := uint64(cfg.now().Add(-time.Minute).UnixMilli())
	a := mustAppend(t, s, "audit", entry("n", "0"), entry("n", "1"), entry("n", "2"))
	b := mustAppend(t, s, "audit", entry("n", "3"))
	c := mustAppend(t, s, "audit", entry("n", "4"), entry("n", "5"))
	all := append(append(a, b...), c...)
	checkIncreasing(t, all)
	if ms := msOf(t, all[0]); ms < before {
		t.Fatalf("id millisecond %d is not the current time", ms)
	}
	es := mustRange(t, s, "audit", "-", "+", 0)
	if strings.Join(idsOf(es), ",") != strings.Join(all, ",") {
		t.Fatalf("Range ids %v, Append ids %v", idsOf(es), all)
	}
	for i, e := range es {
		if e.Fields["n"] != strconv.Itoa(i) || len(e.Fields) != 1 {
			t.Fatalf("entry %d has fields %v", i, e.Fields)
		}
	}
	if ids, err := s.Append(context.Background(), "audit"); err != nil || len(ids) != 0 {
		t.Fatalf("Append of nothing = %v, %v", ids, err)
	}
}

func testAppendInvalid(t *testing.T, s store.Store, _ *config) {
	ctx := context.Background()
	if _, err := s.Append(ctx, "", entry("a", "b")); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Append to an unnamed stream = %v, want ErrInvalid", err)
	}
	if _, err := s.Append(ctx, "st", entry("a", "b"), map[string]string{}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Append of an entry without fields = %v, want ErrInvalid", err)
	}
	if es := mustRange(t, s, "st", "-", "+", 0); len(es) != 0 {
		t.Fatalf("a rejected batch wrote %d entries", len(es))
	}
}

func testRangeBounds(t *testing.T, s store.Store, _ *config) {
	batch := make([]map[string]string, 10)
	for i := range batch {
		batch[i] = entry("i", strconv.Itoa(i))
	}
	ids := mustAppend(t, s, "st", batch...)
	first, last := ids[0], ids[len(ids)-1]
	firstMS, lastMS := msOf(t, first), msOf(t, last)
	for _, tc := range []struct {
		desc, from, to string
		limit          int
		want           []string
	}{
		{"everything", "-", "+", 0, ids},
		{"negative limit", "-", "+", -1, ids},
		{"limit", "-", "+", 3, ids[:3]},
		{"limit above size", "-", "+", 100, ids},
		{"inclusive bounds", ids[2], ids[5], 0, ids[2:6]},
		{"inclusive bounds with limit", ids[2], ids[5], 2, ids[2:4]},
		{"single", ids[4], ids[4], 0, ids[4:5]},
		{"from to end", ids[7], "+", 0, ids[7:]},
		{"start to id", "-", ids[1], 0, ids[:2]},
		{"reversed", ids[5], ids[2], 0, nil},
		{"after the end", store.ID{MS: lastMS + 1}.String(), "+", 0, nil},
		{"before the start", "-", store.ID{MS: firstMS - 1, Seq: 99}.String(), 0, nil},
		{"whole milliseconds", strconv.FormatUint(firstMS, 10), strconv.FormatUint(lastMS, 10), 0, ids},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got := idsOf(mustRange(t, s, "st", tc.from, tc.to, tc.limit))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("Range(%s, %s, %d) = %v, want %v", tc.from, tc.to, tc.limit, got, tc.want)
			}
		})
	}
	if es := mustRange(t, s, "no-such-stream", "-", "+", 0); len(es) != 0 {
		t.Fatalf("Range of a missing stream = %d entries", len(es))
	}
}

func testRangePaging(t *testing.T, s store.Store, _ *config) {
	var ids []string
	for i := range 25 {
		ids = append(ids, mustAppend(t, s, "st", entry("i", strconv.Itoa(i)))...)
	}
	var got []string
	from := "-"
	for range 100 {
		page := mustRange(t, s, "st", from, "+", 4)
		if len(page) == 0 {
			break
		}
		got = append(got, idsOf(page)...)
		next, err := store.NextID(page[len(page)-1].ID)
		if err != nil {
			t.Fatal(err)
		}
		from = next
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("paging returned %v, want %v", got, ids)
	}
}

// appendAcrossMilliseconds appends single entries until they span at least three milliseconds
// (advancing the clock if there is one), and returns their ids.
func appendAcrossMilliseconds(t *testing.T, s store.Store, cfg *config, stream string) []string {
	t.Helper()
	var ids []string
	distinct := map[uint64]bool{}
	for i := 0; len(distinct) < 3; i++ {
		if i > 1_000_000 {
			t.Fatal("the clock does not move")
		}
		id := mustAppend(t, s, stream, entry("i", strconv.Itoa(i)))[0]
		ids = append(ids, id)
		distinct[msOf(t, id)] = true
		switch {
		case cfg.clock != nil && i%3 == 2:
			cfg.clock.Advance(time.Millisecond) // harmless to parallel tests: their expiries are hours away
		case cfg.clock == nil && i%50 == 49:
			time.Sleep(time.Millisecond)
		}
	}
	return ids
}

func testTrimBefore(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	ids := appendAcrossMilliseconds(t, s, cfg, "st")
	cut := msOf(t, ids[len(ids)-1]) // the last millisecond stays
	older := 0
	for _, id := range ids {
		if msOf(t, id) < cut {
			older++
		}
	}
	n, err := s.TrimBefore(ctx, "st", time.UnixMilli(int64(cut)))
	if err != nil || n != older {
		t.Fatalf("TrimBefore = %d, %v; want %d", n, err, older)
	}
	rest := idsOf(mustRange(t, s, "st", "-", "+", 0))
	if strings.Join(rest, ",") != strings.Join(ids[older:], ",") {
		t.Fatalf("after TrimBefore: %v, want %v", rest, ids[older:])
	}
	if n, err := s.TrimBefore(ctx, "st", time.UnixMilli(int64(cut))); err != nil || n != 0 {
		t.Fatalf("second TrimBefore = %d, %v; want 0", n, err)
	}
	if n, err := s.TrimBefore(ctx, "st", time.Unix(0, 0)); err != nil || n != 0 {
		t.Fatalf("TrimBefore(epoch) = %d, %v; want 0", n, err)
	}
	if n, err := s.TrimBefore(ctx, "no-such-stream", time.Now()); err != nil || n != 0 {
		t.Fatalf("TrimBefore of a missing stream = %d, %v", n, err)
	}
}

func testIDsSurviveTrim(t *testing.T, s store.Store, cfg *config) {
	ctx := context.Background()
	ids := mustAppend(t, s, "st", entry("a", "1"), entry("a", "2"))
	n, err := s.TrimBefore(ctx, "st", time.UnixMilli(int64(msOf(t, ids[1])+1)))
	if err != nil || n != 2 {
		t.Fatalf("TrimBefore = %d, %v; want 2", n, err)
	}
	if es := mustRange(t, s, "st", "-", "+", 0); len(es) != 0 {
		t.Fatalf("%d entries left", len(es))
	}
	next := mustAppend(t, s, "st", entry("a", "3"))
	checkIncreasing(t, append(ids, next...))
}

func testConcurrentAppends(t *testing.T, s store.Store, _ *config) {
	const writers, batches, size = 8, 5, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				batch := make([]map[string]string, size)
				for i := range batch {
					batch[i] = entry("w", strconv.Itoa(w), "n", strconv.Itoa(b*size+i))
				}
				ids, err := s.Append(context.Background(), "audit", batch...)
				if err != nil {
					t.Error(err)
					return
				}
				for i := 1; i < len(ids); i++ {
					if store.CompareIDs(ids[i-1], ids[i]) >= 0 {
						t.Errorf("one Append's ids not increasing: %s then %s", ids[i-1], ids[i])
					}
				}
			}
		}()
	}
	wg.Wait()
	es := mustRange(t, s, "audit", "-", "+", 0)
	if len(es) != writers*batches*size {
		t.Fatalf("%d entries, want %d", len(es), writers*batches*size)
	}
	ids := idsOf(es)
	checkIncreasing(t, ids)
	next := map[string]int{}
	for _, e := range es {
		w, n := e.Fields["w"], e.Fields["n"]
		if n != strconv.Itoa(next[w]) {
			t.Fatalf("writer %s: entry %s where %d was next", w, n, next[w])
		}
		next[w]++
	}
	if fmt.Sprint(sortedCopy(ids)) != fmt.Sprint(ids) {
		t.Fatal("Range is not in id order")
	}
}

func testStreamValues(t *testing.T, s store.Store, _ *config) {
	e := entry("type", "consent.granted", "subject", "ü-Ω-😀", "bin", string(allBytes()), "empty", "",
		"", "empty name", "big", strings.Repeat("x", 1<<20))
	ids := mustAppend(t, s, "st", e)
	es := mustRange(t, s, "st", ids[0], ids[0], 0)
	if len(es) != 1 || es[0].ID != ids[0] {
		t.Fatalf("Range = %v", idsOf(es))
	}
	if len(es[0].Fields) != len(e) {
		t.Fatalf("%d fields read back, %d written", len(es[0].Fields), len(e))
	}
	for k, v := range e {
		if es[0].Fields[k] != v {
			t.Fatalf("field %q differs after a round trip", k)
		}
	}
}

func testStreamIsolation(t *testing.T, s store.Store, _ *config) {
	a := mustAppend(t, s, "a", entry("x", "1"))
	mustAppend(t, s, "ab", entry("x", "2"), entry("x", "3"))
	es := mustRange(t, s, "a", "-", "+", 0)
	if len(es) != 1 || es[0].ID != a[0] {
		t.Fatalf("stream a holds %v", idsOf(es))
	}
	if n, err := s.TrimBefore(context.Background(), "a", time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("TrimBefore = %d, %v", n, err)
	}
	if es := mustRange(t, s, "ab", "-", "+", 0); len(es) != 2 {
		t.Fatalf("trimming a touched ab: %d entries left", len(es))
	}
}
