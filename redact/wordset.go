package redact

import (
	"strings"
	"sync"
	"sync/atomic"
)

// WordSet is a read-only set of lower-case words (context words, gazetteers) for the per-token
// checks detectors make. Every WordSet adds its words to one shared lexicon, so a token's lower-case
// form is hashed and looked up once per scan, whichever sets and detectors ask about it; after that,
// HasToken is a bit test. Create WordSets when the program starts (package variables), not per
// message. Safe for concurrent use.
type WordSet struct {
	bit    uint64 // this set's bit in lexicon entries; 0 when the lexicon is full (see own)
	own    *wordTable
	filter [64]uint64 // 4,096 bits on (length, first byte, last byte) of the words
	minLen int
	maxLen int
	n      int
}

// lexiconBits is how many WordSets share the lexicon; bit 63 of a cached entry marks it computed.
const lexiconBits = 63

var (
	lexiconMu   sync.Mutex
	lexiconSets int                       // sets registered
	lexicon     atomic.Pointer[wordTable] // immutable snapshot: word → bits of the sets holding it
)

// NewWordSet returns the set of words, lower-cased. Empty words are ignored.
func NewWordSet(words ...string) *WordSet {
	s := &WordSet{minLen: 1 << 30}
	uniq := make(map[string]struct{}, len(words))
	for _, w := range words {
		if w = strings.ToLower(w); w != "" {
			uniq[w] = struct{}{}
			s.minLen, s.maxLen = min(s.minLen, len(w)), max(s.maxLen, len(w))
		}
	}
	s.n = len(uniq)
	s.own = newWordTable(len(uniq))
	for w := range uniq {
		s.own.add(w, 1)
		f := filterBit(w)
		s.filter[f>>6] |= 1 << (f & 63)
	}
	lexiconMu.Lock()
	defer lexiconMu.Unlock()
	if lexiconSets < lexiconBits {
		s.bit = 1 << lexiconSets
		lexiconSets++
		// Copy on write: scans in flight keep the snapshot they loaded.
		old := lexicon.Load()
		size := len(uniq)
		if old != nil {
			size += old.n
		}
		next := newWordTable(size)
		if old != nil {
			for _, sl := range old.slots {
				if sl.hash != 0 {
					next.add(sl.word, sl.bits)
				}
			}
		}
		for w := range uniq {
			next.add(w, s.bit)
		}
		lexicon.Store(next)
	}
	return s
}

// Len returns the number of words in s.
func (s *WordSet) Len() int { return s.n }

// Has reports whether w, already lower-case, is in s.
func (s *WordSet) Has(w string) bool {
	if len(w) < s.minLen || len(w) > s.maxLen {
		return false
	}
	return s.own.get(w, wordHash(w)) != 0
}

// HasToken reports whether the lower-case form of token i of t (t.Lower[tok.Start:tok.End]) is in s.
// A token is hashed at most once per view, whichever sets ask about it; the set's filter answers
// most questions about a token not yet hashed.
func (s *WordSet) HasToken(t *Text, i int) bool {
	k := t.Tokens[i]
	if n := k.End - k.Start; n < s.minLen || n > s.maxLen {
		return false
	}
	w := t.Lower[k.Start:k.End]
	if s.bit == 0 {
		return s.own.get(w, wordHash(w)) != 0
	}
	if len(t.wbits) != len(t.Tokens) {
		t.wbits = append(t.wbits[:0], make([]uint64, len(t.Tokens))...)
	}
	b := t.wbits[i]
	if b == 0 {
		if f := filterBit(w); s.filter[f>>6]&(1<<(f&63)) == 0 {
			return false
		}
		if lx := lexicon.Load(); lx != nil && len(w) <= lx.maxLen {
			b = lx.get(w, wordHash(w))
		}
		b |= 1 << lexiconBits
		t.wbits[i] = b
	}
	return b&s.bit != 0
}

// filterBit returns the bit of w (not empty) in a WordSet's filter.
func filterBit(w string) uint64 {
	k := uint64(w[0]) | uint64(w[len(w)-1])<<8 | uint64(min(len(w), 255))<<16
	return (k * 0x9E3779B97F4A7C15) >> 52
}

// wordTable is an open-addressing hash table from words to bits, at most half full.
type wordTable struct {
	slots  []wordSlot
	mask   uint64
	n      int
	maxLen int
}

type wordSlot struct {
	hash uint64 // 0 for an empty slot
	bits uint64
	word string
}

func newWordTable(n int) *wordTable {
	size := 8
	for size < 2*n+1 {
		size <<= 1
	}
	return &wordTable{slots: make([]wordSlot, size), mask: uint64(size - 1)}
}

// add ors bits into w's entry, creating it.
func (t *wordTable) add(w string, bits uint64) {
	h := wordHash(w)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.hash == 0 {
			*sl = wordSlot{hash: h, bits: bits, word: w}
			t.n++
			t.maxLen = max(t.maxLen, len(w))
			return
		}
		if sl.hash == h && sl.word == w {
			sl.bits |= bits
			return
		}
	}
}

// get returns w's bits, 0 when absent.
func (t *wordTable) get(w string, h uint64) uint64 {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.hash == 0 {
			return 0
		}
		if sl.hash == h && sl.word == w {
			return sl.bits
		}
	}
}

// wordHash is FNV-1a with a final mix; never 0.
func wordHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	h ^= h >> 29
	return h | 1
}
