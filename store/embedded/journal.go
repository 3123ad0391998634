package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/veil-privacy/veil/internal/durable"
	"github.com/veil-privacy/veil/store"
)

// The stream journal. A stream append must be durable before Append returns (the audit trail is
// acknowledged before a message is forwarded), and a bbolt commit costs two fdatasyncs plus page
// writes. Appends go instead to a journal: one preallocated file that is only ever overwritten in
// place, so a batch costs one write and one fdatasync that has no file metadata to flush (about
// 0.1 ms against bbolt's 0.25 ms on this project's machines). A background absorber moves
// journaled entries into bbolt in large batches and records, in the same transaction, how far it
// got; Open replays what a crash left unabsorbed (streamlog.go).
//
// Layout of <store file>.journal:
//
//	Two header slots of 512 bytes, at offsets 0 and 512: "VEILJNL1", the epoch (u64 LE), a CRC-32C
//	of both. Epoch e is written to slot e%2, so a torn header write leaves the previous one whole.
//	Records from offset 4096: payload length (u32 LE), CRC-32C of epoch||payload (u32 LE), payload:
//	uvarint stream name length, name, uvarint entry count, and per entry its 16-byte id, uvarint
//	fields length, fields (encodeFields).
//
// A record whose CRC does not match under the current epoch ends the log: it is torn, or it is
// left over from an earlier epoch. The journal starts a new epoch (records from the beginning
// again) only when bbolt holds everything in it.
const (
	journalMagic    = "VEILJNL1"
	journalSuffix   = ".journal"
	headerSlot      = 512
	recordsStart    = 4096
	recordHeader    = 8
	journalChunk    = 1 << 20  // the file grows by zero-filled chunks of this size
	journalMaxBytes = 64 << 20 // beyond this, the journal waits for the absorber and starts over
	maxRecord       = 16 << 20 // larger batches bypass the journal
)

var (
	crcTable          = crc32.MakeTable(crc32.Castagnoli)
	errJournalHeader  = errors.New("store journal header is damaged")
	errJournalTooSlow = errors.New("store journal is full and bbolt could not take its entries")
)

// journal is the open journal file. Only the stream log's writer uses it (Open, before that).
type journal struct {
	f     *os.File
	epoch uint64
	// off is where the next record goes; zeroed is how much of the file has been written (zeros or
	// records), so that writing below it allocates nothing.
	off, zeroed int64
	max         int64
	// broken: a write failed, so what follows off is unknown; the next write starts a new epoch.
	broken bool
}

// journalRecord is one decoded record: a batch of entries for one stream.
type journalRecord struct {
	stream  string
	entries []pendingEntry
	epoch   uint64 // the journal's epoch when the record was written
	end     int64  // offset after the record
}

// pendingEntry is a stream entry with its fields already encoded.
type pendingEntry struct {
	id     store.ID
	fields []byte
}

// openJournal opens the journal at path, creating it with epoch firstEpoch if it does not exist.
func openJournal(path string, firstEpoch uint64, max int64) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening store journal: %w", err)
	}
	j := &journal{f: f, max: max}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("opening store journal: %w", err)
	}
	if fi.Size() == 0 {
		err = j.create(firstEpoch, path)
	} else {
		j.zeroed = fi.Size()
		j.epoch, err = j.readHeader()
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	j.off = recordsStart
	return j, nil
}

// create writes a new journal: zeros, then the header, made durable with the directory entry.
func (j *journal) create(epoch uint64, path string) error {
	if err := j.grow(min(j.max, recordsStart+journalChunk)); err != nil {
		return err
	}
	if err := j.writeHeader(epoch); err != nil {
		return err
	}
	if err := durable.Dir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("creating store journal: %w", err)
	}
	return nil
}

// readHeader returns the epoch of the newer valid header slot.
func (j *journal) readHeader() (uint64, error) {
	var buf [2 * headerSlot]byte
	if _, err := j.f.ReadAt(buf[:], 0); err != nil {
		return 0, fmt.Errorf("reading store journal header: %w", err)
	}
	var epoch uint64
	found := false
	for slot := 0; slot < 2; slot++ {
		h := buf[slot*headerSlot:]
		if string(h[:8]) != journalMagic || crc32.Checksum(h[:16], crcTable) != binary.LittleEndian.Uint32(h[16:]) {
			continue
		}
		e := binary.LittleEndian.Uint64(h[8:])
		if int(e%2) != slot {
			continue
		}
		if !found || e > epoch {
			epoch, found = e, true
		}
	}
	if !found {
		return 0, errJournalHeader
	}
	return epoch, nil
}

// writeHeader makes epoch current: written to its slot and synced.
func (j *journal) writeHeader(epoch uint64) error {
	var h [20]byte
	copy(h[:], journalMagic)
	binary.LittleEndian.PutUint64(h[8:], epoch)
	binary.LittleEndian.PutUint32(h[16:], crc32.Checksum(h[:16], crcTable))
	if _, err := j.f.WriteAt(h[:], int64(epoch%2)*headerSlot); err != nil {
		return fmt.Errorf("writing store journal header: %w", err)
	}
	if err := durable.Data(j.f); err != nil {
		return fmt.Errorf("syncing store journal header: %w", err)
	}
	j.epoch = epoch
	return nil
}

