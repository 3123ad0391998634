package detect

// wordIndex maps lower-case words to small integers, for the lookups behind the word filters of
// wordSet and phraseSet. A word of up to seven bytes, nearly every context word, is its own key
// (its bytes and its length packed into a number), so a lookup packs the word and compares numbers
// in a table a quarter full, where a Go map hashed the string and compared it. Longer words go to a
// map. Built when the program starts; read-only afterwards.
type wordIndex struct {
	keys  []uint64 // packed words, 0 for an empty slot
	vals  []int32
	shift uint // 64 - log2(len(keys))
	n     int
	long  map[string]int32
}

// get returns the value of w, or ok false.
func (x *wordIndex) get(w string) (v int32, ok bool) {
	if len(w) > maxPacked || len(w) == 0 {
		v, ok = x.long[w]
		return v, ok
	}
	if x.n == 0 {
		return 0, false
	}
	k := packWord(w)
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
	if len(w) > maxPacked {
		if x.long == nil {
			x.long = make(map[string]int32)
		}
		x.long[w] = v
		return
	}
	if 4*(x.n+1) > len(x.keys) {
		x.grow()
	}
	x.insert(packWord(w), v)
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

// maxPacked is the longest word packWord takes.
const maxPacked = 7

// packWord returns the bytes of w (one to maxPacked) as a little-endian number, with the length in
// the top byte: distinct words give distinct numbers, none of them 0.
func packWord(w string) uint64 {
	k := uint64(len(w)) << 56
	for i := len(w) - 1; i >= 0; i-- {
		k |= uint64(w[i]) << (8 * i)
	}
	return k
}
