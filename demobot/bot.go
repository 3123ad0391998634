package demobot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// Bot is the demo chatbot. It is an http.Handler; run it with http.Server, httptest or
// in-process from `veil quickstart`.
type Bot struct {
	cfg      Config
	mux      *http.ServeMux
	received *received
	handler  http.Handler
	ids      atomic.Uint64 // completion id counter
}

// New returns a Bot for cfg. Zero or invalid sizes get their defaults; call
// cfg.Validate first to report invalid values instead.
func New(cfg Config) *Bot {
	cfg.fillDefaults()
	b := &Bot{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		received: newReceived(cfg.MaxReceived),
	}
	b.routes()
	b.handler = b.logRequests(b.recordRequests(b.mux))
	return b
}

// routes registers every endpoint.
func (b *Bot) routes() {
	b.mux.HandleFunc("GET /{$}", b.handlePage)
	b.mux.Handle("GET /static/", staticHandler())
	b.mux.HandleFunc("POST /webhooks/rest/webhook", b.handleRasa)
	b.mux.HandleFunc("POST /v1/chat/completions", b.handleChatCompletions)
	b.mux.HandleFunc("POST /v1/messages", b.handleMessages)
	b.mux.HandleFunc("POST /v1/responses", b.handleResponses)
	b.mux.HandleFunc("GET /ws", b.handleWebSocket)
	b.mux.HandleFunc("GET /debug/received", b.handleReceivedList)
	b.mux.HandleFunc("DELETE /debug/received", b.handleReceivedClear)
	b.mux.HandleFunc("GET /healthz", handleHealth)
}

// ServeHTTP serves every route of the bot.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.handler.ServeHTTP(w, r)
}

// Received returns what reached the bot, oldest first (the same list as GET /debug/received).
func (b *Bot) Received() []Entry {
	return b.received.snapshot()
}

// ResetReceived forgets everything recorded (as DELETE /debug/received does).
func (b *Bot) ResetReceived() {
	b.received.reset()
}

// unrecorded reports whether requests to p are left out of /debug/received: the
// debug endpoints themselves and health checks would only drown what tests look for.
func unrecorded(p string) bool {
	return p == "/healthz" || strings.HasPrefix(p, "/debug/")
}

// recordRequests reads each body (capped), records the request and hands the
// handler a body it can read again.
func (b *Bot) recordRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
				return
			}
			writeError(w, http.StatusBadRequest, "reading request body failed")
			return
		}
		if !unrecorded(r.URL.Path) {
			b.received.add(newEntry(KindHTTP, r, body))
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func (b *Bot) handleReceivedList(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, b.received.snapshot())
}

func (b *Bot) handleReceivedClear(w http.ResponseWriter, _ *http.Request) {
	b.received.reset()
	w.WriteHeader(http.StatusNoContent)
}

func handleHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// writeJSON sends v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client is gone; nothing to do
}

// writeError sends {"error": msg}. msg never carries request bytes.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

var _ http.Handler = (*Bot)(nil)
