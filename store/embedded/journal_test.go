package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/veil-privacy/veil/store"
)

// withAbsorbDelay sets how long the absorber waits before moving journaled entries into bbolt;
// an hour keeps them in the journal for the whole test.
func withAbsorbDelay(d time.Duration) Option { return func(s *Store) { s.absorbDelay = d } }

// crash stops the store like a killed process: nothing pending is absorbed, nothing flushed.
func (s *Store) crash() {
	s.closeOnce.Do(func() {
		s.streams.stopAppends()
		close(s.streams.quit)
		s.streams.wg.Wait()
		_ = s.streams.j.close()
		close(s.stop)
		s.wg.Wait()
		_ = s.db.Close()
		s.closeErr = errClosed
	})
}

// diskEntries counts a stream's entries in bbolt itself (not the journal).
func diskEntries(t *testing.T, s *Store, stream string) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(bucketStreams).Bucket([]byte(stream)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// appendN appends n entries one call at a time and returns what it appended, by id.
func appendN(t *testing.T, s *Store, stream string, n, size int) ([]string, map[string]string) {
	t.Helper()
	var ids []string
	vals := map[string]string{}
	for i := range n {
		v := fmt.Sprintf("%s-%d-", stream, i) + strings.Repeat("x", size)
		got, err := s.Append(context.Background(), stream, map[string]string{"v": v})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		ids = append(ids, got[0])
		vals[got[0]] = v
	}
	return ids, vals
}

// checkStream asserts a stream holds exactly ids, in order, with their values.
func checkStream(t *testing.T, s *Store, stream string, ids []string, vals map[string]string) {
	t.Helper()
	got, err := s.Range(context.Background(), stream, "-", "+", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%s: %d entries, want %d", stream, len(got), len(ids))
	}
	for i, e := range got {
		if e.ID != ids[i] || e.Fields["v"] != vals[ids[i]] {
			t.Fatalf("%s entry %d: %s %.20q, want %s %.20q", stream, i, e.ID, e.Fields["v"], ids[i], vals[ids[i]])
		}
	}
}

func TestJournalRecoversAfterCrash(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s := openAt(t, path, withAbsorbDelay(time.Hour))
	idsA, valsA := appendN(t, s, "a", 50, 10)
	idsB, valsB := appendN(t, s, "b", 30, 10)
	if n := diskEntries(t, s, "a"); n != 0 {
		t.Fatalf("%d entries absorbed already; the test needs them in the journal", n)
	}
	checkStream(t, s, "a", idsA, valsA) // served from the journal
	s.crash()

	s = openAt(t, path, withAbsorbDelay(time.Hour))
	if n := diskEntries(t, s, "a") + diskEntries(t, s, "b"); n != 80 {
		t.Fatalf("%d entries in the store file after recovery, want 80", n)
	}
	checkStream(t, s, "a", idsA, valsA)
	checkStream(t, s, "b", idsB, valsB)
	next, _ := appendN(t, s, "a", 1, 1)
	if store.CompareIDs(next[0], idsA[len(idsA)-1]) <= 0 {
		t.Fatalf("id %s after recovery does not follow %s", next[0], idsA[len(idsA)-1])
	}
	// Recovering twice (a crash right after recovery) changes nothing.
	s.crash()
	s = openAt(t, path)
	checkStream(t, s, "b", idsB, valsB)
	if got, _ := s.Range(context.Background(), "a", "-", "+", 0); len(got) != 51 {
		t.Fatalf("%d entries after the second recovery, want 51", len(got))
	}
}

func TestJournalIgnoresTornTail(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s := openAt(t, path, withAbsorbDelay(time.Hour))
	ids, vals := appendN(t, s, "a", 20, 10)
	off := s.streams.j.off
	s.crash()

	// A record cut short by the crash: a plausible length, a CRC of nothing in particular.
	f, err := os.OpenFile(path+journalSuffix, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := appendRecord(nil, 99, "a", []pendingEntry{{id: store.ID{MS: 1 << 50}, fields: encodeFields(map[string]string{"v": "torn"})}})
	if _, err := f.WriteAt(torn[:len(torn)-3], off); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	s = openAt(t, path, withAbsorbDelay(time.Hour))
	checkStream(t, s, "a", ids, vals)
	more, moreVals := appendN(t, s, "a", 5, 10)
	s.crash()
	s = openAt(t, path)
	for k, v := range moreVals {
		vals[k] = v
	}
	checkStream(t, s, "a", append(ids, more...), vals)
}

func TestJournalStartsOverWhenFull(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	// 64 KiB of journal and no absorber: every ~300 appends the journal is full, bbolt takes
	// everything and the journal starts a new epoch.
	s := openAt(t, path, WithJournalSize(64<<10), withAbsorbDelay(time.Hour))
	epoch := s.streams.j.epoch
	ids, vals := appendN(t, s, "a", 1000, 150)
	if s.streams.j.epoch < epoch+3 {
		t.Fatalf("journal epoch %d → %d: it did not start over", epoch, s.streams.j.epoch)
	}
	if fi, err := os.Stat(path + journalSuffix); err != nil || fi.Size() > 64<<10 {
		t.Fatalf("journal file: %v, %v (cap 64 KiB)", fi.Size(), err)
	}
	checkStream(t, s, "a", ids, vals)
	s.crash()
	s = openAt(t, path, WithJournalSize(64<<10))
	checkStream(t, s, "a", ids, vals)
}

func TestJournalStaysSmall(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	// With the absorber keeping up, the journal starts over once past restartAt and stays within
	// its first chunk or two.
	s := openAt(t, path, withAbsorbDelay(0))
	epoch := s.streams.j.epoch
	ids, vals := appendN(t, s, "a", 3000, 300)
	if s.streams.j.epoch == epoch {
		t.Fatal("the journal never started over")
	}
	if fi, err := os.Stat(path + journalSuffix); err != nil || fi.Size() > recordsStart+2*journalChunk {
		t.Fatalf("journal file: %v, %v", fi.Size(), err)
	}
	s.crash()
	s = openAt(t, path)
	checkStream(t, s, "a", ids, vals)
}

func TestJournalLargeBatchBypasses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s := openAt(t, path, WithJournalSize(16<<10), withAbsorbDelay(time.Hour))
	ids, vals := appendN(t, s, "a", 3, 10)
	big := make([]map[string]string, 40)
	for i := range big {
		big[i] = map[string]string{"v": fmt.Sprintf("big-%d-%s", i, strings.Repeat("y", 1000))}
	}
	bigIDs, err := s.Append(context.Background(), "a", big...)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range bigIDs {
		vals[id] = big[i]["v"]
	}
	more, moreVals := appendN(t, s, "a", 3, 10)
	for k, v := range moreVals {
		vals[k] = v
	}
	all := append(append(ids, bigIDs...), more...)
	checkStream(t, s, "a", all, vals)
	s.crash()
	s = openAt(t, path)
	checkStream(t, s, "a", all, vals)
	next, _ := appendN(t, s, "a", 1, 1)
	if store.CompareIDs(next[0], all[len(all)-1]) <= 0 {
		t.Fatalf("id %s does not follow %s", next[0], all[len(all)-1])
	}
}

func TestJournalRangeMergesPendingAndStored(t *testing.T) {
	t.Parallel()
	s := openAt(t, filepath.Join(t.TempDir(), FileName), withAbsorbDelay(time.Hour))
	ids, vals := appendN(t, s, "a", 10, 1)
	if err := s.absorb(context.Background()); err != nil {
		t.Fatal(err)
	}
	more, moreVals := appendN(t, s, "a", 10, 1)
	for k, v := range moreVals {
		vals[k] = v
	}
	all := append(ids, more...)
	after, err := store.NextID(all[19])
	if err != nil {
		t.Fatal(err)
	}
	if diskEntries(t, s, "a") != 10 {
		t.Fatal("the test needs half the entries stored and half pending")
	}
	checkStream(t, s, "a", all, vals)
	for _, tc := range []struct {
		from, to string
		limit    int
		want     []string
	}{
		{"-", "+", 5, all[:5]},
		{"-", "+", 12, all[:12]},
		{all[8], all[11], 0, all[8:12]},
		{all[12], "+", 3, all[12:15]},
		{after, "+", 0, nil},
	} {
		got, err := s.Range(context.Background(), "a", tc.from, tc.to, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, e := range got {
			gotIDs = append(gotIDs, e.ID)
		}
		if fmt.Sprint(gotIDs) != fmt.Sprint(tc.want) {
			t.Errorf("Range(%s, %s, %d) = %v, want %v", tc.from, tc.to, tc.limit, gotIDs, tc.want)
		}
	}
	// Trimming sees pending entries too.
	n, err := s.TrimBefore(context.Background(), "a", time.Now().Add(time.Hour))
	if err != nil || n != 20 {
		t.Fatalf("TrimBefore = %d, %v; want 20", n, err)
	}
}

func TestJournalHeader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	s := openAt(t, path)
	ids, vals := appendN(t, s, "a", 3, 1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A deleted journal (everything was absorbed at Close) is created again.
	if err := os.Remove(path + journalSuffix); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	checkStream(t, s, "a", ids, vals)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Both header slots damaged: Open refuses rather than guess.
	f, err := os.OpenFile(path+journalSuffix, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xff}, 2*headerSlot), 0); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if _, err := Open(path); !errors.Is(err, errJournalHeader) {
		t.Fatalf("Open with a damaged journal header: %v", err)
	}
}

