package detect

// wordIndex maps lower-case words to small integers, for the lookups behind the word filters of
// wordSet and phraseSet. A word of up to seven bytes, nearly every context word, is its own key
// (its bytes and its length packed into a number), so a lookup packs the word and compares numbers
// in a table a quarter full, where a Go map hashed the string and compared it. A word of eight to
// fifteen bytes (most surnames, street and place names, long context words) is two such numbers in
// a second table; only longer words go to a map. Built when the program starts; read-only
// afterwards.
type wordIndex struct {
	keys  []uint64 // packed words, 0 for an empty slot
	vals  []int32
	shift uint // 64 - log2(len(keys))
	n     int
	mid   midIndex
	long  map[string]int32
}

// get returns the value of w, or ok false.
func (x *wordIndex) get(w string) (v int32, ok bool) {
	switch {
	case len(w) == 0:
		return 0, false
	case len(w) <= maxPacked:
		return x.getPacked(packWord(w))
	case len(w) <= maxPacked2:
		return x.mid.get(w)
	}
	v, ok = x.long[w]
	return v, ok
}

func (x *wordIndex) getPacked(k uint64) (v int32, ok bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := uint64(len(x.keys) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> x.shift; ; i = (i + 1) & mask {
		switch x.keys[i] {
		case k:
			return x.vals[i], true
		case 0:
			return 0, false
		}
	}
}

// put sets the value of w (not empty).
func (x *wordIndex) put(w string, v int32) {
	switch {
	case len(w) <= maxPacked:
		if 4*(x.n+1) > len(x.keys) {
			x.grow()
		}
		x.insert(packWord(w), v)
	case len(w) <= maxPacked2:
		x.mid.put(w, v)
	default:
		if x.long == nil {
			x.long = make(map[string]int32)
		}
		x.long[w] = v
	}
}

func (x *wordIndex) insert(k uint64, v int32) {
	mask := uint64(len(x.keys) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> x.shift; ; i = (i + 1) & mask {
		switch x.keys[i] {
		case k:
			x.vals[i] = v
			return
		case 0:
			x.keys[i], x.vals[i] = k, v
			x.n++
			return
		}
	}
}

// grow doubles the table (from 16 slots) and reinserts the words.
func (x *wordIndex) grow() {
	keys, vals := x.keys, x.vals
	size, shift := 16, uint(60)
	if len(keys) > 0 {
		size, shift = 2*len(keys), x.shift-1
	}
	x.keys, x.vals, x.shift, x.n = make([]uint64, size), make([]int32, size), shift, 0
	for i, k := range keys {
		if k != 0 {
			x.insert(k, vals[i])
		}
	}
}

// maxPacked is the longest word packWord takes, maxPacked2 the longest that packWord2 takes.
const (
	maxPacked  = 7
	maxPacked2 = 15
)

// packWord returns the bytes of w (one to maxPacked) as a little-endian number, with the length in
// the top byte: distinct words give distinct numbers, none of them 0. It reads the first and the
// last four bytes (or the first, middle and last byte), which may overlap, instead of a loop.
func packWord(w string) uint64 {
	n := len(w)
	var k uint64
	if n >= 4 {
		first := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24
		last := uint64(w[n-4]) | uint64(w[n-3])<<8 | uint64(w[n-2])<<16 | uint64(w[n-1])<<24
		k = first | last<<(8*(n-4))
	} else {
		k = uint64(w[0]) | uint64(w[n/2])<<(8*(n/2)) | uint64(w[n-1])<<(8*(n-1))
	}
	return k | uint64(n)<<56
}

// packWord2 returns the bytes of w (maxPacked+1 to maxPacked2) as two little-endian numbers: the
// first eight bytes, and the others with the length in the top byte.
func packWord2(w string) (lo, hi uint64) {
	n := len(w)
	lo = load8(w, 0)
	hi = load8(w, n-8) >> (8 * (16 - n)) // the bytes after the first eight, from the last eight
	return lo, hi | uint64(n)<<56
}

// load8 returns the eight bytes of w at i as a little-endian number (the compiler makes it one
// load).
func load8(w string, i int) uint64 {
	w = w[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// midIndex is wordIndex's table of the words of maxPacked+1 to maxPacked2 bytes, keyed by
// packWord2, a quarter full.
type midIndex struct {
	keys  []midKey // hi 0 for an empty slot
	vals  []int32
	shift uint
	n     int
}

type midKey struct{ lo, hi uint64 }

func (k midKey) slot(shift uint) uint64 {
	return ((k.lo ^ k.hi*0xC2B2AE3D27D4EB4F) * 0x9E3779B97F4A7C15) >> shift
}

func (x *midIndex) get(w string) (v int32, ok bool) {
	if x.n == 0 {
		return 0, false
	}
	lo, hi := packWord2(w)
	k := midKey{lo, hi}
	mask := uint64(len(x.keys) - 1)
	for i := k.slot(x.shift); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case k:
			return x.vals[i], true
		case midKey{}:
			return 0, false
		}
	}
}

func (x *midIndex) put(w string, v int32) {
	if 4*(x.n+1) > len(x.keys) {
		keys, vals := x.keys, x.vals
		size, shift := 16, uint(60)
		if len(keys) > 0 {
			size, shift = 2*len(keys), x.shift-1
		}
		x.keys, x.vals, x.shift, x.n = make([]midKey, size), make([]int32, size), shift, 0
		for i, k := range keys {
			if k.hi != 0 {
				x.insert(k, vals[i])
			}
		}
	}
	lo, hi := packWord2(w)
	x.insert(midKey{lo, hi}, v)
}

func (x *midIndex) insert(k midKey, v int32) {
	mask := uint64(len(x.keys) - 1)
	for i := k.slot(x.shift); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case k:
			x.vals[i] = v
			return
		case midKey{}:
			x.keys[i], x.vals[i] = k, v
			x.n++
			return
		}
	}
}
