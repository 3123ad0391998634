package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Event is one block of a text/event-stream: the lines up to a blank line. Handlers read and change
// its fields; an event whose fields are left as parsed is written back byte for byte, any other is
// re-serialized (with "\n" line endings, fields in a fixed order, unknown fields dropped).
type Event struct {
	Type     string   // the "event" field; "" means "message"
	Data     string   // the "data" lines joined with "\n"
	ID       string   // the "id" field, when HasID
	HasID    bool     // an "id" field was present (an empty one resets the client's last event id)
	Retry    string   // the "retry" field verbatim, "" when absent
	Comments []string // comment lines, without the leading ':'

	hasData bool   // at least one "data" line was present, even if empty
	raw     []byte // the block's bytes as received; valid until the handler returns
	orig    eventFields
}

// eventFields is a snapshot of an Event's fields as parsed.
type eventFields struct {
	typ, data, id, retry string
	hasID                bool
	comments             []string
}

// unchanged reports whether ev still has the fields it was parsed with.
func (ev *Event) unchanged() bool {
	o := &ev.orig
	return ev.Type == o.typ && ev.Data == o.data && ev.ID == o.id && ev.HasID == o.hasID &&
		ev.Retry == o.retry && slices.Equal(ev.Comments, o.comments)
}

// AppendTo appends the serialized event, ending with its blank line: the original bytes when the
// event is unchanged, else its fields. Line breaks inside Type, ID and Retry become spaces; Data
// and comments with line breaks become several lines.
func (ev *Event) AppendTo(dst []byte) []byte {
	if ev.raw != nil && ev.unchanged() {
		return append(dst, ev.raw...)
	}
	for _, c := range ev.Comments {
		for line := range lines(c) {
			dst = append(append(append(dst, ':'), line...), '\n')
		}
	}
	dst = appendField(dst, "event", ev.Type, ev.Type != "")
	dst = appendField(dst, "id", ev.ID, ev.HasID)
	dst = appendField(dst, "retry", ev.Retry, ev.Retry != "")
	if ev.Data != "" || ev.hasData {
		for line := range lines(ev.Data) {
			dst = append(append(append(dst, "data: "...), line...), '\n')
		}
	}
	return append(dst, '\n')
}

func appendField(dst []byte, name, value string, present bool) []byte {
	if !present {
		return dst
	}
	dst = append(append(dst, name...), ": "...)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return append(dst, '\n')
}

// lines yields the lines of s split at "\r\n", "\r" and "\n"; "" yields one empty line.
func lines(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for {
			i := strings.IndexAny(s, "\r\n")
			if i < 0 {
				yield(s)
				return
			}
			if !yield(s[:i]) {
				return
			}
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			s = s[i+1:]
		}
	}
}

// EventHandler rewrites the events of a stream. HandleEvent appends the events to send in place of
// ev to out and returns it: append ev itself to pass it on (changed or not), nothing to drop it,
// or extra events before or after it. ev's raw bytes are only valid during the call, but keeping
// the *Event is safe.
type EventHandler interface {
	HandleEvent(ev *Event, out []*Event) ([]*Event, error)
}

// EventHandlerFunc adapts a function to EventHandler.
type EventHandlerFunc func(ev *Event, out []*Event) ([]*Event, error)

// HandleEvent calls f.
func (f EventHandlerFunc) HandleEvent(ev *Event, out []*Event) ([]*Event, error) { return f(ev, out) }

// StreamEnder is an optional ability of an EventHandler: EndStream is called once when the upstream
// stream ends cleanly, after the last event, to append events that still have to be sent.
type StreamEnder interface {
	EndStream(out []*Event) ([]*Event, error)
}

// DefaultMaxEventBytes is the largest event NewSSERewriter accepts when given maxEvent <= 0.
const DefaultMaxEventBytes = 1 << 20

// ErrEventTooLarge is returned by SSERewriter.Read when an event exceeds the size limit.
var ErrEventTooLarge = errors.New("server-sent event too large")

