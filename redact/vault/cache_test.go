package vault

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store/storetest"
)

func TestKeyCache(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Now())
	c := newKeyCache(3, time.Minute, clock.Now)
	keys := make([]*dataKey, 5)
	for i := range keys {
		keys[i] = newDataKey(GenerateKey())
		c.put(fmt.Sprint(i), keys[i])
		if i == 2 {
			c.get("0") // 0 is now the most recently used; 1 goes first
		}
	}
	if c.len() != 3 {
		t.Errorf("len %d, want 3", c.len())
	}
	for i, want := range []bool{true, false, false, true, true} {
		if got := c.get(fmt.Sprint(i)) != nil; got != want {
			t.Errorf("subject %d cached = %v, want %v", i, got, want)
		}
	}
	clock.Advance(time.Minute)
	if c.get("4") != nil {
		t.Error("expired entry returned")
	}
	c.put("4", keys[4])
	c.evict("4", keys[0]) // not that key: stays
	if c.get("4") == nil {
		t.Error("evict of another key removed the entry")
	}
	c.evict("4", nil)
	if c.get("4") != nil {
		t.Error("evicted entry returned")
	}
	off := newKeyCache(-1, time.Minute, clock.Now)
	off.put("x", keys[0])
	if off.get("x") != nil {
		t.Error("disabled cache returned an entry")
	}
}

func TestEraseEvictsCache(t *testing.T) {
	t.Parallel()
	b := newStores(t)[0]
	v := newVault(t, b)
	ctx := context.Background()
	mustTokenize(t, v, "cached", redact.Email, "a@example.de", Placeholder)
	if v.cache.get("cached") == nil {
		t.Fatal("data key not cached after Tokenize")
	}
	if _, err := v.EraseSubject(ctx, "cached"); err != nil {
		t.Fatal(err)
	}
	if v.cache.get("cached") != nil {
		t.Error("data key still cached after erasure")
	}
}
