package consent

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/store/embedded"
)

var _ proxy.TurnPreparer = (*Manager)(nil)

type recordingAuditor struct {
	mu     sync.Mutex
	events []audit.Type
}

func (r *recordingAuditor) Record(_ context.Context, ev audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev.Type)
	return nil
}

// TestPrepareTurnIsChatTurn: a turn prepared ahead (its read overlapping other work) decides and
// records exactly what ChatTurn does, through the in-chat flow's three steps; a prepared turn that
// is never taken writes nothing.
func TestPrepareTurnIsChatTurn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	newManager := func(t *testing.T) (*Manager, *recordingAuditor) {
		st, err := embedded.Open(filepath.Join(t.TempDir(), "veil.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		var cfg Config
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		aud := &recordingAuditor{}
		return New(cfg, st, aud), aud
	}
	ways := map[string]func(m *Manager, subject, purpose string) (bool, bool, error){
		"ChatTurn": func(m *Manager, subject, purpose string) (bool, bool, error) {
			show, sub, err := m.ChatTurn(ctx, subject, purpose)
			return show, sub.Consent[purpose], err
		},
		"PrepareTurn": func(m *Manager, subject, purpose string) (bool, bool, error) {
			show, sub, err := m.PrepareTurn(ctx, subject)(ctx, purpose)
			return show, sub.Consent[purpose], err
		},
	}
	for name, turn := range ways {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, aud := newManager(t)
			// First message: the notice goes out with the reply, no consent yet.
			if show, granted, err := turn(m, "s1", "support"); err != nil || !show || granted {
				t.Fatalf("first turn: show %v granted %v err %v; want the notice, no consent", show, granted, err)
			}
			if err := m.NoticeShown(ctx, "s1"); err != nil {
				t.Fatal(err)
			}
			// Chatting on after the notice is consent to the required purpose, recorded once.
			if show, granted, err := turn(m, "s1", "support"); err != nil || show || !granted {
				t.Fatalf("second turn: show %v granted %v err %v; want consent", show, granted, err)
			}
			// An optional purpose is never granted by silence.
			if show, granted, err := turn(m, "s1", "marketing"); err != nil || show || granted {
				t.Fatalf("optional purpose: show %v granted %v err %v", show, granted, err)
			}
			if show, granted, err := turn(m, "s1", "support"); err != nil || show || !granted {
				t.Fatalf("third turn: show %v granted %v err %v", show, granted, err)
			}
			if n := countType(aud, audit.ConsentGranted); n != 1 {
				t.Errorf("%d consent.granted events, want 1", n)
			}
		})
	}
	t.Run("not taken", func(t *testing.T) {
		t.Parallel()
		m, aud := newManager(t)
		if err := m.NoticeShown(ctx, "s2"); err != nil {
			t.Fatal(err)
		}
		_ = m.PrepareTurn(ctx, "s2") // Veil answered the message itself: the turn is dropped
		s, err := m.State(ctx, "s2")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Purposes) != 0 || countType(aud, audit.ConsentGranted) != 0 {
			t.Fatalf("an untaken turn recorded consent: %+v", s.Purposes)
		}
	})
}

func countType(a *recordingAuditor, typ audit.Type) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, t := range a.events {
		if t == typ {
			n++
		}
	}
	return n
}
