package demobot

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sseReader reads one "data:" event at a time from a response body.
type sseReader struct{ r *bufio.Reader }

// next returns the data of the next event, or io.EOF.
func (s sseReader) next() (string, error) {
	var data string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && data == "" {
				return "", io.EOF
			}
			return "", errors.Join(errors.New("event cut short"), err)
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			return data, nil
		}
		if !strings.HasPrefix(line, "data: ") {
			return "", errors.New("line without data: prefix: " + line)
		}
		data = strings.TrimPrefix(line, "data: ")
	}
}

// startStream posts a streaming chat request for message and returns its events.
func startStream(t *testing.T, url, message string) (*http.Response, sseReader) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"model": "demo", "stream": true,
		"messages": []map[string]any{{"role": "user", "content": message}},
	})
	res, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("posting: %v", err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	return res, sseReader{bufio.NewReader(res.Body)}
}

// decodeChunk parses one event's data.
func decodeChunk(t *testing.T, data string) chatChunk {
	t.Helper()
	var c chatChunk
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		t.Fatalf("event %q: %v", data, err)
	}
	return c
}

func TestStreamWireFormat(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	res, events := startStream(t, srv.URL, "wire check 👋")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	var all []string
	for {
		data, err := events.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, data)
	}
	if len(all) < 4 || all[len(all)-1] != "[DONE]" {
		t.Fatalf("events = %q, want role, content..., finish, [DONE]", all)
	}
	first := decodeChunk(t, all[0])
	if first.Object != "chat.completion.chunk" || first.Choices[0].Delta.Role != "assistant" || first.Choices[0].FinishReason != nil {
		t.Errorf("first event %s, want an assistant role delta with null finish_reason", all[0])
	}
	last := decodeChunk(t, all[len(all)-2])
	if last.Choices[0].FinishReason == nil || *last.Choices[0].FinishReason != "stop" || last.Choices[0].Delta.Content != nil {
		t.Errorf("final event %s, want an empty delta with finish_reason stop", all[len(all)-2])
	}
	var text strings.Builder
	for _, data := range all[1 : len(all)-2] {
		c := decodeChunk(t, data)
		if c.ID != first.ID || c.Created != first.Created || c.Model != "demo" {
			t.Errorf("event %s changes id, created or model", data)
		}
		if c.Choices[0].FinishReason != nil || c.Choices[0].Delta.Content == nil {
			t.Fatalf("content event %s, want a content delta with null finish_reason", data)
		}
		text.WriteString(*c.Choices[0].Delta.Content)
	}
	if want := "You said: wire check 👋"; text.String() != want {
		t.Errorf("text = %q, want %q", text.String(), want)
	}
}

// TestStreamGateLockStep proves every event reaches the client before the next one is
// produced: the gate only lets the bot go on once the test has read the event.
func TestStreamGateLockStep(t *testing.T) {
	t.Parallel()
	atGate := make(chan int)
	proceed := make(chan struct{})
	_, srv := newTestServer(t, Config{StreamGate: func(ctx context.Context, sent int) error {
		select {
		case atGate <- sent:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-proceed:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}})
	_, events := startStream(t, srv.URL, "one event at a time")
	var text strings.Builder
	for want := 1; ; want++ {
		data, err := events.next()
		if err != nil {
			t.Fatalf("event %d: %v", want, err)
		}
		if data == "[DONE]" {
			break
		}
		// The event arrived, and the bot is now held right after it.
		if sent := <-atGate; sent != want {
			t.Fatalf("gate saw %d events sent, want %d", sent, want)
		}
		if c := decodeChunk(t, data); len(c.Choices) > 0 && c.Choices[0].Delta.Content != nil {
			text.WriteString(*c.Choices[0].Delta.Content)
		}
		proceed <- struct{}{}
	}
	if want := "You said: one event at a time"; text.String() != want {
		t.Errorf("text = %q, want %q", text.String(), want)
	}
}

func TestHoldAfter(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	_, srv := newTestServer(t, Config{StreamGate: HoldAfter(2, release)})
	_, events := startStream(t, srv.URL, "held open")
	for i := range 2 {
		if _, err := events.next(); err != nil {
			t.Fatalf("event %d before release: %v", i+1, err)
		}
	}
	// Two events are here while the rest is not produced yet.
	close(release)
	var n int
	for {
		data, err := events.next()
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		n++
		if data == "[DONE]" {
			break
		}
	}
	if n < 2 {
		t.Errorf("%d events after release, want the rest of the reply", n)
	}
}

func TestStreamGateErrorTruncates(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{StreamGate: func(_ context.Context, sent int) error {
		if sent == 1 {
			return errors.New("stop here")
		}
		return nil
	}})
	_, events := startStream(t, srv.URL, "cut")
	if _, err := events.next(); err != nil {
		t.Fatalf("first event: %v", err)
	}
	if data, err := events.next(); err != io.EOF {
		t.Fatalf("after a gate error got %q, %v; want the stream to end", data, err)
	}
}

func TestStreamDelay(t *testing.T) {
	t.Parallel()
	// Only checks that a delayed stream completes; never how long it took.
	_, srv := newTestServer(t, Config{StreamDelay: time.Millisecond})
	_, events := startStream(t, srv.URL, "slowly")
	for {
		data, err := events.next()
		if err != nil {
			t.Fatal(err)
		}
		if data == "[DONE]" {
			return
		}
	}
}