func TestJournalWriteFailure(t *testing.T) {
	t.Parallel()
	s := openAt(t, filepath.Join(t.TempDir(), FileName), withAbsorbDelay(time.Hour))
	ids, vals := appendN(t, s, "a", 3, 1)
	_ = s.streams.j.f.Close() // every write fails from now on
	if _, err := s.Append(context.Background(), "a", map[string]string{"v": "lost"}); err == nil {
		t.Fatal("Append succeeded with an unwritable journal")
	}
	if _, err := s.Append(context.Background(), "a", map[string]string{"v": "lost"}); err == nil {
		t.Fatal("second Append succeeded with an unwritable journal")
	}
	checkStream(t, s, "a", ids, vals)
}

func FuzzJournalRecord(f *testing.F) {
	f.Add(appendRecord(nil, 1, "veil:audit", []pendingEntry{{id: store.ID{MS: 5, Seq: 1}, fields: encodeFields(map[string]string{"k": "v"})}})[recordHeader:])
	f.Add([]byte{})
	f.Add([]byte{1, 'a', 2, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		rec, ok := parseRecord(payload)
		if !ok {
			return
		}
		again := appendRecord(nil, 7, rec.stream, rec.entries)[recordHeader:]
		if !bytes.Equal(again, payload) {
			// Uvarints have more than one encoding; a re-encoded record must parse the same.
			rec2, ok := parseRecord(again)
			if !ok || rec2.stream != rec.stream || len(rec2.entries) != len(rec.entries) {
				t.Fatalf("re-encoded record parses differently")
			}
		}
	})
}

