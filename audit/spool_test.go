package audit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func spoolEntries(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{fID: "e" + strconv.Itoa(i), fType: string(MessageForwarded), fSeq: strconv.Itoa(i + 1)}
	}
	return out
}

func TestSpoolRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, lost, err := openSpool(dir, 1<<20)
	if err != nil || lost != 0 {
		t.Fatal(err, lost)
	}
	if err := s.write("17-3", spoolEntries(3)); err != nil {
		t.Fatal(err)
	}
	if err := s.write("17-3", spoolEntries(2)); err != nil {
		t.Fatal(err)
	}
	s.close()

	s, lost, err = openSpool(dir, 1<<20)
	if err != nil || lost != 0 {
		t.Fatal(err, lost)
	}
	defer s.close()
	if s.depth() != 5 || s.after() != "17-3" || s.lastEvent()[fID] != "e1" {
		t.Fatalf("depth %d after %q last %v", s.depth(), s.after(), s.lastEvent())
	}
	got, off, err := s.read(4)
	if err != nil || len(got) != 4 || got[3][fID] != "e0" {
		t.Fatalf("read: %v %d %v", err, len(got), got)
	}
	if err := s.advance(off, 4); err != nil {
		t.Fatal(err)
	}
	got, off, err = s.read(4)
	if err != nil || len(got) != 1 || got[0][fID] != "e1" {
		t.Fatalf("read rest: %v %v", err, got)
	}
	if err := s.advance(off, 1); err != nil {
		t.Fatal(err)
	}
	if s.depth() != 0 || len(s.segs) != 0 {
		t.Errorf("depth %d segments %d", s.depth(), len(s.segs))
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
}

func TestSpoolCap(t *testing.T) {
	t.Parallel()
	s, _, err := openSpool(t.TempDir(), 600)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.write("", spoolEntries(2)); err != nil {
		t.Fatal(err)
	}
	err = s.write("", spoolEntries(20))
	if !errors.Is(err, errSpoolFull) {
		t.Fatalf("over the cap: %v", err)
	}
	if s.depth() != 2 {
		t.Errorf("a refused batch left events: depth %d", s.depth())
	}
}

// segmentBytes builds a segment file's content.
func segmentBytes(n int) []byte {
	b := appendSpoolRecord([]byte(spoolMagic), []byte(`{"after":"1-0"}`))
	for _, e := range spoolEntries(n) {
		b = appendSpoolRecord(b, appendCanonical(nil, e))
	}
	return b
}

func TestSpoolReader(t *testing.T) {
	t.Parallel()
	whole := segmentBytes(3)
	last := bytes.LastIndex(whole, []byte{'{', '"', 'i', 'd'}) - 8 // start of the last record
	for _, tc := range []struct {
		desc    string
		data    []byte
		events  int
		corrupt bool
	}{
		{"whole", whole, 3, false},
		{"torn inside the last payload", whole[:len(whole)-5], 2, false},
		{"torn inside the last frame header", whole[:last+3], 2, false},
		{"last record garbled (torn write)", append(append([]byte{}, whole[:len(whole)-2]...), 'x', 'x'), 2, false},
		{"middle record garbled", func() []byte {
			b := append([]byte{}, whole...)
			b[last-3] ^= 0xff
			return b
		}(), 1, true},
		{"bad magic", append([]byte("XXXXXXXX"), whole[8:]...), 0, true},
		{"header only", segmentBytes(0), 0, false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, events, err := readSpool(tc.data)
			if tc.corrupt != (err != nil) {
				t.Fatalf("err %v, corrupt %v", err, tc.corrupt)
			}
			if err != nil && !errors.Is(err, errCorruptSpool) {
				t.Errorf("error is not errCorruptSpool: %v", err)
			}
			if len(events) != tc.events {
				t.Errorf("%d events, want %d", len(events), tc.events)
			}
		})
	}
}

// TestCorruptSegmentSetAside: a segment damaged in the middle is renamed *.corrupt at open and
// its events are reported lost, not replayed half-way.
func TestCorruptSegmentSetAside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := segmentBytes(3)
	b[len(spoolMagic)+30] ^= 0xff // inside the first event
	path := filepath.Join(dir, "0000000000000001"+spoolExt)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _, err := openSpool(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if s.depth() != 0 {
		t.Errorf("depth %d", s.depth())
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Errorf("not set aside: %v", err)
	}
}

func FuzzReadSpool(f *testing.F) {
	whole := segmentBytes(3)
	f.Add(whole)
	f.Add(whole[:len(whole)-7])
	f.Add(segmentBytes(0))
	f.Add([]byte(spoolMagic))
	f.Add(append([]byte(spoolMagic), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, events, err := readSpool(data)
		for _, e := range events {
			if len(e) == 0 {
				t.Fatal("an empty event was returned")
			}
		}
		// Truncating valid input anywhere never yields an error: a torn tail is not corruption.
		if err == nil && bytes.HasPrefix(whole, data) && len(data) >= len(spoolMagic) {
			if len(events) > 3 {
				t.Fatal("more events than written")
			}
		}
	})
}

// TestTornPrefixesOfValidSegment: every prefix of a valid segment reads without error (once the
// header is complete) and yields the events whose records are whole.
func TestTornPrefixesOfValidSegment(t *testing.T) {
	t.Parallel()
	whole := segmentBytes(4)
	_, all, err := readSpool(whole)
	if err != nil || len(all) != 4 {
		t.Fatal(err, len(all))
	}
	hdrEnd := len(spoolMagic) + 8 + len(`{"after":"1-0"}`)
	prev := 0
	for n := hdrEnd; n <= len(whole); n++ {
		_, events, err := readSpool(whole[:n])
		if err != nil {
			t.Fatalf("prefix %d: %v", n, err)
		}
		if len(events) < prev {
			t.Fatalf("prefix %d: fewer events (%d) than a shorter prefix", n, len(events))
		}
		prev = len(events)
	}
}
