package vault

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func BenchmarkTokenize(b *testing.B) {
	ctx := context.Background()
	for _, be := range newStores(b) {
		v := newVault(b, be)
		b.Run(be.name+"/existing", func(b *testing.B) {
			tok := mustTokenize(b, v, "bench", redact.Email, "anna@example.de", Placeholder)
			b.ReportAllocs()
			for b.Loop() {
				got, err := v.Tokenize(ctx, "bench", redact.Email, "anna@example.de", Placeholder, 30*day)
				if err != nil || got != tok {
					b.Fatal(got, err)
				}
			}
		})
		b.Run(be.name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := v.Tokenize(ctx, "bench", redact.Email, fmt.Sprintf("user%d@example.de", i), Surrogate, 30*day); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTokenizeAll measures a message's three values that the subject already has tokens
// for: read through the index each time, and kept by the vault (the embedded store).
func BenchmarkTokenizeAll(b *testing.B) {
	ctx := context.Background()
	be := newStores(b)[1] // embedded
	v := newVault(b, be)
	items := []Item{
		{Type: redact.Person, Value: "Maria Rossi"},
		{Type: redact.Email, Value: "maria.rossi@example.org"},
		{Type: redact.Phone, Value: "+49 30 12345678"},
	}
	want, err := v.TokenizeAll(ctx, "bench", items, 30*day)
	if err != nil {
		b.Fatal(err)
	}
	for _, kept := range []bool{false, true} {
		b.Run(map[bool]string{false: "read", true: "kept"}[kept], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !kept {
					v.cache.tokensChanged("bench")
				}
				got, err := v.TokenizeAll(ctx, "bench", items, 30*day)
				if err != nil || got[2] != want[2] {
					b.Fatal(got, err)
				}
			}
		})
	}
}

func BenchmarkReveal(b *testing.B) {
	ctx := context.Background()
	for _, be := range newStores(b) {
		v := newVault(b, be)
		tok := mustTokenize(b, v, "bench", redact.IBAN, "DE44 5001 0517 5407 3249 31", Surrogate)
		b.Run(be.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := v.Reveal(ctx, "bench", tok); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

// BenchmarkRestorer measures loading a subject's tokens (every entry is decrypted when the
// Restorer is made), getting the Restorer the vault kept (the embedded store, nothing changed
// since), and Restore on a 1 KB reply.
func BenchmarkRestorer(b *testing.B) {
	ctx := context.Background()
	be := newStores(b)[1] // embedded
	v := newVault(b, be)
	for _, n := range []int{3, 30} {
		subject := fmt.Sprintf("bench-%d", n)
		for i := range n {
			mustTokenize(b, v, subject, redact.Email, fmt.Sprintf("user%d@example.de", i), Placeholder)
		}
		for _, kept := range []bool{false, true} {
			name := fmt.Sprintf("load-%d-tokens", n)
			if kept {
				name = fmt.Sprintf("kept-%d-tokens", n)
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if !kept {
						v.cache.tokensChanged(subject)
					}
					if r, err := v.Restorer(ctx, subject); err != nil || r.Len() != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
	t1 := mustTokenize(b, v, "reply", redact.Email, "anna@example.de", Placeholder)
	t2 := mustTokenize(b, v, "reply", redact.Phone, "+44 20 7946 0958", Surrogate)
	t3 := mustTokenize(b, v, "reply", redact.Person, "Anna Schmidt", Surrogate)
	r, err := v.Restorer(ctx, "reply")
	if err != nil {
		b.Fatal(err)
	}
	filler := strings.Repeat("Thank you for your message, we are looking into it right now. ", 5)
	reply := "Hello " + t3 + ". " + filler + "We will email " + t1 + " with details. " + filler + "Or call you on " + t2 + "."
	reply += strings.Repeat(" ", max(0, 1024-len(reply)))
	noTokens := strings.Repeat("x", 0) + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(reply, t1, "[EMAIL]"), t2, "a phone"), t3, "you")
	b.Run("restore-1KB-3-tokens", func(b *testing.B) {
		b.SetBytes(int64(len(reply)))
		b.ReportAllocs()
		for b.Loop() {
			if _, n := r.Restore(reply); n != 3 {
				b.Fatal(n)
			}
		}
	})
	b.Run("restore-1KB-no-tokens", func(b *testing.B) {
		b.SetBytes(int64(len(noTokens)))
		b.ReportAllocs()
		for b.Loop() {
			if _, n := r.Restore(noTokens); n != 0 {
				b.Fatal(n)
			}
		}
	})
}
