package consent

import (
	"maps"
	"slices"
	"sync"
)

// stateCacheSize bounds the decoded consent records kept (a few hundred bytes each).
const stateCacheSize = 4096

// stateCache keeps the decoded form of recently read consent records, keyed by the record's exact
// bytes. Decoding JSON is most of what reading a subject's consent costs on every chat message;
// a hit is right by construction (the same bytes decode to the same state), so nothing needs
// invalidating, whoever wrote the record (another replica included). A record holds choices and
// times, no personal value and no subject id.
type stateCache struct {
	mu sync.Mutex
	m  map[string]State
}

// get returns a copy of the state raw decodes to, if it is cached.
func (c *stateCache) get(raw []byte) (State, bool) {
	c.mu.Lock()
	s, ok := c.m[string(raw)]
	c.mu.Unlock()
	if !ok {
		return State{}, false
	}
	return s.clone(), true
}

// put keeps a copy of s as what raw decodes to, evicting an arbitrary entry when full.
func (c *stateCache) put(raw []byte, s State) {
	s = s.clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]State)
	}
	if len(c.m) >= stateCacheSize {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[string(raw)] = s
}

// clone copies s so that its maps and slices are not shared with the cache.
func (s State) clone() State {
	s.Purposes = maps.Clone(s.Purposes)
	s.Objections = slices.Clone(s.Objections)
	return s
}
