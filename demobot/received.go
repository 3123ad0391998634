package demobot

import (
	"encoding/base64"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry kinds recorded by /debug/received.
const (
	KindHTTP = "http" // one HTTP request, body as received
	KindWS   = "ws"   // one WebSocket message from the client
)

// Entry is one thing that reached the bot: an HTTP request or a WebSocket message.
// Tests read entries to see exactly what a proxy forwarded upstream.
type Entry struct {
	Time   time.Time `json:"time"`
	Kind   string    `json:"kind"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Query is the raw query string, without "?".
	Query string `json:"query,omitempty"`
	// Headers are the request headers by canonical name; for a WebSocket message, the
	// headers of the upgrade request.
	Headers http.Header `json:"headers"`
	// Body is the raw request body or WebSocket message.
	Body string `json:"body"`
	// BodyBase64 repeats Body in base64 when it is not valid UTF-8 (JSON would mangle it).
	BodyBase64 string `json:"body_base64,omitempty"`
}

// newEntry builds an entry for r carrying body.
func newEntry(kind string, r *http.Request, body []byte) Entry {
	e := Entry{
		Time:    time.Now().UTC(),
		Kind:    kind,
		Method:  r.Method,
		Path:    r.URL.Path,
		Query:   r.URL.RawQuery,
		Headers: r.Header.Clone(),
		Body:    string(body),
	}
	if e.Headers == nil {
		e.Headers = http.Header{}
	}
	if r.Host != "" {
		// Go moves Host out of the header map; tests of a proxy need to see it.
		e.Headers.Set("Host", r.Host)
	}
	if !utf8.Valid(body) {
		e.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return e
}

// received is a fixed-size ring of the newest entries, safe for concurrent use.
type received struct {
	mu      sync.Mutex
	entries []Entry // ring storage, len == cap once full
	next    int     // index the next entry goes to once full
	max     int
}

func newReceived(max int) *received {
	return &received{max: max}
}

// add records e, dropping the oldest entry when full.
func (rc *received) add(e Entry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.entries) < rc.max {
		rc.entries = append(rc.entries, e)
		return
	}
	rc.entries[rc.next] = e
	rc.next = (rc.next + 1) % rc.max
}

// snapshot returns a copy of the entries, oldest first.
func (rc *received) snapshot() []Entry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]Entry, 0, len(rc.entries))
	out = append(out, rc.entries[rc.next:]...)
	out = append(out, rc.entries[:rc.next]...)
	return out
}

// reset drops every entry.
func (rc *received) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.entries = nil
	rc.next = 0
}
