package detect

// The name lexicon: every word of the word lists that Person (and Address, for its street names)
// asks about a capitalised or lower-case word, in one index whose value says which lists hold the
// word. parseName and nameWord asked three to five lists about each word one after the other
// (nameStop, funcWords, givenNames, softStop, surnames), each a filter and a lookup, and a Go map
// lookup for every word longer than seven bytes, as most surnames are; one lookup answers them all.

// nameKind is a set of the lists that hold a word.
type nameKind uint16

const (
	kindGiven     nameKind = 1 << iota // givenNames
	kindSurname                        // surnames
	kindNameStop                       // nameStop
	kindSoftStop                       // softStop
	kindFunc                           // funcWords
	kindLowerStop                      // lowerStop
	kindParticle                       // personParticles
	kindAmbiguous                      // ambiguousGiven
)

// nameLexicon maps each word of the lists above to its nameKind.
var nameLexicon = func() *wordIndex {
	x := &wordIndex{}
	kinds := make(map[string]nameKind)
	for _, l := range []struct {
		set  *wordSet
		kind nameKind
	}{
		{givenNames, kindGiven}, {surnames, kindSurname}, {nameStop, kindNameStop},
		{softStop, kindSoftStop}, {funcWords, kindFunc}, {lowerStop, kindLowerStop},
		{personParticles, kindParticle}, {ambiguousGiven, kindAmbiguous},
	} {
		for w := range l.set.m {
			kinds[w] |= l.kind
		}
	}
	for w, k := range kinds {
		if w != "" {
			x.put(w, int32(k))
		}
	}
	return x
}()

// nameKinds returns the lists that hold w (lower case).
func nameKinds(w string) nameKind {
	k, _ := nameLexicon.get(w)
	return nameKind(k)
}

// has reports whether any list of ks holds the word.
func (k nameKind) has(ks nameKind) bool { return k&ks != 0 }
