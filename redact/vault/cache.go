package vault

import (
	"container/list"
	"sync"
	"time"
)

// keyCache keeps recently used unwrapped data keys: a bounded LRU whose entries also expire, so
// a key erased through another replica stops being used here within the TTL.
type keyCache struct {
	mu  sync.Mutex
	max int
	ttl time.Duration
	now func() time.Time
	ll  *list.List // of *cacheEntry, most recent first
	m   map[string]*list.Element
}

type cacheEntry struct {
	subject string
	dk      *dataKey
	expires time.Time
}

func newKeyCache(max int, ttl time.Duration, now func() time.Time) *keyCache {
	return &keyCache{max: max, ttl: ttl, now: now, ll: list.New(), m: make(map[string]*list.Element)}
}

func (c *keyCache) get(subject string) *dataKey {
	if c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[subject]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if !c.now().Before(e.expires) {
		c.ll.Remove(el)
		delete(c.m, subject)
		return nil
	}
	c.ll.MoveToFront(el)
	return e.dk
}

func (c *keyCache) put(subject string, dk *dataKey) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.m[subject]; ok {
		e := el.Value.(*cacheEntry)
		e.dk, e.expires = dk, exp
		c.ll.MoveToFront(el)
		return
	}
	c.m[subject] = c.ll.PushFront(&cacheEntry{subject: subject, dk: dk, expires: exp})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.m, last.Value.(*cacheEntry).subject)
	}
}

// evict drops a subject's key, if only dk is given, only when it is still that key.
func (c *keyCache) evict(subject string, only *dataKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[subject]; ok && (only == nil || el.Value.(*cacheEntry).dk == only) {
		c.ll.Remove(el)
		delete(c.m, subject)
	}
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