// restart begins the next epoch: records start from the beginning again. The caller guarantees
// that bbolt holds every record of the current epoch.
func (j *journal) restart() error {
	if err := j.writeHeader(j.epoch + 1); err != nil {
		return err
	}
	j.off, j.broken = recordsStart, false
	return nil
}

// grow zero-fills the file up to size bytes and syncs it with its new size.
func (j *journal) grow(size int64) error {
	var zeros [64 << 10]byte
	for j.zeroed < size {
		n := min(int64(len(zeros)), size-j.zeroed)
		if _, err := j.f.WriteAt(zeros[:n], j.zeroed); err != nil {
			return fmt.Errorf("growing store journal: %w", err)
		}
		j.zeroed += n
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("growing store journal: %w", err)
	}
	return nil
}

// fits reports whether n more bytes fit in the journal without starting over.
func (j *journal) fits(n int64) bool { return j.off+n <= j.max }

// write appends records (appendRecord's output) at off and syncs them.
func (j *journal) write(recs []byte) error {
	n := int64(len(recs))
	if j.off+n > j.zeroed {
		if err := j.grow(min(j.max, max(j.off+n, j.zeroed+journalChunk))); err != nil {
			j.broken = true
			return err
		}
	}
	if _, err := j.f.WriteAt(recs, j.off); err != nil {
		j.broken = true
		return fmt.Errorf("writing store journal: %w", err)
	}
	if err := durable.Data(j.f); err != nil {
		j.broken = true
		return fmt.Errorf("syncing store journal: %w", err)
	}
	j.off += n
	return nil
}

// appendRecord appends one record for entries of stream, under epoch, to buf.
func appendRecord(buf []byte, epoch uint64, stream string, entries []pendingEntry) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, recordHeader)...)
	buf = binary.AppendUvarint(buf, uint64(len(stream)))
	buf = append(buf, stream...)
	buf = binary.AppendUvarint(buf, uint64(len(entries)))
	for _, e := range entries {
		buf = binary.BigEndian.AppendUint64(buf, e.id.MS)
		buf = binary.BigEndian.AppendUint64(buf, e.id.Seq)
		buf = binary.AppendUvarint(buf, uint64(len(e.fields)))
		buf = append(buf, e.fields...)
	}
	payload := buf[start+recordHeader:]
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[start+4:], recordCRC(epoch, payload))
	return buf
}

func recordCRC(epoch uint64, payload []byte) uint32 {
	var e [8]byte
	binary.LittleEndian.PutUint64(e[:], epoch)
	return crc32.Update(crc32.Checksum(e[:], crcTable), crcTable, payload)
}

// records reads the current epoch's records from offset from on, calling fn for each, and returns
// the offset where the log ends (the first record that is torn, stale or absent).
func (j *journal) records(from int64, fn func(journalRecord) error) (int64, error) {
	r := io.NewSectionReader(j.f, 0, j.zeroed)
	off := from
	var hdr [recordHeader]byte
	var payload []byte
	for {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return off, nil // end of file
		}
		n := int64(binary.LittleEndian.Uint32(hdr[:]))
		if n == 0 || n > maxRecord || off+recordHeader+n > j.zeroed {
			return off, nil
		}
		payload = append(payload[:0], make([]byte, n)...)
		if _, err := r.ReadAt(payload, off+recordHeader); err != nil {
			return off, nil
		}
		if recordCRC(j.epoch, payload) != binary.LittleEndian.Uint32(hdr[4:]) {
			return off, nil
		}
		rec, ok := parseRecord(payload)
		if !ok {
			// The CRC matched what was written: this is a bug, not a torn write.
			return off, fmt.Errorf("store journal record at offset %d does not parse", off)
		}
		off += recordHeader + n
		rec.epoch, rec.end = j.epoch, off
		if err := fn(rec); err != nil {
			return off, err
		}
	}
}

// parseRecord decodes a record's payload. The fields stay encoded (copied out of p).
func parseRecord(p []byte) (journalRecord, bool) {
	var rec journalRecord
	next := func() ([]byte, bool) {
		l, w := binary.Uvarint(p)
		if w <= 0 || l > uint64(len(p)-w) {
			return nil, false
		}
		b := p[w : w+int(l)]
		p = p[w+int(l):]
		return b, true
	}
	name, ok := next()
	if !ok || len(name) == 0 {
		return rec, false
	}
	rec.stream = string(name)
	n, w := binary.Uvarint(p)
	if w <= 0 || n > uint64(len(p)) {
		return rec, false
	}
	p = p[w:]
	rec.entries = make([]pendingEntry, 0, n)
	for range n {
		if len(p) < 16 {
			return rec, false
		}
		id := store.ID{MS: binary.BigEndian.Uint64(p), Seq: binary.BigEndian.Uint64(p[8:])}
		p = p[16:]
		f, ok := next()
		if !ok {
			return rec, false
		}
		rec.entries = append(rec.entries, pendingEntry{id: id, fields: append([]byte(nil), f...)})
	}
	return rec, len(p) == 0
}

func (j *journal) close() error { return j.f.Close() }
