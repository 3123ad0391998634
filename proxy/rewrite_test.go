package proxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// writeCounter counts the writes that reach the connection.
type writeCounter struct {
	n   int
	buf bytes.Buffer
}

func (w *writeCounter) Write(p []byte) (int, error) { w.n++; return w.buf.Write(p) }

// wrapped hides the body's type, as ReverseProxy does with its outbound request's body.
type wrapped struct{ io.ReadCloser }

// TestRewriteSendsRewrittenBodyInOneWrite: a body Veil rewrote goes to the bot with its headers in
// one write, where ReverseProxy's wrapping of the body would make it two.
func TestRewriteSendsRewrittenBodyInOneWrite(t *testing.T) {
	u, _ := url.Parse("http://bot.internal:8080")
	p := &Proxy{cfg: Config{Upstream: Upstream{parsed: u}}}
	body := []byte(`{"message":"[EMAIL_1a2b3c] says hello"}`)
	for _, tc := range []struct {
		name   string
		inMem  bool
		writes int
	}{
		{"rewritten by Veil", true, 1},
		{"streamed through", false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := httptest.NewRequest("POST", "https://veil.example/webhooks/rest/webhook", bytes.NewReader(body))
			if tc.inMem {
				in.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			}
			out := in.Clone(in.Context())
			out.Body = wrapped{out.Body}
			p.rewrite(&httputil.ProxyRequest{In: in, Out: out})
			var w writeCounter
			if err := out.Write(&w); err != nil {
				t.Fatal(err)
			}
			if w.n != tc.writes || !bytes.HasSuffix(w.buf.Bytes(), body) {
				t.Fatalf("%d writes (want %d), sent %q", w.n, tc.writes, w.buf.String())
			}
			if out.URL.Host != "bot.internal:8080" || out.Method != http.MethodPost {
				t.Fatalf("rewritten to %s %s", out.Method, out.URL)
			}
		})
	}
}
