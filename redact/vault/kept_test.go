package vault

import (
	"context"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
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
