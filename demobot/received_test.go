package demobot

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
)

func TestReceivedRecordsHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc       string
		method     string
		path       string
		body       string
		header     http.Header
		wantBody   string
		wantBase64 bool
	}{
		{
			desc: "Rasa body and headers", method: http.MethodPost, path: "/webhooks/rest/webhook",
			body:   `{"sender":"s1","message":"call me at +49 30 1234567"}`,
			header: http.Header{"X-Session-Id": {"abc"}, "Cookie": {"sid=1"}, "Content-Type": {"application/json"}},
		},
		{
			desc: "OpenAI body", method: http.MethodPost, path: "/v1/chat/completions",
			body:   `{"model":"m","messages":[{"role":"user","content":"jane@example.com"}]}`,
			header: http.Header{"Authorization": {"Bearer test"}},
		},
		{
			desc: "page request with a query", method: http.MethodGet, path: "/?csp=strict",
			header: http.Header{"Accept-Language": {"de-DE"}},
		},
		{
			desc: "a body that is not UTF-8 is also kept in base64", method: http.MethodPost, path: "/webhooks/rest/webhook",
			body: "\xff\xfe{", wantBase64: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, srv := newTestServer(t, Config{})
			do(t, tc.method, srv.URL+tc.path, tc.body, tc.header)
			entries := fetchReceived(t, srv)
			if len(entries) != 1 {
				t.Fatalf("%d entries, want 1: %+v", len(entries), entries)
			}
			e := entries[0]
			path, query, _ := strings.Cut(tc.path, "?")
			if e.Kind != KindHTTP || e.Method != tc.method || e.Path != path || e.Query != query || e.Time.IsZero() {
				t.Errorf("entry = kind %q method %q path %q query %q time %v", e.Kind, e.Method, e.Path, e.Query, e.Time)
			}
			if tc.wantBase64 {
				raw, err := base64.StdEncoding.DecodeString(e.BodyBase64)
				if err != nil || string(raw) != tc.body {
					t.Errorf("body_base64 = %q (%v), want the raw body", e.BodyBase64, err)
				}
			} else if e.Body != tc.body || e.BodyBase64 != "" {
				t.Errorf("body = %q base64 %q, want %q", e.Body, e.BodyBase64, tc.body)
			}
			for k, want := range tc.header {
				if got := e.Headers[k]; strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if e.Headers.Get("Host") == "" {
				t.Errorf("Host missing from headers %v", e.Headers)
			}
		})
	}
}

func TestReceivedRecordsWebSocket(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	ctx := t.Context()
	c, _, err := websocket.Dial(ctx, wsURL(srv.URL), &websocket.DialOptions{
		HTTPHeader: http.Header{"X-Session-Id": {"ws-1"}},
	})
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	defer c.CloseNow()
	msgs := []string{`{"message":"first"}`, `not json`}
	for _, m := range msgs {
		exchange(t, ctx, c, m)
	}
	entries := fetchReceived(t, srv)
	if len(entries) != 3 {
		t.Fatalf("%d entries, want the upgrade and 2 messages: %+v", len(entries), entries)
	}
	if e := entries[0]; e.Kind != KindHTTP || e.Path != "/ws" {
		t.Errorf("first entry = %+v, want the upgrade request", e)
	}
	for i, m := range msgs {
		e := entries[i+1]
		if e.Kind != KindWS || e.Method != http.MethodGet || e.Path != "/ws" || e.Body != m {
			t.Errorf("entry %d = kind %q method %q path %q body %q, want ws message %q", i+1, e.Kind, e.Method, e.Path, e.Body, m)
		}
		if e.Headers.Get("X-Session-Id") != "ws-1" {
			t.Errorf("entry %d headers %v, want the upgrade request's", i+1, e.Headers)
		}
	}
}

func TestReceivedCapAndOrder(t *testing.T) {
	t.Parallel()
	b, srv := newTestServer(t, Config{})
	const total = DefaultMaxReceived + 5
	for i := range total {
		res, _ := do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", fmt.Sprintf(`{"message":"m%d"}`, i), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i, res.StatusCode)
		}
	}
	entries := fetchReceived(t, srv)
	if len(entries) != DefaultMaxReceived {
		t.Fatalf("%d entries, want %d", len(entries), DefaultMaxReceived)
	}
	for i, e := range entries { // oldest dropped, newest last
		if want := fmt.Sprintf(`{"message":"m%d"}`, i+5); e.Body != want {
			t.Fatalf("entry %d body %q, want %q", i, e.Body, want)
		}
	}
	if got := len(b.Received()); got != DefaultMaxReceived {
		t.Errorf("Received() has %d entries, want %d", got, DefaultMaxReceived)
	}

	res, _ := do(t, http.MethodDelete, srv.URL+"/debug/received", "", nil)
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE status %d, want 204", res.StatusCode)
	}
	if entries := fetchReceived(t, srv); len(entries) != 0 {
		t.Fatalf("%d entries after DELETE, want 0", len(entries))
	}
	do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", `{"message":"after"}`, nil)
	if entries := fetchReceived(t, srv); len(entries) != 1 || entries[0].Body != `{"message":"after"}` {
		t.Fatalf("after DELETE and one request: %+v", entries)
	}
}

func TestReceivedSmallCapWraps(t *testing.T) {
	t.Parallel()
	b := New(Config{MaxReceived: 3})
	for i := range 7 {
		b.received.add(Entry{Body: fmt.Sprint(i)})
		got := b.Received()
		if want := min(i+1, 3); len(got) != want {
			t.Fatalf("after %d adds: %d entries, want %d", i+1, len(got), want)
		}
		if last := got[len(got)-1].Body; last != fmt.Sprint(i) {
			t.Fatalf("after %d adds: newest %q, want %d", i+1, last, i)
		}
	}
	b.ResetReceived()
	if got := b.Received(); len(got) != 0 {
		t.Fatalf("after reset: %d entries", len(got))
	}
}

func TestReceivedSkipsDebugAndHealth(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	do(t, http.MethodGet, srv.URL+"/healthz", "", nil)
	fetchReceived(t, srv)
	if entries := fetchReceived(t, srv); len(entries) != 0 {
		t.Errorf("entries = %+v, want none", entries)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{MaxBodyBytes: 32})
	tests := []struct {
		desc       string
		body       string
		wantStatus int
	}{
		{desc: "at the limit", body: `{"message":"` + strings.Repeat("a", 32-14) + `"}`, wantStatus: http.StatusOK},
		{desc: "over the limit", body: `{"message":"` + strings.Repeat("a", 32) + `"}`, wantStatus: http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res, body := do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", tc.body, nil)
			if res.StatusCode != tc.wantStatus {
				t.Errorf("status = %d (%s), want %d", res.StatusCode, body, tc.wantStatus)
			}
		})
	}
}

func TestReceivedConcurrent(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{MaxReceived: 50})
	// Goroutines other than the test's must not call t.Fatal: they report with t.Error.
	call := func(method, path, body string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			t.Errorf("%s %s: status %d", method, path, res.StatusCode)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				call(http.MethodPost, "/webhooks/rest/webhook", fmt.Sprintf(`{"message":"%d-%d"}`, g, i))
				if i%5 == 0 {
					call(http.MethodGet, "/debug/received", "")
				}
				if g == 0 && i == 10 {
					call(http.MethodDelete, "/debug/received", "")
				}
			}
		})
	}
	wg.Wait()
	if n := len(fetchReceived(t, srv)); n == 0 || n > 50 {
		t.Errorf("%d entries, want 1..50", n)
	}
}
