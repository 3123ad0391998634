package stream

import (
	"fmt"
	"io"
)

// TextReader applies a TextStreamer to a plain-text body (a chunked text/plain reply): each Read
// returns what the streamer emits for the bytes read so far, so text flows on as it arrives,
// minus what the streamer holds back.
type TextReader struct {
	src  io.Reader
	s    TextStreamer
	rbuf []byte
	out  string
	err  error
}

// NewTextReader returns a reader of src rewritten by s.
func NewTextReader(src io.Reader, s TextStreamer) *TextReader {
	return &TextReader{src: src, s: s}
}

// Read reads rewritten text.
func (r *TextReader) Read(p []byte) (int, error) {
	for {
		if r.out != "" {
			n := copy(p, r.out)
			r.out = r.out[n:]
			return n, nil
		}
		if r.err != nil {
			return 0, r.err
		}
		if r.rbuf == nil {
			r.rbuf = make([]byte, 8<<10)
		}
		n, err := r.src.Read(r.rbuf)
		if n > 0 {
			r.out = r.s.Write(string(r.rbuf[:n]))
		}
		switch {
		case err == io.EOF:
			r.out += r.s.Close()
			r.err = io.EOF
		case err != nil:
			r.err = fmt.Errorf("reading text body: %w", err)
		case n == 0:
			return 0, nil
		}
	}
}

// Close closes the source.
func (r *TextReader) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

var _ io.ReadCloser = (*TextReader)(nil)
