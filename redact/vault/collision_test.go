package vault

import (
	"context"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

// TestCollisionLengthens occupies a value's first candidate token with another value of the same
// subject, as a hash collision would: the value gets the next candidate (a longer placeholder, or
// another surrogate), and both values stay revealable.
func TestCollisionLengthens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		for _, f := range []Format{Placeholder, Surrogate} {
			subject := "collide-" + f.String()
			v := newVault(t, b)
			mustTokenize(t, v, subject, redact.Email, "seed@example.de", f) // creates the data key
			dk, err := v.dataKey(ctx, subject, false)
			if err != nil {
				t.Fatal(err)
			}
			const value = "victim@example.de"
			norm := normalize(redact.Email, value)
			sum := dk.sum(macIndex, redact.Email.String(), f.String(), norm)
			first := candidate(redact.Email, f, value, norm, sum, 0)
			// Another value already holds the first candidate.
			now := b.clock.Now()
			key := dk.tokenKey(first)
			e := entry{typ: redact.Email, format: f, created: now, expires: now.Add(time.Hour), token: first, value: "squatter@example.de"}
			if err := b.st.Put(ctx, store.Record{Subject: subject, Kind: KindToken, Key: key, Value: dk.sealEntry(subject, key, &e), ExpiresAt: e.expires}); err != nil {
				t.Fatal(err)
			}
			got := mustTokenize(t, v, subject, redact.Email, value, f)
			if got == first {
				t.Fatalf("%s: collision not detected: %q", f, got)
			}
			if want := candidate(redact.Email, f, value, norm, sum, 1); got != want {
				t.Errorf("%s: got %q, want the next candidate %q", f, got, want)
			}
			if f == Placeholder && len(got) != len(first)+2 {
				t.Errorf("placeholder %q is not two hex digits longer than %q", got, first)
			}
			if val, ok := mustReveal(t, v, subject, got); !ok || val != value {
				t.Errorf("%s: Reveal(%q) = %q", f, got, val)
			}
			if val, ok := mustReveal(t, v, subject, first); !ok || val != "squatter@example.de" {
				t.Errorf("%s: the squatter's token now reveals %q", f, val)
			}
			if again := mustTokenize(t, v, subject, redact.Email, value, f); again != got {
				t.Errorf("%s: not deterministic after a collision: %q then %q", f, got, again)
			}
		}
	})
}
