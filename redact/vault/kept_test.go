package vault

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

// TestRestorerFollowsTokens: on every backend, a Restorer made after a change to the subject's
// tokens reflects it, whether or not the vault keeps Restorers between calls (it does on the
// in-process store, and there gives the same one while nothing changed).
func TestRestorerFollowsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		restore := func(text string) string {
			t.Helper()
			rs, err := v.Restorer(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			out, _ := rs.Restore(text)
			return out
		}
		email := mustTokenize(t, v, "k", redact.Email, "anna@example.de", Placeholder)
		if got := restore(email); got != "anna@example.de" {
			t.Fatalf("first token: %q", got)
		}
		first, err := v.Restorer(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		again, err := v.Restorer(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if kept := first == again; kept != v.InProcess() {
			t.Errorf("Restorer kept between calls = %v, want %v (in-process store)", kept, v.InProcess())
		}

		// A new token.
		phone := mustTokenize(t, v, "k", redact.Phone, "+44 20 7946 0958", Placeholder)
		if got := restore(email + " " + phone); got != "anna@example.de +44 20 7946 0958" {
			t.Errorf("after a new token: %q", got)
		}

		// A rectified value.
		if err := v.Rectify(ctx, "k", redact.Email, "anna@example.de", "anna@example.org"); err != nil {
			t.Fatal(err)
		}
		if got := restore(email); got != "anna@example.org" {
			t.Errorf("after rectification: %q", got)
		}

		// A token that expires while the data key is still cached (its TTL is shorter than the
		// cache's), and one whose retention a second Tokenize extended.
		short, err := v.Tokenize(ctx, "k", redact.IBAN, "DE89 3704 0044 0532 0130 00", Placeholder, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got := restore(short); got != "DE89 3704 0044 0532 0130 00" {
			t.Errorf("short-lived token: %q", got)
		}
		if !b.realTTL {
			b.clock.Advance(11 * time.Second)
			if got := restore(short); got != short {
				t.Errorf("expired token restored: %q", got)
			}
		}

		// Erasure.
		if _, err := v.EraseSubject(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if got := restore(email + " " + phone); got != email+" "+phone {
			t.Errorf("restored after erasure: %q", got)
		}
	})
}

// TestRestorerExtendedToken: a Restorer kept from before a token's retention was extended still
// gives the token once its first expiry has passed.
func TestRestorerExtendedToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		if b.realTTL {
			t.Skip("needs the test clock")
		}
		v := newVault(t, b)
		const ttl = 16 * time.Second
		tok, err := v.Tokenize(ctx, "x", redact.Email, "bo@example.de", Placeholder, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Restorer(ctx, "x"); err != nil { // kept, on the in-process store
			t.Fatal(err)
		}
		b.clock.Advance(10 * time.Second)
		if _, err := v.Tokenize(ctx, "x", redact.Email, "bo@example.de", Placeholder, ttl); err != nil { // extends to 26 s
			t.Fatal(err)
		}
		b.clock.Advance(10 * time.Second) // 20 s: past the first expiry, before the second
		rs, err := v.Restorer(ctx, "x")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := rs.Restore(tok); got != "bo@example.de" {
			t.Errorf("extended token: %q", got)
		}
	})
}

// readCounter counts the index reads of an in-process store.
type readCounter struct {
	Store
	indexReads int
}

func (r *readCounter) InProcess() bool { return true }

func (r *readCounter) GetMany(ctx context.Context, subject, kind string, keys []string) ([]store.Record, error) {
	if kind == KindIndex {
		r.indexReads++
	}
	return r.Store.GetMany(ctx, subject, kind, keys)
}

func (r *readCounter) Get(ctx context.Context, subject, kind, key string) (store.Record, error) {
	if kind == KindIndex {
		r.indexReads++
	}
	return r.Store.Get(ctx, subject, kind, key)
}

// TestTokenizeAllKeepsTokens: on an in-process store, the tokens TokenizeAll found are given
// again without reading the index, until the subject's tokens change, a token's retention is due
// to be extended, or the subject is erased; what it gives is always what the store says.
func TestTokenizeAllKeepsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newStores(t)[0] // the in-memory double, here counted and said to be in-process
	st := &readCounter{Store: b.st}
	b.st = st
	v := newVault(t, b)
	const ttl = 16 * time.Second // within the data key cache's TTL, so nothing expires with it
	items := []Item{{Type: redact.Email, Value: "eva@example.de"}, {Type: redact.Phone, Value: "+49 30 1234567"}}
	tokenize := func() []string {
		t.Helper()
		toks, err := v.TokenizeAll(ctx, "s", items, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return toks
	}
	first := tokenize() // creates both
	if got := tokenize(); !slices.Equal(got, first) {
		t.Fatalf("second TokenizeAll = %q, want %q", got, first)
	}
	reads := st.indexReads
	if got := tokenize(); !slices.Equal(got, first) || st.indexReads != reads {
		t.Errorf("third TokenizeAll = %q with %d index reads, want %q from memory", got, st.indexReads-reads, first)
	}

	// Past an eighth of the retention, the tokens are read again and their retention extended.
	b.clock.Advance(ttl/8 + time.Second)
	reads = st.indexReads
	if got := tokenize(); !slices.Equal(got, first) || st.indexReads == reads {
		t.Errorf("TokenizeAll due for extension = %q without reading the index", got)
	}
	b.clock.Advance(ttl - ttl/8) // past the first expiry: only the extension keeps them
	if got := tokenize(); !slices.Equal(got, first) {
		t.Errorf("after the first expiry: %q, want the extended %q", got, first)
	}

	// Rectification moves the token to the new value; the old value is new to the subject.
	tokenize() // kept again (the extension above dropped what was kept)
	if reads = st.indexReads; !slices.Equal(tokenize(), first) || st.indexReads != reads {
		t.Fatalf("tokens not kept before rectification")
	}
	if err := v.Rectify(ctx, "s", redact.Email, "eva@example.de", "eva@example.org"); err != nil {
		t.Fatal(err)
	}
	if got := tokenize(); got[0] == first[0] || got[1] != first[1] {
		t.Errorf("after rectification: %q (before %q): the old value must get a new token", got, first)
	}
	moved, err := v.TokenizeAll(ctx, "s", []Item{{Type: redact.Email, Value: "eva@example.org"}}, ttl)
	if err != nil || moved[0] != first[0] {
		t.Errorf("rectified value: %q, %v; want %q", moved, err, first[0])
	}

	// Erasure: new key, new tokens.
	if _, err := v.EraseSubject(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if got := tokenize(); got[1] == first[1] {
		t.Errorf("after erasure the phone kept its token %q", got[1])
	}
}
