package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// evFields is what the tests compare of an Event.
type evFields struct {
	Type, Data, ID string
	HasID          bool
	Retry          string
	Comments       []string
}

func fieldsOf(ev *Event) evFields {
	return evFields{ev.Type, ev.Data, ev.ID, ev.HasID, ev.Retry, ev.Comments}
}

// refParseSSE splits a whole stream into events the simple way, as the spec describes it.
func refParseSSE(s string) []evFields {
	s = strings.TrimPrefix(s, "\uFEFF")
	var evs []evFields
	var cur evFields
	var data []string
	hasData, n := false, 0
	flush := func() {
		if n > 0 {
			if hasData {
				cur.Data = strings.Join(data, "\n")
			}
			evs = append(evs, cur)
		}
		cur, data, hasData, n = evFields{}, nil, false, 0
	}
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		line, end := s, len(s)
		if i >= 0 {
			line, end = s[:i], i+1
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				end++
			}
		}
		s = s[end:]
		if line == "" {
			flush()
			continue
		}
		n++
		if line[0] == ':' {
			cur.Comments = append(cur.Comments, line[1:])
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "data":
			data, hasData = append(data, value), true
		case "event":
			cur.Type = value
		case "id":
			if !strings.Contains(value, "\x00") {
				cur.ID, cur.HasID = value, true
			}
		case "retry":
			cur.Retry = value
		}
	}
	flush()
	return evs
}

// recordEvents runs the rewriter with handler h over src and returns the output and the events seen.
func recordEvents(src io.Reader, h func(*Event)) (string, []evFields, error) {
	var seen []evFields
	rw := NewSSERewriter(src, EventHandlerFunc(func(ev *Event, out []*Event) ([]*Event, error) {
		seen = append(seen, fieldsOf(ev))
		if h != nil {
			h(ev)
		}
		return append(out, ev), nil
	}), 0)
	out, err := io.ReadAll(rw)
	return string(out), seen, err
}

func TestSSEParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		want []evFields
	}{
		{desc: "one event", in: "data: hello\n\n", want: []evFields{{Data: "hello"}}},
		{desc: "multi-line data", in: "data: a\ndata:b\ndata\ndata:  c\n\n", want: []evFields{{Data: "a\nb\n\n c"}}},
		{desc: "all fields", in: "event: delta\nid: 7\nretry: 3000\n: keep\ndata: x\nfoo: bar\n\n",
			want: []evFields{{Type: "delta", ID: "7", HasID: true, Retry: "3000", Comments: []string{" keep"}, Data: "x"}}},
		{desc: "CRLF and CR", in: "data: a\r\n\r\ndata: b\r\rdata: c\n\n", want: []evFields{{Data: "a"}, {Data: "b"}, {Data: "c"}}},
		{desc: "comment-only keep-alive", in: ": ping\n\ndata: x\n\n", want: []evFields{{Comments: []string{" ping"}}, {Data: "x"}}},
		{desc: "extra blank lines", in: "\n\ndata: x\n\n\n", want: []evFields{{Data: "x"}}},
		{desc: "byte order mark", in: "\uFEFFdata: x\n\n", want: []evFields{{Data: "x"}}},
		{desc: "empty id", in: "id\n\n", want: []evFields{{HasID: true}}},
		{desc: "id with NUL ignored", in: "id: a\x00b\ndata: x\n\n", want: []evFields{{Data: "x"}}},
		{desc: "unterminated last event", in: "data: a\n\ndata: b", want: []evFields{{Data: "a"}, {Data: "b"}}},
		{desc: "colon in value", in: "data: a: b\n\n", want: []evFields{{Data: "a: b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if ref := refParseSSE(tc.in); fmt.Sprintf("%#v", ref) != fmt.Sprintf("%#v", tc.want) {
				t.Fatalf("reference parser disagrees with the test: %#v", ref)
			}
			for _, src := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
				out, got, err := recordEvents(src, nil)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tc.want) {
					t.Errorf("events %#v\nwant   %#v", got, tc.want)
				}
				if out != tc.in {
					t.Errorf("unchanged stream rewritten: %q", out)
				}
			}
		})
	}
}

func TestSSESerialize(t *testing.T) {
	t.Parallel()
	in := "event: delta\r\nid: 7\r\n: c1\r\ndata: a\r\ndata: b\r\nfoo: dropped\r\n\r\n" +
		"data: untouched\r\n\r\n" +
		": ping\n\n" +
		"data: last"
	var n int
	out, _, err := recordEvents(strings.NewReader(in), func(ev *Event) {
		n++
		switch n {
		case 1:
			ev.Data = "x\ny\r\nz"
			ev.Type = "multi\nline"
		case 3:
			ev.Comments = append(ev.Comments, "two\nlines")
		case 4:
			ev.Data += "!"
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "sse_serialize.golden"), []byte(out))
}

// chunkReader returns its chunks one per Read, then errMore: reading past the prepared input
// fails, which proves an event was delivered without waiting for more.
type chunkReader struct{ chunks []string }

var errMore = errors.New("read past the available input")

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		return 0, errMore
	}
	n := copy(p, c.chunks[0])
	if c.chunks[0] = c.chunks[0][n:]; c.chunks[0] == "" {
		c.chunks = c.chunks[1:]
	}
	return n, nil
}

