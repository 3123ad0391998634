package stream

import (
	"bytes"
	"fmt"
	"io"
)

// DefaultMaxHTMLTail bounds how much of a page HTMLInjector holds after a "</body": past it, the
// snippet goes before that "</body" even if another one follows later.
const DefaultMaxHTMLTail = 64 << 10

// HTMLInjector is a reader of an HTML document (already decoded: no Content-Encoding) with a
// snippet inserted before its last "</body" end tag (ASCII case-insensitive, followed by
// whitespace, '/', '>' or the end of the document), or at the end when there is none. It streams:
// before the first "</body" it holds back only the few bytes that could start one; from a
// "</body" on it holds the tail until the next one, the end, or DefaultMaxHTMLTail bytes (then the
// snippet goes before the "</body" being held). Tags inside comments or scripts are not told apart.
type HTMLInjector struct {
	src     io.Reader
	snippet []byte
	maxTail int

	rbuf     []byte
	buf      []byte // not yet emitted: a partial "</body" or, when held, the tail from a "</body"
	held     bool   // buf starts with the latest "</body"
	scanFrom int    // in buf, where the search for the next "</body" resumes
	done     bool   // the snippet is out: pass the rest through
	out      []byte
	outPos   int
	borrowed bool // out is a view of rbuf
	err      error
}

// NewHTMLInjector returns a reader of src with snippet inserted.
func NewHTMLInjector(src io.Reader, snippet []byte) *HTMLInjector {
	return &HTMLInjector{src: src, snippet: snippet, maxTail: DefaultMaxHTMLTail}
}

// Read reads the document with the snippet inserted.
func (h *HTMLInjector) Read(p []byte) (int, error) {
	for {
		if h.outPos < len(h.out) {
			n := copy(p, h.out[h.outPos:])
			if h.outPos += n; h.outPos == len(h.out) {
				h.out, h.outPos = h.out[:0], 0
				if h.borrowed {
					h.out, h.borrowed = nil, false
				}
			}
			return n, nil
		}
		if h.err != nil {
			return 0, h.err
		}
		if h.done && len(p) > 0 {
			// Nothing held any more: read straight into p.
			n, err := h.src.Read(p)
			if err != nil {
				h.err = h.wrap(err)
			}
			if n > 0 || err != nil {
				return n, h.err
			}
			return 0, nil
		}
		if h.rbuf == nil {
			h.rbuf = make([]byte, 16<<10)
		}
		// A partial "</body" kept from the last read goes in front of the new bytes, so that
		// feed can pass the whole chunk on without copying it.
		off := 0
		if !h.held && !h.done {
			off = copy(h.rbuf, h.buf)
			h.buf = h.buf[:0]
		}
		n, err := h.src.Read(h.rbuf[off:])
		h.feed(h.rbuf[:off+n])
		if err != nil {
			if err == io.EOF {
				h.finish()
			}
			h.err = h.wrap(err)
		} else if n == 0 {
			return 0, nil
		}
	}
}

func (h *HTMLInjector) wrap(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return fmt.Errorf("reading HTML document: %w", err)
}

// Close closes the source.
func (h *HTMLInjector) Close() error {
	if c, ok := h.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// feed takes the next bytes of the document. out is empty when it is called.
func (h *HTMLInjector) feed(data []byte) {
	if h.done {
		h.out = append(h.out, data...)
		return
	}
	if !h.held && len(h.buf) == 0 {
		// The common case, nothing held: out borrows the bytes before the first "</body" (or
		// before a partial one) from data, capped so that appends copy, until Read has
		// returned them all; only the rest is copied to buf.
		n := indexBodyEnd(data, 0)
		if n < 0 {
			n = len(data) - partialBodyEnd(data)
		} else {
			h.held, h.scanFrom = true, 1
		}
		h.out, h.borrowed = data[:n:n], true
		h.buf = append(h.buf, data[n:]...)
		if !h.held {
			return
		}
	} else {
		h.buf = append(h.buf, data...)
	}
	for {
		m := indexBodyEnd(h.buf, h.scanFrom)
		if m < 0 {
			break
		}
		if h.held && m > h.maxTail {
			h.inject()
			return
		}
		h.emit(m)
		h.held, h.scanFrom = true, 1
	}
	p := partialBodyEnd(h.buf)
	if !h.held {
		h.emit(len(h.buf) - p)
		h.scanFrom = 0
		return
	}
	h.scanFrom = len(h.buf) - p
	if h.scanFrom > h.maxTail {
		h.inject()
	}
}

// emit moves buf[:n] to out.
func (h *HTMLInjector) emit(n int) {
	h.out = append(h.out, h.buf[:n]...)
	h.buf = h.buf[:copy(h.buf, h.buf[n:])]
}

// inject writes the snippet and everything held, and passes the rest through.
func (h *HTMLInjector) inject() {
	h.out = append(h.out, h.snippet...)
	h.out = append(h.out, h.buf...)
	h.buf, h.done = nil, true
}

// finish places the snippet at the end of the document.
func (h *HTMLInjector) finish() {
	if h.done {
		return
	}
	if n := len(h.buf) - len(bodyEnd); n >= 0 && n >= h.scanFrom && asciiFold(h.buf[n:], bodyEnd) {
		// A "</body" cut short by the end of the document counts too.
		if h.held && n > h.maxTail {
			h.inject()
			return
		}
		h.emit(n)
		h.held = true
	}
	if h.held {
		h.inject()
		return
	}
	h.out = append(h.out, h.buf...)
	h.buf = nil
	h.inject()
}

var bodyEnd = []byte("</body")

// indexBodyEnd returns the index of the first complete "</body" plus delimiter at or after from,
// -1 if there is none.
func indexBodyEnd(b []byte, from int) int {
	for i := from; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i <= len(bodyEnd) {
			return -1
		}
		if asciiFold(b[i:i+len(bodyEnd)], bodyEnd) && tagNameEnd(b[i+len(bodyEnd)]) {
			return i
		}
		i++
	}
	return -1
}

// tagNameEnd reports whether c ends a tag name in the HTML tokenizer.
func tagNameEnd(c byte) bool {
	switch c {
	case '\t', '\n', '\f', '\r', ' ', '/', '>':
		return true
	}
	return false
}

// partialBodyEnd returns the length of the longest suffix of b that could be the start of a
// "</body" and its delimiter.
func partialBodyEnd(b []byte) int {
	for k := min(len(bodyEnd), len(b)); k > 0; k-- {
		if asciiFold(b[len(b)-k:], bodyEnd[:k]) {
			return k
		}
	}
	return 0
}

// asciiFold reports whether b equals lower, a lower-case ASCII string, ignoring ASCII case.
func asciiFold(b, lower []byte) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

var _ io.ReadCloser = (*HTMLInjector)(nil)
