package audit

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/veil-privacy/veil/internal/durable"
)

// The spool keeps events while the sink is unreachable. It is a directory of segment files, named
// by a sequence number, each:
//
//	"VEILSPL1" magic, then records: 4-byte little-endian payload length, 4-byte CRC-32C of the
//	payload, payload. The first record is the segment header ({"after":"<stream id>"}: the last
//	entry the sink had acknowledged when the segment began); every other record is one event's
//	stream entry fields in canonical JSON, hash included.
//
// Each batch is written with one write and one fsync. A torn final record (a crash mid-write) is
// ignored; damage anywhere else stops the reader with errCorruptSpool.
const (
	spoolMagic    = "VEILSPL1"
	spoolExt      = ".spool"
	maxSpoolRec   = 1 << 20
	segmentTarget = 64 << 20
)

var (
	errCorruptSpool = errors.New("corrupt spool segment")
	errSpoolFull    = errors.New("spool is full")
	crcTable        = crc32.MakeTable(crc32.Castagnoli)
)

// segment is one spool file.
type segment struct {
	path   string
	size   int64
	events int    // event records not yet replayed
	after  string // header: last stream id the sink had when the segment began
	last   map[string]string
}

// spool is the directory of segments. Only the writer goroutine uses it.
type spool struct {
	dir    string
	max    int64
	segs   []*segment // oldest first; the last one is appended to
	bytes  int64
	active *os.File
	// cursor is the byte offset of the next unreplayed record in segs[0]; 0 means after the header.
	cursor int64
	nextN  uint64
}

// openSpool opens dir, creating it (0700), and indexes the segments a previous run left.
// Segments that are damaged are renamed *.corrupt and reported in lost (events that cannot be
// replayed); the others are replayed.
func openSpool(dir string, max int64) (s *spool, lost int, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, fmt.Errorf("creating audit spool directory: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*"+spoolExt))
	if err != nil {
		return nil, 0, err
	}
	sort.Strings(names)
	s = &spool{dir: dir, max: max, nextN: 1}
	for _, name := range names {
		n, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(name), spoolExt), 10, 64)
		if err != nil {
			continue
		}
		if n >= s.nextN {
			s.nextN = n + 1
		}
		seg, err := indexSegment(name)
		if err != nil {
			lost += seg.events
			if rerr := os.Rename(name, name+".corrupt"); rerr != nil {
				return nil, lost, fmt.Errorf("setting aside corrupt audit spool segment: %w", rerr)
			}
			continue
		}
		if seg.events == 0 {
			_ = os.Remove(name)
			continue
		}
		s.segs = append(s.segs, seg)
		s.bytes += seg.size
	}
	return s, lost, nil
}

// indexSegment reads a segment to count its events and find its header and last event.
func indexSegment(path string) (*segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return &segment{path: path}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &segment{path: path}, err
	}
	seg := &segment{path: path, size: st.Size()}
	sr, err := newSpoolReader(f)
	if err != nil {
		return seg, err
	}
	seg.after = sr.after
	for {
		fields, err := sr.next()
		if err == io.EOF {
			return seg, nil
		}
		if err != nil {
			return seg, err
		}
		seg.events++
		seg.last = fields
	}
}

// depth is how many spooled events wait for replay.
func (s *spool) depth() int {
	n := 0
	for _, seg := range s.segs {
		n += seg.events
	}
	return n
}

// lastEvent returns the newest spooled event's fields, nil when the spool is empty.
func (s *spool) lastEvent() map[string]string {
	for i := len(s.segs) - 1; i >= 0; i-- {
		if s.segs[i].last != nil {
			return s.segs[i].last
		}
	}
	return nil
}

// after returns the stream id the oldest segment began after.
func (s *spool) after() string {
	if len(s.segs) == 0 {
		return ""
	}
	return s.segs[0].after
}

