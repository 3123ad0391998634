package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/storetest"
)

func open(t testing.TB, opts ...embedded.Option) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(filepath.Join(t.TempDir(), embedded.FileName), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("FakeClock", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewClock(time.Now())
		storetest.Run(t, func(t *testing.T) store.Store {
			// A busy sweeper on the fake clock runs alongside every test.
			return open(t, embedded.WithClock(clock.Now), embedded.WithSweepInterval(time.Millisecond))
		}, storetest.WithClock(clock))
	})
	t.Run("RealClock", func(t *testing.T) {
		t.Parallel()
		if testing.Short() {
			t.Skip("waits for real expiry")
		}
		storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
	})
}

func TestOpenThroughStoreOpen(t *testing.T) {
	t.Parallel()
	cfg := store.Config{}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(context.Background(), cfg, dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*embedded.Store); !ok {
		t.Fatalf("store.Open returned %T", s)
	}
	if !store.InProcess(s) {
		t.Fatal("the embedded store does not say its reads stay in the process")
	}
	fi, err := os.Stat(filepath.Join(dir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := store.Open(context.Background(), cfg, "", zerolog.Nop()); err == nil {
		t.Fatal("store.Open without a data directory succeeded")
	}
}

func BenchmarkEmbedded(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b) })
}
