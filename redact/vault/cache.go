package vault

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// keyCache keeps recently used unwrapped data keys: a bounded LRU whose entries also expire, so
// a key erased through another replica stops being used here within the TTL. On the in-process
// store an entry also keeps the subject's Restorer and the tokens TokenizeAll found (see
// Vault.Restorer), which go with the key.
type keyCache struct {
	mu  sync.Mutex
	max int
	ttl time.Duration
	now func() time.Time
	ll  *list.List // of *cacheEntry, most recent first
	m   map[string]*list.Element
	// gen numbers the states of entries' tokens: a new entry, and every change to a subject's
	// tokens, gets the next number, so nothing read from an earlier state is kept.
	gen uint64
}

type cacheEntry struct {
	subject string
	dk      *dataKey
	expires time.Time
	gen     uint64
	rs      *Restorer
	rsUntil time.Time                        // when the first of rs's tokens expires
	tokens  map[[sha256.Size]byte]knownToken // by index hash (macIndex of type, format, value)
}

// knownToken is a token TokenizeAll found through the index, and when it expires.
type knownToken struct {
	token   string
	expires time.Time
}

// maxKnownTokens bounds the tokens kept per subject.
const maxKnownTokens = 256

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
	c.gen++
	if el, ok := c.m[subject]; ok {
		e := el.Value.(*cacheEntry)
		e.dk, e.expires, e.gen, e.rs, e.tokens = dk, exp, c.gen, nil, nil
		c.ll.MoveToFront(el)
		return
	}
	c.m[subject] = c.ll.PushFront(&cacheEntry{subject: subject, dk: dk, expires: exp, gen: c.gen})
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

// restorer returns the subject's kept Restorer if it is still good, else nil and the generation
// under which to keep a new one (0: the subject has no entry, keep nothing).
func (c *keyCache) restorer(subject string) (*Restorer, uint64) {
	if c.max <= 0 {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[subject]
	if !ok {
		return nil, 0
	}
	e := el.Value.(*cacheEntry)
	now := c.now()
	if !now.Before(e.expires) {
		return nil, 0
	}
	if e.rs != nil && now.Before(e.rsUntil) {
		return e.rs, e.gen
	}
	return nil, e.gen
}

// keepRestorer keeps rs for the subject until until, unless its tokens changed since gen.
func (c *keyCache) keepRestorer(subject string, gen uint64, rs *Restorer, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[subject]; ok && gen != 0 && el.Value.(*cacheEntry).gen == gen {
		e := el.Value.(*cacheEntry)
		e.rs, e.rsUntil = rs, until
	}
}

// tokensChanged drops what is kept of the subject's tokens (its Restorer, the tokens TokenizeAll
// found): call it after a write to its tokens is stored.
func (c *keyCache) tokensChanged(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[subject]; ok {
		e := el.Value.(*cacheEntry)
		c.gen++
		e.gen, e.rs, e.tokens = c.gen, nil, nil
	}
}

// knownTokens sets out[i] to the kept token of sums[i] where there is one that expires later than
// fresh after now, and returns the generation under which to keep more (0: keep nothing).
func (c *keyCache) knownTokens(subject string, sums [][sha256.Size]byte, out []string, now time.Time, fresh time.Duration) uint64 {
	if c.max <= 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[subject]
	if !ok {
		return 0
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		return 0
	}
	until := now.Add(fresh)
	for i, sum := range sums {
		if k, ok := e.tokens[sum]; ok && until.Before(k.expires) {
			out[i] = k.token
		}
	}
	return e.gen
}

// keepToken keeps a token found through the index, unless the subject's tokens changed since gen.
func (c *keyCache) keepToken(subject string, gen uint64, sum [sha256.Size]byte, k knownToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[subject]
	if !ok || gen == 0 || el.Value.(*cacheEntry).gen != gen {
		return
	}
	e := el.Value.(*cacheEntry)
	if e.tokens == nil {
		e.tokens = make(map[[sha256.Size]byte]knownToken)
	}
	if len(e.tokens) < maxKnownTokens {
		e.tokens[sum] = k
	}
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
