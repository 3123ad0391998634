package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// TestOnReload: the hook hears about a new revision and about a rejected pack, not about a reload
// that changed nothing.
func TestOnReload(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"veil.rego", "veil_test.rego", "data.json"} {
		b, err := os.ReadFile(filepath.Join("..", "policies", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	off := false
	e, err := New(context.Background(), Config{Dir: dir, Watch: &off}, zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var mu sync.Mutex
	var got []string
	e.OnReload(func(rev string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			got = append(got, "rejected:"+rev)
		} else {
			got = append(got, "loaded:"+rev)
		}
	})
	first := e.Revision()
	_ = e.Reload() // unchanged: no call
	data, _ := os.ReadFile(filepath.Join(dir, "data.json"))
	if err := os.WriteFile(filepath.Join(dir, "data.json"), []byte(strings.Replace(string(data), `"eu": "EU",`, `"eu": "EU", "eu-test-1": "a test region",`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	second := e.Revision()
	if err := os.WriteFile(filepath.Join(dir, "veil.rego"), []byte("package veil\nthis is not rego"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e.Reload() == nil {
		t.Fatal("bad Rego accepted")
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"loaded:" + second, "rejected:" + second}
	if second == first || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("hook calls %q, want %q", got, want)
	}
}
