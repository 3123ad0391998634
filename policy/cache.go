package policy

import (
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
)

// maxCachedFindings bounds the findings of a cacheable input (comparison is quadratic in them);
// a larger input is evaluated every time.
const maxCachedFindings = 32

const cacheShards = 16

var hashSeed = maphash.MakeSeed()

// Shadow verdicts recorded on a cache entry.
const (
	shadowPending int32 = iota
	shadowAgree
	shadowDisagree
)

// cache holds decisions by input. It is bound to one loaded policy (and shadow policy): a reload
// replaces it, which is how it is cleared.
type cache struct {
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu         sync.Mutex
	cap        int
	entries    map[uint64]*cacheEntry
	head, tail *cacheEntry // most recently used first
}

type cacheEntry struct {
	key        uint64
	in         Input // a private copy, compared on a hit
	decision   Decision
	shadow     atomic.Int32
	prev, next *cacheEntry
}

// newCache returns a cache of about size entries, or nil when size < 1 (no cache).
func newCache(size int) *cache {
	if size < 1 {
		return nil
	}
	c := &cache{}
	per := max(1, (size+cacheShards-1)/cacheShards)
	for i := range c.shards {
		c.shards[i].cap = per
		c.shards[i].entries = make(map[uint64]*cacheEntry)
	}
	return c
}

func (c *cache) shard(key uint64) *cacheShard { return &c.shards[key>>60&(cacheShards-1)] }

// get returns the entry for in, or nil. It does not allocate.
func (c *cache) get(key uint64, in *Input, withID bool) *cacheEntry {
	s := c.shard(key)
	s.mu.Lock()
	e := s.entries[key]
	if e == nil || !equalInput(&e.in, in, withID) {
		s.mu.Unlock()
		return nil
	}
	s.moveToFront(e)
	s.mu.Unlock()
	return e
}

// put stores d for in (copied) and returns the new entry.
func (c *cache) put(key uint64, in *Input, d Decision) *cacheEntry {
	e := &cacheEntry{key: key, in: copyInput(in), decision: d}
	s := c.shard(key)
	s.mu.Lock()
	if old := s.entries[key]; old != nil {
		s.unlink(old)
	}
	s.entries[key] = e
	s.pushFront(e)
	for len(s.entries) > s.cap {
		last := s.tail
		s.unlink(last)
		delete(s.entries, last.key)
	}
	s.mu.Unlock()
	return e
}

// len is the number of entries, for tests.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}

func (s *cacheShard) pushFront(e *cacheEntry) {
	e.prev, e.next = nil, s.head
	if s.head != nil {
		s.head.prev = e
	}
	s.head = e
	if s.tail == nil {
		s.tail = e
	}
}

func (s *cacheShard) unlink(e *cacheEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (s *cacheShard) moveToFront(e *cacheEntry) {
	if s.head == e {
		return
	}
	s.unlink(e)
	s.pushFront(e)
}

// cacheable reports whether in may be cached.
func cacheable(in *Input) bool { return len(in.Findings) <= maxCachedFindings }

// inputKey hashes in over every field in a fixed order. Findings and consent are combined
// order-independently (their order carries no meaning), so no sorting or allocation is needed.
// The subject id is included only when the policy can read it.
func inputKey(in *Input, withID bool) uint64 {
	h := mix(0, hashString(string(in.Direction)))
	h = mix(h, hashRoute(&in.Route))
	if withID {
		h = mix(h, hashString(in.Subject.ID))
	}
	h = mix(h, hashSubject(&in.Subject))
	var findings uint64
	for i := range in.Findings {
		f := &in.Findings[i]
		fh := mix(hashString(f.Type), hashString(f.Subtype))
		fh = mix(fh, math.Float64bits(f.Confidence))
		fh = mix(fh, hashString(f.Field))
		fh = mix(fh, uint64(f.Count))
		findings += fmix(fh)
	}
	h = mix(h, findings)
	h = mix(h, uint64(len(in.Findings)))
	h = mix(h, hashString(in.Request.Method))
	h = mix(h, hashString(in.Request.Path))
	h = mix(h, hashString(in.Request.ContentType))
	h = mix(h, hashString(in.Upstream.Name))
	h = mix(h, hashString(in.Upstream.Region))
	h = mix(h, hashString(in.Upstream.TransferMechanism))
	return fmix(h)
}

func hashRoute(r *Route) uint64 {
	h := mix(hashString(r.Name), hashString(r.Kind))
	h = mix(h, hashString(r.Purpose))
	return mix(h, hashStrings(r.AllowedTypes))
}

// hashSubject hashes a subject without its id.
func hashSubject(s *Subject) uint64 {
	var consent uint64
	for k, v := range s.Consent {
		consent += fmix(hashString(k) ^ boolBits(v))
	}
	h := mix(consent, uint64(len(s.Consent)))
	h = mix(h, hashStrings(s.Objections))
	return mix(h, boolBits(s.NoticeShown))
}

func hashString(s string) uint64 { return maphash.String(hashSeed, s) }

func hashStrings(ss []string) uint64 {
	h := uint64(len(ss))
	for _, s := range ss {
		h = mix(h, hashString(s))
	}
	return h
}

func boolBits(b bool) uint64 {
	if b {
		return 0x9e3779b97f4a7c15
	}
	return 0x7f4a7c159e3779b9
}

// mix folds x into h (order-dependent).
func mix(h, x uint64) uint64 { return fmix(h*0x100000001b3 ^ x + 0x9e3779b97f4a7c15) }

// fmix is the 64-bit finalizer of MurmurHash3.
func fmix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// equalInput reports whether a cached input a equals b, with findings compared as a multiset.
func equalInput(a, b *Input, withID bool) bool {
	if a.Direction != b.Direction || !equalRoute(&a.Route, &b.Route) ||
		(withID && a.Subject.ID != b.Subject.ID) || !equalSubject(&a.Subject, &b.Subject) ||
		len(a.Findings) != len(b.Findings) || a.Request != b.Request || a.Upstream != b.Upstream {
		return false
	}
	for i := range b.Findings {
		f := &b.Findings[i]
		if countFinding(a.Findings, f) != countFinding(b.Findings, f) {
			return false
		}
	}
	return true
}

func equalRoute(a, b *Route) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.Purpose == b.Purpose && equalStrings(a.AllowedTypes, b.AllowedTypes)
}

// equalSubject compares subjects without their ids.
func equalSubject(a, b *Subject) bool {
	if a.NoticeShown != b.NoticeShown || !equalStrings(a.Objections, b.Objections) || len(a.Consent) != len(b.Consent) {
		return false
	}
	for k, v := range a.Consent {
		if w, ok := b.Consent[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func countFinding(fs []Finding, f *Finding) int {
	n := 0
	for i := range fs {
		if fs[i] == *f {
			n++
		}
	}
	return n
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// copyInput returns a deep copy of in, so a cached entry never aliases a caller's slices or maps.
func copyInput(in *Input) Input {
	out := *in
	out.Route = copyRoute(&in.Route)
	out.Subject = copySubject(&in.Subject)
	out.Findings = append([]Finding(nil), in.Findings...)
	return out
}

func copyRoute(r *Route) Route {
	out := *r
	out.AllowedTypes = append([]string(nil), r.AllowedTypes...)
	return out
}

func copySubject(s *Subject) Subject {
	out := *s
	out.Objections = append([]string(nil), s.Objections...)
	if s.Consent != nil {
		out.Consent = make(map[string]bool, len(s.Consent))
		for k, v := range s.Consent {
			out.Consent[k] = v
		}
	}
	return out
}