// SSERewriter parses a text/event-stream incrementally (WHATWG HTML, "Server-sent events": "\n",
// "\r\n" and "\r" line endings, a byte order mark at the start, input split at any byte) and hands
// each complete event to a handler. Read returns at event boundaries: each call returns bytes of
// one input event's output at most, as soon as the event's blank line has arrived, so a proxy
// that flushes after every write delivers each event without delay. Nothing beyond the current
// event is buffered. Blank lines that end no event pass through without the handler. An
// unterminated last event is still handed to the handler when the upstream ends (clients would
// drop it, but it is data all the same).
type SSERewriter struct {
	src io.Reader
	h   EventHandler
	max int

	in           []byte
	inPos, inEnd int
	srcDone      bool
	srcErr       error
	err          error // returned once out is drained

	blk       []byte // raw bytes of the current event
	lineStart int    // start of the current line in blk
	cr        crState
	crPass    bool // the event a crAfterEvent LF follows was written as received
	started   bool // past the stream's first line (and its byte order mark)

	ev    Event // fields of the current event
	data  []byte
	lines int // non-blank lines in the current event

	out    []byte
	outPos int
	evs    []*Event
}

// crState tracks a "\r" line ending whose possible "\n" has not been seen yet.
type crState uint8

const (
	crNone       crState = iota
	crInEvent            // it ended a field line: a following "\n" belongs to the event
	crAfterEvent         // it ended the event: a following "\n" is that event's last byte
)

// NewSSERewriter returns a reader of src rewritten by h, refusing events over maxEvent bytes
// (DefaultMaxEventBytes when maxEvent <= 0).
func NewSSERewriter(src io.Reader, h EventHandler, maxEvent int) *SSERewriter {
	if maxEvent <= 0 {
		maxEvent = DefaultMaxEventBytes
	}
	return &SSERewriter{src: src, h: h, max: maxEvent}
}

// Read reads rewritten stream bytes. It returns the upstream's error, ErrEventTooLarge or a
// handler's error once the output before it has been read.
func (r *SSERewriter) Read(p []byte) (int, error) {
	for {
		if r.outPos < len(r.out) {
			n := copy(p, r.out[r.outPos:])
			r.outPos += n
			if r.outPos == len(r.out) {
				r.out, r.outPos = r.out[:0], 0
			}
			return n, nil
		}
		if r.err != nil {
			return 0, r.err
		}
		switch {
		case r.inPos < r.inEnd:
			if err := r.process(); err != nil {
				r.err = err
			}
		case r.srcDone:
			r.err = r.finish()
		default:
			if r.in == nil {
				r.in = make([]byte, 16<<10)
			}
			n, err := r.src.Read(r.in)
			r.inPos, r.inEnd = 0, n
			if err != nil {
				r.srcDone = true
				if err != io.EOF {
					r.srcErr = fmt.Errorf("reading event stream: %w", err)
				}
			} else if n == 0 {
				return 0, nil
			}
		}
	}
}

// Close closes the upstream body.
func (r *SSERewriter) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// process consumes input until an event has been written to out or the input is used up.
func (r *SSERewriter) process() error {
	for r.inPos < r.inEnd {
		b := r.in[r.inPos:r.inEnd]
		if r.cr != crNone {
			cr := r.cr
			r.cr = crNone
			if b[0] == '\n' {
				r.inPos++
				if cr == crInEvent {
					r.blk = append(r.blk, '\n')
					r.lineStart = len(r.blk)
				} else if r.crPass {
					r.out = append(r.out, '\n')
				}
				continue
			}
		}
		i := indexLineEnd(b)
		if i < 0 {
			r.blk = append(r.blk, b...)
			r.inPos = r.inEnd
			return r.checkSize()
		}
		r.blk = append(r.blk, b[:i]...)
		r.inPos += i + 1
		r.stripBOM()
		line := r.blk[r.lineStart:]
		if err := r.checkSize(); err != nil {
			return err
		}
		r.blk = append(r.blk, b[i])
		if b[i] == '\r' {
			r.cr = crInEvent
		}
		if len(line) == 0 {
			if r.cr == crInEvent {
				r.cr = crAfterEvent
			}
			return r.dispatch()
		}
		r.field(line)
		r.lineStart = len(r.blk)
	}
	return nil
}

