package vault

// Holdback returns how many trailing bytes of text could still become one of the subject's tokens
// if more text followed: the longest suffix that is a proper prefix of a token, or a whole token
// that must end at a word boundary (more letters or digits would unmake it). A streaming rewriter
// emits everything before it and waits for more text for the rest.
func (r *Restorer) Holdback(text string) int {
	best := 0
	for i := range r.pairs {
		p := &r.pairs[i]
		k := min(len(p.token), len(text))
		if k == len(p.token) && !p.wordR {
			k--
		}
		for ; k > best; k-- {
			if text[len(text)-k:] == p.token[:k] {
				best = k
				break
			}
		}
	}
	return best
}
