package audit

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		cfg  Config
		want []string // each problem's path, in order
	}{
		{"defaults", Config{}, nil},
		{"negative numbers", Config{RetentionDays: -1, CheckpointEvery: -2, BatchMax: -3, SpoolMaxBytes: -1},
			[]string{"retention_days:", "checkpoint_every:", "batch_max:", "spool_max_bytes:"}},
		{"durations", Config{BatchWindow: time.Second, CheckpointInterval: time.Millisecond, SinkTimeout: -time.Second},
			[]string{"batch_window:", "sink_timeout:", "checkpoint_interval:"}},
		{"batch too large", Config{BatchMax: 100000}, []string{"batch_max:"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := tc.cfg
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if c.Stream != DefaultStream || c.RetentionDays != 400 || c.CheckpointEvery != 1000 ||
					c.CheckpointInterval != time.Minute || c.BatchWindow != 2*time.Millisecond || c.BatchMax != 256 ||
					c.SpoolMaxBytes != 1<<30 {
					t.Errorf("defaults not filled: %+v", c)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("problems %q, want %d", lines, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("problem %d %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestConfigPaths(t *testing.T) {
	t.Parallel()
	c := Config{}
	p := c.Paths("/data")
	if p.SigningKey != "/data/keys/audit-signing.key" || !p.GenerateSigning || p.SpoolDir != "/data/audit-spool" || !p.GeneratePseudonym {
		t.Errorf("%+v", p)
	}
	c = Config{SigningKeyFile: "/k", PseudonymKeyFile: "/p", SpoolDir: "/s"}
	if p := c.Paths("/data"); p.GenerateSigning || p.GeneratePseudonym || p.SpoolDir != "/s" {
		t.Errorf("%+v", p)
	}
}

func TestPseudonymKeyFromEnv(t *testing.T) {
	t.Parallel()
	env := func(k string) (string, bool) {
		if k == PseudonymKeyEnv {
			return strings.Repeat("ab", 32), true
		}
		return "", false
	}
	k, err := LoadPseudonymKey("", env, false)
	if err != nil || len(k) != 32 || k[0] != 0xab {
		t.Fatalf("%v %x", err, k)
	}
	if _, err := LoadPseudonymKey("", func(string) (string, bool) { return "abcd", true }, false); err == nil {
		t.Error("a 2-byte key was accepted")
	}
	if _, err := LoadPseudonymKey(t.TempDir()+"/missing", nil, false); err == nil {
		t.Error("a missing key file was accepted without create")
	}
}

// TestRetentionTrims: events older than retention_days are trimmed from the stream.
func TestRetentionTrims(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	cfg := testConfig(func(c *Config) { c.RetentionDays = 1 })
	a := testAuditor(t, sink, t.TempDir(), cfg, nil)
	if err := a.Record(context.Background(), event(1)); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if len(sink.entries(cfg.Stream)) == 0 {
		t.Fatal("nothing written")
	}
	// Two days later, the next start trims everything before yesterday.
	later := time.Now().Add(48 * time.Hour)
	a2, err := New(context.Background(), sink, cfg, Options{DataDir: t.TempDir(), LookupEnv: func(string) (string, bool) { return "", false }, clock: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the trim", func() bool {
		for _, e := range sink.entries(cfg.Stream) {
			if e.Fields[fType] == string(MessageForwarded) {
				return false
			}
		}
		return true
	})
	a2.Close()
}
