package proxy

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// readBody reads a chat request's body within limits, undoes its content encodings (stacked ones
// too), converts it to UTF-8 and returns it with its media type. Anything it cannot understand is
// refused: a body Veil cannot inspect must not reach the upstream.
func readBody(r *http.Request, lim Limits) (body []byte, mediaType string, err error) {
	if r.ContentLength > int64(lim.MaxBodyBytes) {
		return nil, "", errBodyTooLarge
	}
	raw, err := readCapped(r.Body, int64(lim.MaxBodyBytes), r.ContentLength)
	if err != nil {
		return nil, "", err
	}
	body, err = decodeContent(raw, r.Header.Values("Content-Encoding"), int64(lim.MaxDecodedBytes))
	if err != nil {
		return nil, "", err
	}
	return toUTF8(body, r.Header.Get("Content-Type"), int64(lim.MaxDecodedBytes))
}

// readCapped reads all of rd, failing with errBodyTooLarge past limit bytes. sizeHint, when
// positive, is the expected size (a Content-Length), so the buffer is allocated once.
func readCapped(rd io.Reader, limit, sizeHint int64) ([]byte, error) {
	if rd == nil || rd == http.NoBody {
		return nil, nil
	}
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint <= limit {
		buf.Grow(int(sizeHint) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(rd, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBodyTooLarge
		}
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	if n > limit {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// decodeContent undoes the Content-Encoding header values, last applied first.
func decodeContent(b []byte, headerValues []string, limit int64) ([]byte, error) {
	var codings []string
	for _, v := range headerValues {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) > 4 {
		return nil, withCause(errUnsupportedCoding, errors.New("more than 4 stacked content encodings"))
	}
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		if b, err = decodeOne(b, codings[i], limit); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func decodeOne(b []byte, coding string, limit int64) ([]byte, error) {
	var rd io.Reader
	src := bytes.NewReader(b)
	switch coding {
	case "gzip", "x-gzip":
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		if zr == nil {
			zr = new(gzip.Reader)
		}
		if err := zr.Reset(src); err != nil {
			return nil, withCause(errMalformedBody, fmt.Errorf("gzip: %w", err))
		}
		defer gzipReaders.Put(zr)
		rd = zr
	case "deflate":
		// RFC 9110 says zlib-wrapped; some clients send raw DEFLATE. Accept both.
		if zr, err := zlib.NewReader(src); err == nil {
			rd = zr
		} else {
			rd = flate.NewReader(bytes.NewReader(b))
		}
	case "br":
		rd = brotli.NewReader(src)
	case "zstd":
		zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1<<20))
		if err != nil {
			return nil, withCause(errMalformedBody, fmt.Errorf("zstd: %w", err))
		}
		defer zr.Close()
		rd = zr
	default:
		return nil, withCause(errUnsupportedCoding, fmt.Errorf("content encoding %q", coding))
	}
	out, err := readCapped(rd, limit, int64(len(b))*4)
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return nil, err
		}
		return nil, withCause(errMalformedBody, fmt.Errorf("decoding %s: %w", coding, err))
	}
	return out, nil
}

// gzipReaders recycles gzip readers: each holds ~40 KB of decompression state.
var gzipReaders sync.Pool

// errMalformedBody is a body whose declared encoding does not decode.
var errMalformedBody = &Error{Status: http.StatusBadRequest, Reason: "malformed_body"}

// toUTF8 checks the media type and converts the body from its declared charset to UTF-8.
func toUTF8(b []byte, contentType string, limit int64) ([]byte, string, error) {
	mediaType := "text/plain"
	charset := ""
	if contentType != "" {
		mt, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			return nil, "", withCause(errUnsupportedType, errors.New("unparsable Content-Type"))
		}
		mediaType, charset = mt, strings.ToLower(params["charset"])
	}
	if !inspectable(mediaType) {
		if len(b) == 0 {
			return b, mediaType, nil
		}
		return nil, "", withCause(errUnsupportedType, fmt.Errorf("media type %q", mediaType))
	}
	switch charset {
	case "", "utf-8", "utf8", "us-ascii":
	default:
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, "", withCause(errUnsupportedCharset, fmt.Errorf("charset %q", charset))
		}
		out, _, err := transform.Bytes(enc.NewDecoder(), b)
		if err != nil {
			return nil, "", withCause(errUnsupportedCharset, fmt.Errorf("decoding charset %q: %w", charset, err))
		}
		if int64(len(out)) > limit {
			return nil, "", errBodyTooLarge
		}
		b = out
	}
	if !utf8.Valid(b) {
		return nil, "", withCause(errMalformedBody, errors.New("body is not valid UTF-8"))
	}
	return b, mediaType, nil
}

// inspectable reports whether Veil can find text in bodies of this media type.
func inspectable(mt string) bool {
	switch {
	case mt == "application/json", strings.HasSuffix(mt, "+json"), mt == "application/x-ndjson",
		mt == "application/x-www-form-urlencoded", strings.HasPrefix(mt, "text/"):
		return true
	}
	return false
}