// write appends entries as one batch: one write, one fsync. On failure nothing of the batch stays.
func (s *spool) write(after string, entries []map[string]string) error {
	buf := make([]byte, 0, 512*len(entries))
	for _, e := range entries {
		buf = appendSpoolRecord(buf, appendCanonical(nil, e))
	}
	if s.bytes+int64(len(buf)) > s.max {
		return errSpoolFull
	}
	if s.active == nil || s.segs[len(s.segs)-1].size+int64(len(buf)) > min(segmentTarget, s.max) && s.segs[len(s.segs)-1].events > 0 {
		if err := s.rotate(after); err != nil {
			return err
		}
		if s.bytes+int64(len(buf)) > s.max {
			return errSpoolFull
		}
	}
	seg := s.segs[len(s.segs)-1]
	if _, err := s.active.Write(buf); err != nil {
		_ = s.active.Truncate(seg.size)
		return fmt.Errorf("writing audit spool: %w", err)
	}
	if err := s.active.Sync(); err != nil {
		// After a failed fsync the file's state is unknown: start a new segment for the next batch.
		_ = s.active.Truncate(seg.size)
		s.closeActive()
		return fmt.Errorf("syncing audit spool: %w", err)
	}
	seg.size += int64(len(buf))
	seg.events += len(entries)
	seg.last = entries[len(entries)-1]
	s.bytes += int64(len(buf))
	return nil
}

// rotate starts a new segment whose header records after.
func (s *spool) rotate(after string) error {
	s.closeActive()
	path := filepath.Join(s.dir, fmt.Sprintf("%016d%s", s.nextN, spoolExt))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("creating audit spool segment: %w", err)
	}
	hdr := appendSpoolRecord([]byte(spoolMagic), appendCanonical(nil, map[string]string{"after": after}))
	if _, err := f.Write(hdr); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("writing audit spool segment: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("syncing audit spool segment: %w", err)
	}
	if err := durable.Dir(s.dir); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("syncing audit spool directory: %w", err)
	}
	s.nextN++
	s.active = f
	s.segs = append(s.segs, &segment{path: path, size: int64(len(hdr)), after: after})
	s.bytes += int64(len(hdr))
	return nil
}

func (s *spool) closeActive() {
	if s.active != nil {
		_ = s.active.Close()
		s.active = nil
	}
}

// read returns up to n events from the replay cursor and the cursor after them. It does not move
// the cursor: call advance once the events are in the sink.
func (s *spool) read(n int) ([]map[string]string, int64, error) {
	for len(s.segs) > 0 && s.segs[0].events == 0 {
		if err := s.dropOldest(); err != nil {
			return nil, 0, err
		}
	}
	if len(s.segs) == 0 {
		return nil, 0, nil
	}
	f, err := os.Open(s.segs[0].path)
	if err != nil {
		return nil, 0, fmt.Errorf("reading audit spool: %w", err)
	}
	defer f.Close()
	sr, err := newSpoolReader(f)
	if err != nil {
		return nil, 0, err
	}
	if s.cursor > 0 {
		if _, err := f.Seek(s.cursor, io.SeekStart); err != nil {
			return nil, 0, fmt.Errorf("reading audit spool: %w", err)
		}
		sr.r.Reset(f)
		sr.off = s.cursor
	}
	var out []map[string]string
	for len(out) < n && len(out) < s.segs[0].events {
		fields, err := sr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, sr.off, err
		}
		out = append(out, fields)
	}
	return out, sr.off, nil
}

// advance moves the replay cursor past n replayed events ending at off, and deletes the oldest
// segment once it is fully replayed.
func (s *spool) advance(off int64, n int) error {
	s.cursor = off
	s.segs[0].events -= n
	if s.segs[0].events <= 0 {
		return s.dropOldest()
	}
	return nil
}

