package consent

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/veil-privacy/veil/store/embedded"
)

// BenchmarkState reads a subject's consent as every chat message does, from the embedded store:
// decoded (every record new to the cache) and cached (the same record again).
func BenchmarkState(b *testing.B) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(b.TempDir(), "veil.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var cfg Config
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	m := New(cfg, st, &recordingAuditor{})
	if _, err := m.Set(ctx, "s1", map[string]bool{"support": true, "marketing": false}, ChannelAPI); err != nil {
		b.Fatal(err)
	}
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.decoded = stateCache{}
			if _, err := m.State(ctx, "s1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.State(ctx, "s1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
