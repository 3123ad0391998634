package redisstore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/redistest"
)

func TestAppendAfter(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	t.Run("standalone", func(t *testing.T) {
		t.Parallel()
		checkAppendAfter(t, newStore(t, srv.Client()))
	})
	t.Run("cluster", func(t *testing.T) {
		t.Parallel()
		cl := redistest.StartCluster(t, 3)
		checkAppendAfter(t, newConfigStore(t, store.RedisConfig{Addrs: cl.Addrs()}))
	})
}

// checkAppendAfter appends in steps and checks each is written only where its condition holds.
func checkAppendAfter(t *testing.T, s *Store) {
	ctx := context.Background()
	entry := func(id string) map[string]string { return map[string]string{"id": id, "k": "v " + id} }
	for _, tc := range []struct {
		desc    string
		last    string
		entries []map[string]string
		ok      bool
		stream  []string // the stream's ids ("id" fields) afterwards
	}{
		{"on an empty stream, a batch that follows something", "a", []map[string]string{entry("b")}, false, nil},
		{"on an empty stream, a first batch", "", []map[string]string{entry("a"), entry("b")}, true, []string{"a", "b"}},
		{"empty again: refused once the stream has entries", "", []map[string]string{entry("c")}, false, []string{"a", "b"}},
		{"a batch that follows an entry before the last", "a", []map[string]string{entry("c")}, false, []string{"a", "b"}},
		{"a batch that follows the last entry", "b", []map[string]string{entry("c")}, true, []string{"a", "b", "c"}},
		{"the same batch again (a retry)", "b", []map[string]string{entry("c")}, false, []string{"a", "b", "c"}},
		{"several entries of different sizes", "c", []map[string]string{entry("d"), {"id": "e"}, entry("f")}, true, []string{"a", "b", "c", "d", "e", "f"}},
		{"an entry without the field ends the stream", "f", []map[string]string{{"other": "x"}}, true, []string{"a", "b", "c", "d", "e", "f", ""}},
		{"then nothing follows it", "", []map[string]string{entry("g")}, false, []string{"a", "b", "c", "d", "e", "f", ""}},
	} {
		ids, ok, err := s.AppendAfter(ctx, "audit", "id", tc.last, tc.entries...)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if ok != tc.ok {
			t.Fatalf("%s: ok %v, want %v", tc.desc, ok, tc.ok)
		}
		if ok && len(ids) != len(tc.entries) {
			t.Fatalf("%s: %d ids for %d entries", tc.desc, len(ids), len(tc.entries))
		}
		got, err := s.Range(ctx, "audit", "-", "+", 0)
		if err != nil {
			t.Fatal(err)
		}
		var fids []string
		for i, e := range got {
			fids = append(fids, e.Fields["id"])
			if i > 0 && store.CompareIDs(got[i-1].ID, e.ID) >= 0 {
				t.Fatalf("%s: ids out of order: %s then %s", tc.desc, got[i-1].ID, e.ID)
			}
		}
		if !slices.Equal(fids, tc.stream) {
			t.Fatalf("%s: stream %q, want %q", tc.desc, fids, tc.stream)
		}
		if ok {
			tail := got[len(got)-len(ids):]
			for i, id := range ids {
				if tail[i].ID != id || fmt.Sprint(tail[i].Fields) != fmt.Sprint(tc.entries[i]) {
					t.Fatalf("%s: entry %d is %s %v, want %s %v", tc.desc, i, tail[i].ID, tail[i].Fields, id, tc.entries[i])
				}
			}
		}
	}
	if _, _, err := s.AppendAfter(ctx, "audit", "id", "", map[string]string{}); err == nil {
		t.Error("an entry without fields was accepted")
	}
}
