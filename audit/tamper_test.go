package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// tamperable is a written trail plus a way to replace its entries behind Veil's back.
type tamperable struct {
	sink    Sink
	stream  string
	pub     ed25519.PublicKey
	entries []store.Entry
	rewrite func(t *testing.T, es []store.Entry)
	xdel    func(t *testing.T, id string)
}

// writeTrail records 30 events (checkpoint every 10) and closes the trail.
func writeTrail(t *testing.T, sink Sink) (Config, ed25519.PublicKey) {
	t.Helper()
	dir := t.TempDir()
	cfg := testConfig(nil)
	a := testAuditor(t, sink, dir, cfg, nil)
	recordEvents(t, a, 0, 30)
	a.Close()
	return cfg, publicKey(t, dir)
}

func tamperBackends(t *testing.T) []func(t *testing.T) tamperable {
	return []func(t *testing.T) tamperable{
		func(t *testing.T) tamperable {
			m := newMemSink()
			cfg, pub := writeTrail(t, m)
			return tamperable{sink: m, stream: cfg.Stream, pub: pub, entries: m.entries(cfg.Stream),
				rewrite: func(_ *testing.T, es []store.Entry) { m.setEntries(cfg.Stream, es) },
				xdel: func(_ *testing.T, id string) {
					var keep []store.Entry
					for _, e := range m.entries(cfg.Stream) {
						if e.ID != id {
							keep = append(keep, e)
						}
					}
					m.setEntries(cfg.Stream, keep)
				}}
		},
		func(t *testing.T) tamperable {
			s, srv := openRedis(t)
			cfg, pub := writeTrail(t, s)
			c := srv.Client()
			key := "veil:stream:" + cfg.Stream
			es, err := s.Range(context.Background(), cfg.Stream, "-", "+", 0)
			if err != nil || len(es) == 0 {
				t.Fatalf("reading the trail back from key %s: %d entries, %v", key, len(es), err)
			}
			return tamperable{sink: s, stream: cfg.Stream, pub: pub, entries: es,
				// Redis cannot edit an entry or add one before the last: an attacker rebuilds the
				// stream with explicit ids, which is what this does.
				rewrite: func(t *testing.T, es []store.Entry) {
					ctx := context.Background()
					if err := c.Del(ctx, key).Err(); err != nil {
						t.Fatal(err)
					}
					for _, e := range es {
						if err := c.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: e.ID, Values: e.Fields}).Err(); err != nil {
							t.Fatalf("XADD %s: %v", e.ID, err)
						}
					}
				},
				xdel: func(t *testing.T, id string) {
					if n, err := c.XDel(context.Background(), key, id).Result(); err != nil || n != 1 {
						t.Fatalf("XDEL: %d %v", n, err)
					}
				}}
		},
	}
}

func clone(es []store.Entry) []store.Entry {
	out := make([]store.Entry, len(es))
	for i, e := range es {
		f := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			f[k] = v
		}
		out[i] = store.Entry{ID: e.ID, Fields: f}
	}
	return out
}

// renumber gives entries ids 1000-0, 1001-0, ... so that one can be inserted at <ms>-1.
func renumber(es []store.Entry) []store.Entry {
	for i := range es {
		es[i].ID = fmt.Sprintf("%d-0", 1000+i)
	}
	return es
}

