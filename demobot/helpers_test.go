package demobot

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// newTestServer runs a Bot for cfg behind a real loopback listener.
func newTestServer(t *testing.T, cfg Config) (*Bot, *httptest.Server) {
	t.Helper()
	b := New(cfg)
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv
}

// do sends a request with body and returns the status and response body.
func do(t *testing.T, method, url, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return res, data
}

// fetchReceived reads GET /debug/received.
func fetchReceived(t *testing.T, srv *httptest.Server) []Entry {
	t.Helper()
	res, body := do(t, http.MethodGet, srv.URL+"/debug/received", "", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /debug/received: status %d", res.StatusCode)
	}
	var entries []Entry
	if err := json.Unmarshal(body, &entries); err != nil {
		t.Fatalf("decoding /debug/received: %v", err)
	}
	return entries
}
