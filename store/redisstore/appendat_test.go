package redisstore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/redistest"
)

func TestAppendAt(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	t.Run("standalone", func(t *testing.T) {
		t.Parallel()
		checkAppendAt(t, newStore(t, srv.Client()))
	})
	t.Run("cluster", func(t *testing.T) {
		t.Parallel()
		cl := redistest.StartCluster(t, 3)
		checkAppendAt(t, newConfigStore(t, store.RedisConfig{Addrs: cl.Addrs()}))
	})
}

// checkAppendAt appends in steps, some of them repeated or after the stream lost entries, and
// checks what each step wrote and reported.
func checkAppendAt(t *testing.T, s *Store) {
	ctx := context.Background()
	key := s.k.stream("audit")
	entry := func(id string) map[string]string { return map[string]string{"id": id, "k": "v " + id} }
	for _, tc := range []struct {
		desc    string
		before  func() error // what happens to the stream first
		after   string
		ids     []string
		entries []map[string]string
		added   []bool
		lost    bool
		stream  []string // the stream's entries ("id" fields) afterwards
		lastID  string   // the stream's last id afterwards
	}{
		{
			desc: "a first batch", ids: []string{"1-1", "1-2"}, entries: []map[string]string{entry("a"), entry("b")},
			added: []bool{true, true}, stream: []string{"a", "b"}, lastID: "1-2",
		},
		{
			desc: "the same batch again (a retry, or a late write)", after: "1-2",
			ids: []string{"1-1", "1-2"}, entries: []map[string]string{entry("a"), entry("b")},
			added: []bool{false, false}, stream: []string{"a", "b"}, lastID: "1-2",
		},
		{
			desc: "a batch whose first entry is there already", after: "1-2",
			ids: []string{"1-2", "1-3"}, entries: []map[string]string{entry("b"), entry("c")},
			added: []bool{false, true}, stream: []string{"a", "b", "c"}, lastID: "1-3",
		},
		{
			desc: "entries of different sizes", after: "1-3",
			ids: []string{"2-4", "2-5", "3-6"}, entries: []map[string]string{entry("d"), {"id": "e"}, entry("f")},
			added: []bool{true, true, true}, stream: []string{"a", "b", "c", "d", "e", "f"}, lastID: "3-6",
		},
		{
			desc:   "after an entry deleted with XDEL: its id is still the stream's last id",
			before: func() error { return s.c.XDel(ctx, key, "3-6").Err() },
			after:  "3-6", ids: []string{"4-7"}, entries: []map[string]string{entry("g")},
			added: []bool{true}, stream: []string{"a", "b", "c", "d", "e", "g"}, lastID: "4-7",
		},
		{
			desc: "after the store lost its last entries (a failover before they were replicated)",
			before: func() error {
				if err := s.c.XDel(ctx, key, "2-5", "4-7").Err(); err != nil {
					return err
				}
				return s.c.Do(ctx, "XSETID", key, "2-4").Err()
			},
			after: "4-7", ids: []string{"5-8"}, entries: []map[string]string{entry("h")},
			added: []bool{true}, lost: true, stream: []string{"a", "b", "c", "d", "h"}, lastID: "5-8",
		},
		{
			desc:   "after the store lost the whole stream (a restart without persistence)",
			before: func() error { return s.c.Del(ctx, key).Err() },
			after:  "5-8", ids: []string{"6-9", "6-10"}, entries: []map[string]string{entry("i"), entry("j")},
			added: []bool{true, true}, lost: true, stream: []string{"i", "j"}, lastID: "6-10",
		},
	} {
		if tc.before != nil {
			if err := tc.before(); err != nil {
				t.Fatalf("%s: %v", tc.desc, err)
			}
		}
		added, lost, err := s.AppendAt(ctx, "audit", tc.after, tc.ids, tc.entries...)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if !slices.Equal(added, tc.added) || lost != tc.lost {
			t.Fatalf("%s: added %v, lost %v; want %v, %v", tc.desc, added, lost, tc.added, tc.lost)
		}
		got, err := s.Range(ctx, "audit", "-", "+", 0)
		if err != nil {
			t.Fatal(err)
		}
		var fids []string
		for _, e := range got {
			if _, ok := e.Fields["veil_probe"]; ok {
				t.Fatalf("%s: the probe is left in the stream at %s", tc.desc, e.ID)
			}
			fids = append(fids, e.Fields["id"])
			if i := slices.Index(tc.ids, e.ID); i >= 0 && added[i] && fmt.Sprint(e.Fields) != fmt.Sprint(tc.entries[i]) {
				t.Fatalf("%s: entry %s is %v, want %v", tc.desc, e.ID, e.Fields, tc.entries[i])
			}
		}
		if !slices.Equal(fids, tc.stream) {
			t.Fatalf("%s: stream %q, want %q", tc.desc, fids, tc.stream)
		}
		if last, err := s.LastID(ctx, "audit"); err != nil || last != tc.lastID {
			t.Fatalf("%s: last id %q (%v), want %q", tc.desc, last, err, tc.lastID)
		}
	}
	if last, err := s.LastID(ctx, "nothing"); err != nil || last != "" {
		t.Errorf("a stream that does not exist: last id %q (%v), want none", last, err)
	}
	if _, _, err := s.AppendAt(ctx, "audit", "", []string{"9-1"}, map[string]string{}); err == nil {
		t.Error("an entry without fields was accepted")
	}
	if _, _, err := s.AppendAt(ctx, "audit", "", []string{"9-1", "9-2"}, entry("k")); err == nil {
		t.Error("two ids for one entry were accepted")
	}
}