// dropOldest deletes the oldest segment (closing it first if it is the active one).
func (s *spool) dropOldest() error {
	seg := s.segs[0]
	if len(s.segs) == 1 {
		s.closeActive()
	}
	if err := os.Remove(seg.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing replayed audit spool segment: %w", err)
	}
	if err := durable.Dir(s.dir); err != nil {
		return fmt.Errorf("syncing audit spool directory: %w", err)
	}
	s.segs = s.segs[1:]
	s.bytes -= seg.size
	s.cursor = 0
	return nil
}

// dropCorrupt sets the oldest segment aside as *.corrupt and returns how many events it still held.
func (s *spool) dropCorrupt() int {
	seg := s.segs[0]
	if len(s.segs) == 1 {
		s.closeActive()
	}
	_ = os.Rename(seg.path, seg.path+".corrupt")
	s.segs = s.segs[1:]
	s.bytes -= seg.size
	s.cursor = 0
	return seg.events
}

func (s *spool) close() { s.closeActive() }

func appendSpoolRecord(b, payload []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(payload, crcTable))
	return append(b, payload...)
}

// spoolReader reads one segment's records.
type spoolReader struct {
	r     *bufio.Reader
	off   int64 // offset of the next record
	after string
}

// newSpoolReader checks the magic and reads the header record.
func newSpoolReader(r io.Reader) (*spoolReader, error) {
	sr := &spoolReader{r: bufio.NewReaderSize(r, 64<<10)}
	magic := make([]byte, len(spoolMagic))
	if _, err := io.ReadFull(sr.r, magic); err != nil || string(magic) != spoolMagic {
		return nil, fmt.Errorf("%w: bad magic", errCorruptSpool)
	}
	sr.off = int64(len(spoolMagic))
	payload, err := sr.record()
	if err != nil {
		if err == io.EOF {
			err = fmt.Errorf("%w: no header", errCorruptSpool)
		}
		return nil, err
	}
	var hdr map[string]string
	if err := json.Unmarshal(payload, &hdr); err != nil {
		return nil, fmt.Errorf("%w: bad header", errCorruptSpool)
	}
	sr.after = hdr["after"]
	return sr, nil
}

// next returns the next event's fields, io.EOF at the end (a torn final record included).
func (sr *spoolReader) next() (map[string]string, error) {
	payload, err := sr.record()
	if err != nil {
		return nil, err
	}
	var fields map[string]string
	if err := json.Unmarshal(payload, &fields); err != nil || len(fields) == 0 {
		return nil, fmt.Errorf("%w: record at offset %d is not an event", errCorruptSpool, sr.off)
	}
	return fields, nil
}

// record reads one framed record. A record cut short by the end of the file, or a checksum
// mismatch on the file's last record, is a torn write and reads as io.EOF.
func (sr *spoolReader) record() ([]byte, error) {
	var hdr [8]byte
	n, err := io.ReadFull(sr.r, hdr[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		_ = n
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(hdr[:4])
	sum := binary.LittleEndian.Uint32(hdr[4:])
	if size > maxSpoolRec {
		if _, perr := sr.r.Peek(1); perr == io.EOF && int64(size) > 0 {
			// Could be a torn length; nothing follows, so nothing is lost by stopping here.
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: record at offset %d claims %d bytes", errCorruptSpool, sr.off, size)
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(sr.r, payload); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, io.EOF
		}
		return nil, err
	}
	if crc32.Checksum(payload, crcTable) != sum {
		if _, perr := sr.r.Peek(1); perr == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: checksum mismatch at offset %d", errCorruptSpool, sr.off)
	}
	sr.off += 8 + int64(size)
	return payload, nil
}

// readSpool parses a whole segment: its header's after, its events, and an error if it is damaged
// anywhere but at the torn end. The fuzz target calls it.
func readSpool(data []byte) (after string, events []map[string]string, err error) {
	sr, err := newSpoolReader(bytes.NewReader(data))
	if err != nil {
		return "", nil, err
	}
	for {
		f, err := sr.next()
		if err == io.EOF {
			return sr.after, events, nil
		}
		if err != nil {
			return sr.after, events, err
		}
		events = append(events, f)
	}
}
