package vault

import (
	"context"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/storetest"
)

// TestRestorerReadAhead: on Redis, a Restorer made under a context that read the subject's tokens
// ahead restores them, and one made after the request created a token under that context
// restores the new token too (the write dropped the list read ahead).
func TestRestorerReadAhead(t *testing.T) {
	t.Parallel()
	rs := redisStore(t)
	if rs == nil {
		t.Skip("redis-server not installed")
	}
	ra := rs.(store.ReadAheader)
	v := newVault(t, backend{name: "redis", st: rs, clock: storetest.NewClock(time.Now()), realTTL: true})
	ctx := context.Background()
	email := mustTokenize(t, v, "k", redact.Email, "anna@example.de", Placeholder)
	restore := func(ctx context.Context, text string) string {
		t.Helper()
		r, err := v.Restorer(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		out, _ := r.Restore(text)
		return out
	}

	actx, err := ra.ReadAhead(ctx, "k", v.RestorerReadsAhead("k"))
	if err != nil {
		t.Fatal(err)
	}
	if got := restore(actx, email); got != "anna@example.de" {
		t.Fatalf("restorer read ahead: %q", got)
	}

	actx, err = ra.ReadAhead(ctx, "k", v.RestorerReadsAhead("k"))
	if err != nil {
		t.Fatal(err)
	}
	toks, err := v.TokenizeAll(actx, "k", []Item{{Type: redact.Phone, Value: "+49 30 1234567"}}, 30*day)
	if err != nil {
		t.Fatal(err)
	}
	if got := restore(actx, email+" "+toks[0]); got != "anna@example.de +49 30 1234567" {
		t.Fatalf("restorer after a token was created under the context: %q", got)
	}
}