var bom = []byte("\xEF\xBB\xBF")

// stripBOM passes a byte order mark at the start of the stream on, out of the first line.
func (r *SSERewriter) stripBOM() {
	if r.started {
		return
	}
	r.started = true
	if bytes.HasPrefix(r.blk, bom) {
		r.out = append(r.out, bom...)
		r.blk = append(r.blk[:0], r.blk[len(bom):]...)
	}
}

func (r *SSERewriter) checkSize() error {
	if len(r.blk) > r.max {
		return ErrEventTooLarge
	}
	return nil
}

func indexLineEnd(b []byte) int {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			return i
		}
	}
	return -1
}

// field parses one non-blank line into the current event.
func (r *SSERewriter) field(line []byte) {
	r.lines++
	if line[0] == ':' {
		r.ev.Comments = append(r.ev.Comments, string(line[1:]))
		return
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if r.ev.hasData {
			r.data = append(r.data, '\n')
		}
		r.data = append(r.data, value...)
		r.ev.hasData = true
	case "event":
		r.ev.Type = string(value)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			r.ev.ID, r.ev.HasID = string(value), true
		}
	case "retry":
		r.ev.Retry = string(value)
	}
}

// dispatch hands the current event to the handler and writes what it returns.
func (r *SSERewriter) dispatch() error {
	defer r.reset()
	if r.lines == 0 {
		// A blank line that ends no event.
		r.out = append(r.out, r.blk...)
		r.crPass = true
		return nil
	}
	ev := new(Event)
	*ev = r.ev
	ev.Data = string(r.data)
	ev.raw = r.blk
	ev.orig = eventFields{typ: ev.Type, data: ev.Data, id: ev.ID, retry: ev.Retry, hasID: ev.HasID,
		comments: slices.Clone(ev.Comments)}
	evs, err := r.h.HandleEvent(ev, r.evs[:0])
	if err != nil {
		ev.raw = nil
		return fmt.Errorf("handling server-sent event: %w", err)
	}
	r.write(evs, ev)
	return nil
}

// write serializes evs to out; passed is the input event, whose raw bytes expire now.
func (r *SSERewriter) write(evs []*Event, passed *Event) {
	r.crPass = false
	for i, e := range evs {
		r.out = e.AppendTo(r.out)
		r.crPass = i == len(evs)-1 && e.raw != nil && e.unchanged()
	}
	if passed != nil {
		passed.raw = nil
	}
	for i := range evs {
		evs[i].raw, evs[i] = nil, nil
	}
	r.evs = evs[:0]
}

func (r *SSERewriter) reset() {
	r.blk, r.lineStart, r.lines = r.blk[:0], 0, 0
	r.ev, r.data = Event{}, r.data[:0]
}

// finish handles an unterminated last event and the handler's end of stream.
func (r *SSERewriter) finish() error {
	if r.srcErr != nil {
		return r.srcErr
	}
	if len(r.blk) > 0 {
		r.stripBOM()
		if line := r.blk[r.lineStart:]; len(line) > 0 {
			r.field(line)
		}
		if err := r.dispatch(); err != nil {
			return err
		}
	}
	if se, ok := r.h.(StreamEnder); ok {
		evs, err := se.EndStream(r.evs[:0])
		if err != nil {
			return fmt.Errorf("ending event stream: %w", err)
		}
		r.write(evs, nil)
	}
	return io.EOF
}

var (
	_ io.ReadCloser = (*SSERewriter)(nil)
	_ EventHandler  = EventHandlerFunc(nil)
)
