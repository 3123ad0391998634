package demobot

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogging(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	logger := zerolog.New(&out)
	_, srv := newTestServer(t, Config{Logger: &logger})
	const secret = "jane.doe@example.com"
	do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", `{"sender":"s","message":"`+secret+`"}`,
		http.Header{"X-Secret": {secret}})
	do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", `{bad`, nil)

	logs := out.String()
	if strings.Contains(logs, secret) {
		t.Errorf("logs contain request data: %s", logs)
	}
	var lines []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2: %s", len(lines), logs)
	}
	for i, wantStatus := range []float64{200, 400} {
		l := lines[i]
		if l[fieldMethod] != "POST" || l[fieldPath] != "/webhooks/rest/webhook" || l[fieldStatus] != wantStatus {
			t.Errorf("line %d = %v, want POST /webhooks/rest/webhook %v", i, l, wantStatus)
		}
	}
}
