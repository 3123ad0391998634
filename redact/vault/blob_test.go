package vault

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store/embedded"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "veil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := NewKeyring(GenerateKey())
	v, err := New(st, kr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const a, b = "csubjecta", "csubjectb"
	sealed, err := v.Seal(ctx, a, "rec1", []byte(`{"text":"Maria Rossi"}`))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := v.Open(ctx, a, "rec1", sealed); err != nil || string(pt) != `{"text":"Maria Rossi"}` {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if _, err := v.Open(ctx, a, "rec2", sealed); err == nil {
		t.Error("a ciphertext opened under another record key")
	}
	if _, err := v.Tokenize(ctx, b, redact.Email, "b@example.com", Placeholder, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(ctx, b, "rec1", sealed); err == nil {
		t.Error("a ciphertext opened for another subject")
	}
	if _, err := v.EraseSubject(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(ctx, a, "rec1", sealed); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after erasure Open = %v, want ErrNotFound", err)
	}
}