// TestJournalConcurrent runs appenders, readers and the absorber together on a journal small
// enough to start over every few hundred appends (run with -race): every acknowledged entry is
// read back once, in id order, before and after a crash.
func TestJournalConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s := openAt(t, path, WithJournalSize(32<<10), withAbsorbDelay(time.Millisecond))
	const writers, each = 4, 150
	ctx := context.Background()
	var wg sync.WaitGroup
	acked := make([][]string, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ids, err := s.Append(ctx, "a", map[string]string{"v": fmt.Sprintf("%d-%d-%s", w, i, strings.Repeat("z", 80))})
				if err != nil {
					t.Errorf("append: %v", err)
					return
				}
				acked[w] = append(acked[w], ids[0])
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			got, err := s.Range(ctx, "a", "-", "+", 0)
			if err != nil {
				t.Errorf("range: %v", err)
				return
			}
			for i := 1; i < len(got); i++ {
				if store.CompareIDs(got[i-1].ID, got[i].ID) >= 0 {
					t.Errorf("range out of order or duplicated: %s then %s", got[i-1].ID, got[i].ID)
					return
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	readers.Wait()

	check := func(s *Store) {
		t.Helper()
		got, err := s.Range(ctx, "a", "-", "+", 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range got {
			seen[e.ID] = true
		}
		n := 0
		for _, ids := range acked {
			for _, id := range ids {
				n++
				if !seen[id] {
					t.Fatalf("acknowledged entry %s is missing", id)
				}
			}
		}
		if len(got) != n {
			t.Fatalf("%d entries, %d acknowledged", len(got), n)
		}
	}
	check(s)
	if s.streams.j.epoch < 3 {
		t.Fatalf("journal epoch %d: it never started over", s.streams.j.epoch)
	}
	s.crash()
	check(openAt(t, path))
}
