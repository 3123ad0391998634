package consent

import (
	"fmt"
	"testing"
	"time"
)

func TestStateCache(t *testing.T) {
	var c stateCache
	raw := []byte(`{"purposes":{"support":{"granted":true}},"objections":["marketing"]}`)
	if _, ok := c.get(raw); ok {
		t.Fatal("hit in an empty cache")
	}
	want := State{Purposes: map[string]Choice{"support": {Granted: true, Time: time.Unix(1, 0)}}, Objections: []string{"marketing"}}
	c.put(raw, want)

	got, ok := c.get(raw)
	if !ok || !got.Purposes["support"].Granted || len(got.Objections) != 1 {
		t.Fatalf("get = %+v, %v", got, ok)
	}
	// Callers may change what they get, and what they put, without changing the cache.
	got.Purposes["support"] = Choice{}
	got.Objections[0] = "profiling"
	want.Purposes["marketing"] = Choice{Granted: true}
	again, _ := c.get(raw)
	if !again.Purposes["support"].Granted || again.Objections[0] != "marketing" || len(again.Purposes) != 1 {
		t.Fatalf("the cached state changed with a caller's copy: %+v", again)
	}
	// Other bytes are another entry, and the cache stays bounded.
	if _, ok := c.get([]byte(`{"purposes":{}}`)); ok {
		t.Fatal("hit for bytes never put")
	}
	for i := range 2 * stateCacheSize {
		c.put(fmt.Appendf(nil, `{"n":%d}`, i), State{})
	}
	if n := len(c.m); n > stateCacheSize {
		t.Fatalf("%d entries, cap %d", n, stateCacheSize)
	}
}
