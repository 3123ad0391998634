package proxy

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/veil-privacy/veil/proxy/stream"
)

// PageInjector is what Veil adds to the widget's HTML pages (consent.Banner).
type PageInjector interface {
	// Snippet is inserted before the page's last </body>.
	Snippet() []byte
	// AllowInCSP returns the page's Content-Security-Policy with the snippet allowed.
	AllowInCSP(policy string) string
}

// pageResponse streams an HTML page through the injector: never buffered whole, so the first
// bytes reach the browser as soon as the bot sends them. Compressed pages are decompressed on the
// fly and sent as identity. A page Veil cannot decode is sent unchanged (it carries no chat).
func (p *Pipeline) pageResponse(_ context.Context, ex *Exchange, res *http.Response) error {
	if p.Page == nil || res.StatusCode != http.StatusOK || res.Request.Method == http.MethodHead {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "text/html" {
		return nil
	}
	body, ok := decodingReader(res.Body, res.Header.Values("Content-Encoding"))
	if !ok {
		p.Logger.Warn().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).Msg("page with an unknown content encoding sent without the consent banner")
		return nil
	}
	inj := stream.NewHTMLInjector(body, p.Page.Snippet())
	res.Body = struct {
		io.Reader
		io.Closer
	}{inj, closeBoth{inj, res.Body}}
	h := res.Header
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	h.Del("Etag")
	res.ContentLength = -1
	for _, k := range []string{"Content-Security-Policy", "Content-Security-Policy-Report-Only"} {
		vals := h.Values(k)
		for i, v := range vals {
			vals[i] = p.Page.AllowInCSP(v)
		}
	}
	return nil
}

// decodingReader undoes content encodings while streaming; ok is false for one it does not know.
func decodingReader(r io.Reader, headerValues []string) (io.Reader, bool) {
	var codings []string
	for _, v := range headerValues {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				return nil, false
			}
			r = zr
		case "br":
			r = brotli.NewReader(r)
		case "zstd":
			zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return nil, false
			}
			r = zr.IOReadCloser()
		default:
			return nil, false
		}
	}
	return r, true
}

// closeBoth closes the injector and the upstream body.
type closeBoth struct{ a, b io.Closer }

func (c closeBoth) Close() error {
	err := c.a.Close()
	if err2 := c.b.Close(); err == nil {
		err = err2
	}
	return err
}
