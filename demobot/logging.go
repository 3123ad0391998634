package demobot

import (
	"bufio"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// Log field names.
const (
	fieldMethod   = "method"
	fieldPath     = "path"
	fieldStatus   = "status"
	fieldDuration = "duration"
)

// logRequests logs method, path and status of each request, never headers or bodies.
// The logger is Config.Logger, or the request context's one; handlers find it in the context.
func (b *Bot) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger := zerolog.Ctx(r.Context())
		if b.cfg.Logger != nil {
			logger = b.cfg.Logger
			r = r.WithContext(logger.WithContext(r.Context()))
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		logger.Info().
			Str(fieldMethod, r.Method).
			Str(fieldPath, r.URL.Path).
			Int(fieldStatus, status).
			Dur(fieldDuration, time.Since(start)).
			Msg("request")
	})
}

// statusWriter remembers the status code. It keeps the Flusher and Hijacker abilities
// of the writer it wraps: SSE needs the first, WebSocket upgrades the second.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush sends buffered data to the client now.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over for a WebSocket.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.status = http.StatusSwitchingProtocols
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

var (
	_ http.Flusher  = (*statusWriter)(nil)
	_ http.Hijacker = (*statusWriter)(nil)
)