func TestSSEReadReturnsAtEventBoundaries(t *testing.T) {
	t.Parallel()
	events := []string{"data: one\n\n", ": ping\n\n", "event: x\ndata: two\n\n", "data: three\n\n"}
	rw := NewSSERewriter(&chunkReader{chunks: []string{strings.Join(events, "")}}, EventHandlerFunc(
		func(ev *Event, out []*Event) ([]*Event, error) { return append(out, ev), nil }), 0)
	buf := make([]byte, 1024)
	for i, want := range events {
		n, err := rw.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("read %d = %q, %v; want %q", i, buf[:n], err, want)
		}
	}
	if _, err := rw.Read(buf); !errors.Is(err, errMore) {
		t.Fatalf("err = %v, want the source's error", err)
	}
	// An event split over reads is returned as soon as its blank line arrives.
	rw = NewSSERewriter(&chunkReader{chunks: []string{"data: a", "b\n", "\n", "data: c\n"}}, EventHandlerFunc(
		func(ev *Event, out []*Event) ([]*Event, error) { return append(out, ev), nil }), 0)
	n, err := rw.Read(buf)
	if err != nil || string(buf[:n]) != "data: ab\n\n" {
		t.Fatalf("got %q, %v", buf[:n], err)
	}
}

func TestSSEErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		desc    string
		in      string
		max     int
		handler EventHandlerFunc
		want    error
		out     string
	}{
		{desc: "event too large", in: "data: 0123456789\n\n", max: 8, want: ErrEventTooLarge},
		{desc: "line too large without a newline", in: "data: 0123456789", max: 8, want: ErrEventTooLarge},
		{desc: "handler error after earlier events", in: "data: ok\n\ndata: bad\n\n", want: boom, out: "data: ok\n\n",
			handler: func(ev *Event, out []*Event) ([]*Event, error) {
				if ev.Data == "bad" {
					return out, boom
				}
				return append(out, ev), nil
			}},
		{desc: "drop events", in: "data: a\n\ndata: b\n\n", out: "data: b\n\n",
			handler: func(ev *Event, out []*Event) ([]*Event, error) {
				if ev.Data == "a" {
					return out, nil
				}
				return append(out, ev), nil
			}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			h := tc.handler
			if h == nil {
				h = func(ev *Event, out []*Event) ([]*Event, error) { return append(out, ev), nil }
			}
			out, err := io.ReadAll(NewSSERewriter(strings.NewReader(tc.in), h, tc.max))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if string(out) != tc.out {
				t.Errorf("out = %q, want %q", out, tc.out)
			}
			if err != nil && strings.Contains(err.Error(), "0123") {
				t.Errorf("error quotes the stream: %v", err)
			}
		})
	}
	// An upstream failure is reported, and the partial event is not sent.
	src := io.MultiReader(strings.NewReader("data: a\n\ndata: partial"), iotest.ErrReader(boom))
	out, err := io.ReadAll(NewSSERewriter(src, EventHandlerFunc(func(ev *Event, out []*Event) ([]*Event, error) {
		return append(out, ev), nil
	}), 0))
	if !errors.Is(err, boom) || string(out) != "data: a\n\n" {
		t.Errorf("got %q, %v", out, err)
	}
}

// splitReader returns data in pieces whose sizes come from cuts.
type splitReader struct {
	data []byte
	cuts []byte
}

func (s *splitReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := len(s.data)
	if len(s.cuts) > 0 {
		n = min(n, 1+int(s.cuts[0])%16)
		s.cuts = s.cuts[1:]
	}
	n = copy(p, s.data[:n])
	s.data = s.data[n:]
	return n, nil
}

func FuzzSSE(f *testing.F) {
	f.Add([]byte("event: e\r\nid: 1\r\n: c\r\ndata: a\r\ndata:b\r\n\r\ndata: x\r\r\n\n"), []byte{1, 2, 3})
	f.Add([]byte("\uFEFFdata: x\n\n: ping\n\nretry: 10\ndata\n\ndata: tail"), []byte{0, 5, 9})
	f.Add([]byte("\r\n\r\n\rdata: [DONE]\r"), []byte{})
	f.Fuzz(func(t *testing.T, in, cuts []byte) {
		want := refParseSSE(string(in))
		out, got, err := recordEvents(&splitReader{in, cuts}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if out != string(in) {
			t.Fatalf("identity rewrite changed the stream:\n%q\n%q", in, out)
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Fatalf("events %#v\nwant   %#v", got, want)
		}
		// Changed events re-serialize to a stream that parses back to the changed fields.
		out, _, err = recordEvents(&splitReader{in, cuts}, func(ev *Event) { ev.Data += "!" })
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			want[i].Data += "!"
		}
		if back := refParseSSE(out); fmt.Sprintf("%#v", back) != fmt.Sprintf("%#v", want) {
			t.Fatalf("reparsed %#v\nwant     %#v\nfrom     %q", back, want, out)
		}
		if !bytes.HasPrefix(in, bom) && bytes.HasPrefix([]byte(out), bom) {
			t.Fatal("byte order mark appeared")
		}
	})
}