// rehash recomputes the hashes from entry i on, as an attacker without the signing key can.
func rehash(es []store.Entry, i int) {
	for ; i < len(es); i++ {
		if i > 0 {
			es[i].Fields[fPrev] = es[i-1].Fields[fHash]
			if es[i].Fields[fType] == string(Checkpoint) {
				es[i].Fields[fHead] = es[i].Fields[fPrev]
			}
		}
		es[i].Fields[fHash] = HashFields(es[i].Fields)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	t.Parallel()
	const victim = 14 // an event between two checkpoints
	for bi, open := range tamperBackends(t) {
		for _, tc := range []struct {
			desc   string
			tamper func(t *testing.T, tr tamperable)
			want   string
		}{
			{"edit a field", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es[victim].Fields[fRoute] = "other-route"
				tr.rewrite(t, es)
			}, "does not match its hash"},
			{"edit a field and its hash", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es[victim].Fields[fOutcome] = "denied"
				es[victim].Fields[fHash] = HashFields(es[victim].Fields)
				tr.rewrite(t, es)
			}, "does not link"},
			{"edit and rehash the rest of the chain", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es[victim].Fields[fFindings] = "EMAIL=0"
				rehash(es, victim)
				tr.rewrite(t, es)
			}, "signature does not verify"},
			{"delete with XDEL", func(t *testing.T, tr tamperable) {
				tr.xdel(t, tr.entries[victim].ID)
			}, "does not link"},
			{"delete and renumber", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es = append(es[:victim], es[victim+1:]...)
				rehash(es, victim)
				tr.rewrite(t, es)
			}, "sequence number"},
			{"insert with an explicit id between two events", func(t *testing.T, tr tamperable) {
				es := renumber(clone(tr.entries))
				forged := clone(es[victim : victim+1])[0]
				forged.ID = strings.TrimSuffix(es[victim].ID, "-0") + "-1"
				forged.Fields[fID] = "forged"
				forged.Fields[fSeq] = fmt.Sprint(victim + 2)
				forged.Fields[fPrev] = es[victim].Fields[fHash]
				forged.Fields[fHash] = HashFields(forged.Fields)
				es = append(es[:victim+1], append([]store.Entry{forged}, es[victim+1:]...)...)
				tr.rewrite(t, es)
			}, "does not link"},
			{"swap two events", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es[victim].Fields, es[victim+1].Fields = es[victim+1].Fields, es[victim].Fields
				tr.rewrite(t, es)
			}, "does not link"},
			{"add a field", func(t *testing.T, tr tamperable) {
				es := clone(tr.entries)
				es[victim].Fields["note"] = "x"
				tr.rewrite(t, es)
			}, "unknown field"},
		} {
			t.Run(fmt.Sprintf("%d/%s", bi, tc.desc), func(t *testing.T) {
				t.Parallel()
				tr := open(t)
				verifyOK(t, tr.sink, tr.stream, tr.pub)
				tc.tamper(t, tr)
				res, err := Verify(context.Background(), tr.sink, tr.stream, VerifyOptions{PublicKey: tr.pub})
				if err != nil {
					t.Fatal(err)
				}
				if res.OK() {
					t.Fatalf("tampering not detected")
				}
				if !strings.Contains(res.Break.Problem, tc.want) {
					t.Errorf("problem %q, want it to mention %q", res.Break.Problem, tc.want)
				}
				if res.Break.Seq == 0 || res.Break.EventID == "" || res.Break.StreamID == "" {
					t.Errorf("break does not locate the event: %+v", res.Break)
				}
			})
		}
	}
}

func TestVerifyWithAnotherKeyFails(t *testing.T) {
	t.Parallel()
	m := newMemSink()
	cfg, _ := writeTrail(t, m)
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	res, err := Verify(context.Background(), m, cfg.Stream, VerifyOptions{PublicKey: other})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || !strings.Contains(res.Break.Problem, "another key") {
		t.Errorf("verify with another key: %+v", res.Break)
	}
}

// TestTruncatedTailIsReported removes the tail from a checkpoint on: the chain still holds, but
// verify warns that a later checkpoint was due.
func TestTruncatedTailIsReported(t *testing.T) {
	t.Parallel()
	m := newMemSink()
	cfg, pub := writeTrail(t, m)
	es := m.entries(cfg.Stream)
	res := verifyOK(t, m, cfg.Stream, pub)
	if res.TailWarning != "" || !res.FinalCheckpoint {
		t.Fatalf("clean trail: warning %q final %v", res.TailWarning, res.FinalCheckpoint)
	}
	// Cut right before the second checkpoint: events after the first one stay unsigned.
	cut := 0
	for i, e := range es {
		if e.Fields[fType] == string(Checkpoint) {
			cut++
			if cut == 2 {
				m.setEntries(cfg.Stream, es[:i])
				break
			}
		}
	}
	later := time.Now().Add(time.Hour)
	res, err := Verify(context.Background(), m, cfg.Stream, VerifyOptions{PublicKey: pub, Now: later})
	if err != nil || !res.OK() {
		t.Fatalf("a truncated chain still links: %v %+v", err, res.Break)
	}
	if res.TailWarning == "" || res.Uncovered == 0 || res.FinalCheckpoint {
		t.Errorf("truncation not reported: warning %q uncovered %d", res.TailWarning, res.Uncovered)
	}
}

func TestVerifyFromTrimmedStart(t *testing.T) {
	t.Parallel()
	m := newMemSink()
	cfg, pub := writeTrail(t, m)
	es := m.entries(cfg.Stream)
	m.setEntries(cfg.Stream, es[5:]) // retention trimmed the head
	res := verifyOK(t, m, cfg.Stream, pub)
	if !res.StartsMidChain || res.First.Seq != 6 {
		t.Errorf("start: mid %v first %+v", res.StartsMidChain, res.First)
	}
	res, err := Verify(context.Background(), m, cfg.Stream, VerifyOptions{PublicKey: pub, From: es[12].ID})
	if err != nil || !res.OK() || res.First.Seq != 13 {
		t.Errorf("--from: %v %+v %+v", err, res.Break, res.First)
	}
}
