package stream

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

const snippet = `<script src="/.veil/notice.js"></script>`

func inject(t testing.TB, src io.Reader, maxTail int) string {
	t.Helper()
	h := NewHTMLInjector(src, []byte(snippet))
	if maxTail > 0 {
		h.maxTail = maxTail
	}
	out, err := io.ReadAll(h)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestHTMLInjector(t *testing.T) {
	t.Parallel()
	S := snippet
	tests := []struct {
		desc, in, want string
		maxTail        int
	}{
		{desc: "before body end", in: "<html><body>hi</body></html>", want: "<html><body>hi" + S + "</body></html>"},
		{desc: "case-insensitive", in: "<BODY>hi</BoDy >", want: "<BODY>hi" + S + "</BoDy >"},
		{desc: "last of several", in: "a</body>b</body>c", want: "a</body>b" + S + "</body>c"},
		{desc: "no body end", in: "<p>fragment", want: "<p>fragment" + S},
		{desc: "empty document", in: "", want: S},
		{desc: "not a body end tag", in: "</bodyx></bod></body-", want: "</bodyx></bod></body-" + S},
		{desc: "cut short at the end", in: "x</BODY", want: "x" + S + "</BODY"},
		{desc: "partial at the end", in: "x</bo", want: "x</bo" + S},
		{desc: "self-closing and whitespace", in: "a</body/>b</body\n>", want: "a</body/>b" + S + "</body\n>"},
		{desc: "tail over the cap", in: "a</body>0123456789</body>", maxTail: 8, want: "a" + S + "</body>0123456789</body>"},
		{desc: "tail at the cap", in: "a</body>0</body>", maxTail: 9, want: "a</body>0" + S + "</body>"},
		{desc: "end over the cap", in: "a</body>0123456789", maxTail: 8, want: "a" + S + "</body>0123456789"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if ref := refInject(tc.in, snippet, cmpOr(tc.maxTail, DefaultMaxHTMLTail)); ref != tc.want {
				t.Fatalf("reference disagrees with the test: %q", ref)
			}
			for _, src := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in)), iotest.HalfReader(strings.NewReader(tc.in))} {
				if got := inject(t, src, tc.maxTail); got != tc.want {
					t.Errorf("got  %q\nwant %q", got, tc.want)
				}
			}
		})
	}
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// TestHTMLInjectorStreams checks that bytes before a "</body" are passed on without waiting for
// the rest of the document.
func TestHTMLInjectorStreams(t *testing.T) {
	t.Parallel()
	h := NewHTMLInjector(&chunkReader{chunks: []string{"<p>hello</b", "ody>"}}, []byte(snippet))
	buf := make([]byte, 100)
	n, err := h.Read(buf)
	if err != nil || string(buf[:n]) != "<p>hello" {
		t.Fatalf("first read %q, %v", buf[:n], err)
	}
	// From "</body" on the injector holds until the document ends.
	if n, err = h.Read(buf); !errors.Is(err, errMore) || n != 0 {
		t.Fatalf("second read %q, %v", buf[:n], err)
	}
	// A large page is not buffered: reads before the end tag return data.
	page := strings.Repeat("<p>x</p>", 20000)
	h = NewHTMLInjector(&chunkReader{chunks: []string{page}}, []byte(snippet))
	got, err := io.ReadAll(h)
	if !errors.Is(err, errMore) || string(got) != page {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
}

var bodyEndRE = regexp.MustCompile(`(?i)</body([\t\n\f\r />]|$)`)

// refInject places the snippet the simple way, on the whole document.
func refInject(doc, snippet string, maxTail int) string {
	ms := bodyEndRE.FindAllStringIndex(doc, -1)
	if len(ms) == 0 {
		return doc + snippet
	}
	k := 0
	for k+1 < len(ms) && ms[k+1][0]-ms[k][0] <= maxTail {
		k++
	}
	at := ms[k][0]
	return doc[:at] + snippet + doc[at:]
}

func FuzzHTMLInjector(f *testing.F) {
	f.Add([]byte("<html><body>hi</body></html>"), []byte{1, 2, 3}, uint16(0))
	f.Add([]byte("a</BODY>b</body\tc</bo"), []byte{0, 9}, uint16(3))
	f.Add([]byte("</body"), []byte{}, uint16(1))
	f.Fuzz(func(t *testing.T, doc, cuts []byte, tail uint16) {
		maxTail := DefaultMaxHTMLTail
		if tail != 0 {
			maxTail = 1 + int(tail%64)
		}
		want := refInject(string(doc), snippet, maxTail)
		if got := inject(t, &splitReader{doc, cuts}, maxTail); got != want {
			t.Fatalf("got  %q\nwant %q", got, want)
		}
	})
}

func BenchmarkHTMLInjector(b *testing.B) {
	var page bytes.Buffer
	page.WriteString("<!doctype html><html><head><title>Shop</title></head><body>")
	for page.Len() < 100<<10 {
		page.WriteString(`<div class="item"><a href="/p/1">Product</a><span>9.99</span></div>` + "\n")
	}
	page.WriteString("</body></html>")
	doc := page.Bytes()
	buf := make([]byte, 32<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		h := NewHTMLInjector(bytes.NewReader(doc), []byte(snippet))
		n := 0
		for {
			m, err := h.Read(buf)
			n += m
			if err != nil {
				break
			}
		}
		if n != len(doc)+len(snippet) {
			b.Fatal(n)
		}
	}
}
