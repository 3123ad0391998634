package vault

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Restorer puts one subject's values back in place of its tokens in text going to that subject.
// It holds the subject's tokens and values decrypted once, when it is made; it is safe for
// concurrent use and meant to live for one response.
type Restorer struct {
	pairs  []pair
	start  [257]uint32 // pairs[start[c]:start[c+1]] are the tokens starting with byte c
	single int         // the one first byte every token shares, or -1
	maxLen int
}

// pair is one token and its value. A token that starts (ends) with a letter or digit only
// matches where the text has no letter or digit just before (after) it, so a surrogate card
// number inside a longer number, or an address inside a longer one, stays as it is.
type pair struct {
	token, value string
	wordL, wordR bool
}

// Restorer loads the subject's live tokens for Restore. A subject without tokens gets a Restorer
// that changes nothing.
//
// When the store is in-process, every write to a subject's tokens goes through this vault, so the
// Restorer is kept with the subject's cached data key and given again until one of its tokens
// expires or the subject's tokens change (a token created, extended or rectified; an erasure
// drops the key and the Restorer with it). A reply then costs no store read and no decryption,
// however many tokens the subject has. Over a shared store another replica may add tokens, so
// each call loads them.
func (v *Vault) Restorer(ctx context.Context, subject string) (*Restorer, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	var gen uint64
	keep := v.InProcess()
	if keep {
		var rs *Restorer
		if rs, gen = v.cache.restorer(subject); rs != nil {
			return rs, nil
		}
	}
	pairs, until, err := v.pairs(ctx, subject)
	if err != nil {
		return nil, err
	}
	rs := newRestorer(pairs)
	if keep {
		v.cache.keepRestorer(subject, gen, rs, until)
	}
	return rs, nil
}

// pairs decrypts the subject's live entries and says when the first of them expires. Records of
// another generation of the key mean the cached key is out of date (the subject was erased and
// recreated through another replica): the key is read again once.
func (v *Vault) pairs(ctx context.Context, subject string) ([]pair, time.Time, error) {
	var until time.Time
	dk, err := v.dataKey(ctx, subject, false)
	if errors.Is(err, errNoKey) {
		return nil, until, nil
	}
	if err != nil {
		return nil, until, err
	}
	for attempt := 0; ; attempt++ {
		recs, err := v.st.List(ctx, subject, KindToken)
		if err != nil {
			return nil, until, fmt.Errorf("listing tokens: %w", err)
		}
		now := v.now()
		until = now.Add(24 * time.Hour)
		pairs := make([]pair, 0, len(recs))
		stale := false
		for _, rec := range recs {
			e, err := dk.openEntry(subject, rec.Key, rec.Value)
			if errors.Is(err, errStale) {
				stale = true
				continue
			}
			if err != nil {
				return nil, until, err
			}
			if now.Before(e.expires) {
				pairs = append(pairs, pair{token: e.token, value: e.value})
				until = minTime(until, e.expires)
			}
		}
		if !stale || attempt > 0 {
			return pairs, until, nil
		}
		fresh, err := v.loadDataKey(ctx, subject, false)
		if errors.Is(err, errNoKey) {
			return nil, until, nil
		}
		if err != nil {
			return nil, until, err
		}
		if fresh.id == dk.id {
			return pairs, until, nil
		}
		dk = fresh
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func newRestorer(pairs []pair) *Restorer {
	r := &Restorer{pairs: pairs, single: -1}
	for i := range pairs {
		p := &pairs[i]
		p.wordL, p.wordR = isAlnum(p.token[0]), isAlnum(p.token[len(p.token)-1])
		r.maxLen = max(r.maxLen, len(p.token))
	}
	// By first byte, then longest first, so the longest token at a position wins.
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(a.token[0], b.token[0]); c != 0 {
			return c
		}
		return cmp.Compare(len(b.token), len(a.token))
	})
	i := 0
	for c := range 256 {
		r.start[c] = uint32(i)
		for i < len(pairs) && int(pairs[i].token[0]) == c {
			i++
		}
	}
	r.start[256] = uint32(i)
	if len(pairs) > 0 && pairs[0].token[0] == pairs[len(pairs)-1].token[0] {
		r.single = int(pairs[0].token[0])
	}
	return r
}

// MaxTokenLen is the length in bytes of the longest token Restore replaces: a streaming rewriter
// holds back MaxTokenLen-1 bytes so a token split across chunks is still found.
func (r *Restorer) MaxTokenLen() int { return r.maxLen }

// Len is the number of tokens the Restorer knows.
func (r *Restorer) Len() int { return len(r.pairs) }

// Restore returns text with every token of the subject replaced by its value, and how many it
// replaced. Strings that merely look like tokens, and tokens of other subjects, stay as they are.
// Text without tokens is returned as is, without allocating.
func (r *Restorer) Restore(text string) (string, int) {
	if len(r.pairs) == 0 {
		return text, 0
	}
	var b strings.Builder
	last, n := 0, 0
	for i := 0; i < len(text); {
		if r.single >= 0 {
			j := strings.IndexByte(text[i:], byte(r.single))
			if j < 0 {
				break
			}
			i += j
		}
		c := text[i]
		lo, hi := r.start[c], r.start[int(c)+1]
		if lo == hi {
			i++
			continue
		}
		p := r.match(text, i, int(lo), int(hi))
		if p == nil {
			i++
			continue
		}
		if n == 0 {
			b.Grow(len(text) + len(p.value) + 16)
		}
		b.WriteString(text[last:i])
		b.WriteString(p.value)
		i += len(p.token)
		last = i
		n++
	}
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

func (r *Restorer) match(text string, i, lo, hi int) *pair {
	for k := lo; k < hi; k++ {
		p := &r.pairs[k]
		if !strings.HasPrefix(text[i:], p.token) {
			continue
		}
		if p.wordL && wordRuneBefore(text, i) || p.wordR && wordRuneAt(text, i+len(p.token)) {
			continue
		}
		return p
	}
	return nil
}
