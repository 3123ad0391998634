package vault

import (
	"context"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// TestTokenizeAll: the tokens are Tokenize's, in order, for values the subject already has and
// values new to it alike; after an erasure the old index records are not used.
func TestTokenizeAll(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		v := newVault(t, b)
		known := mustTokenize(t, v, "s1", redact.Email, "anna@example.de", Placeholder)
		knownCard := mustTokenize(t, v, "s1", redact.CreditCard, "4111 1111 1111 1111", Surrogate)
		items := []Item{
			{Type: redact.Phone, Value: "+49 30 12345678", Format: Placeholder}, // new
			{Type: redact.Email, Value: "ANNA@example.de", Format: Placeholder}, // known, other spelling
			{Type: redact.CreditCard, Value: "4111-1111-1111-1111", Format: Surrogate},
			{Type: redact.Email, Value: "anna@example.de", Format: Surrogate},   // known value, new format
			{Type: redact.Phone, Value: "+49 30 12345678", Format: Placeholder}, // twice in one call
		}
		got, err := v.TokenizeAll(ctx, "s1", items, 30*day)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(items) {
			t.Fatalf("%d tokens for %d items", len(got), len(items))
		}
		if got[1] != known || got[2] != knownCard {
			t.Errorf("known values got %q, %q; want %q, %q", got[1], got[2], known, knownCard)
		}
		if got[0] != got[4] || got[3] == known {
			t.Errorf("tokens %q: the same value twice must get one token, another format another", got)
		}
		for i, it := range items {
			if want := mustTokenize(t, v, "s1", it.Type, it.Value, it.Format); got[i] != want {
				t.Errorf("item %d: TokenizeAll %q, Tokenize %q", i, got[i], want)
			}
		}
		// Erased: the subject starts afresh, and its old index records must not answer.
		if _, err := v.EraseSubject(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
		again, err := v.TokenizeAll(ctx, "s1", items[:2], 30*day)
		if err != nil {
			t.Fatal(err)
		}
		if again[0] == got[0] && again[1] == got[1] {
			t.Errorf("after erasure the same tokens came back: %q", again)
		}
		rs, err := v.Restorer(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		if out, _ := rs.Restore(again[1]); out != "ANNA@example.de" {
			t.Errorf("new token restores to %q", out)
		}
	})
}

func TestTokenizeAllRejects(t *testing.T) {
	t.Parallel()
	v := newVault(t, newStores(t)[0])
	ctx := context.Background()
	good := Item{Type: redact.Email, Value: "a@b.c"}
	tests := []struct {
		desc    string
		subject string
		item    Item
		ttl     bool
	}{
		{desc: "empty subject", subject: "", item: good, ttl: true},
		{desc: "invalid type", subject: "s", item: Item{Value: "a@b.c"}, ttl: true},
		{desc: "invalid format", subject: "s", item: Item{Type: redact.Email, Value: "a@b.c", Format: 9}, ttl: true},
		{desc: "no ttl", subject: "s", item: good},
		{desc: "empty value", subject: "s", item: Item{Type: redact.Email, Value: " "}, ttl: true},
		{desc: "huge value", subject: "s", item: Item{Type: redact.Email, Value: strings.Repeat("a", MaxValueLen+1)}, ttl: true},
	}
	for _, tc := range tests {
		ttl := day
		if !tc.ttl {
			ttl = 0
		}
		if toks, err := v.TokenizeAll(ctx, tc.subject, []Item{good, tc.item}, ttl); err == nil {
			t.Errorf("%s: got tokens %q, want an error", tc.desc, toks)
		} else if strings.Contains(err.Error(), "a@b.c") {
			t.Errorf("%s: error %q contains the value", tc.desc, err)
		}
	}
}
