package audit

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Defaults filled in by Validate.
const (
	DefaultStream             = "veil:audit"
	DefaultRetentionDays      = 400
	DefaultCheckpointEvery    = 1000
	DefaultCheckpointInterval = time.Minute
	DefaultBatchWindow        = 2 * time.Millisecond
	DefaultBatchMax           = 256
	DefaultSpoolMaxBytes      = 1 << 30
	DefaultSinkTimeout        = 2 * time.Second
	// DefaultSpoolDir is relative to the data directory.
	DefaultSpoolDir = "audit-spool"
)

// Config is the audit block of Veil's configuration: where the trail goes and how it is protected.
type Config struct {
	// Stream is the name of the stream the trail is appended to (default "veil:audit"). One Veil
	// process writes one stream: give each replica its own (VEIL_AUDIT_STREAM=veil:audit:a).
	Stream string `yaml:"stream"`
	// RetentionDays is how long events are kept; older ones are trimmed (default 400).
	RetentionDays int `yaml:"retention_days"`
	// SigningKeyFile is the Ed25519 private key (PKCS #8 PEM) checkpoints are signed with. When
	// empty it is generated as <data_dir>/keys/audit-signing.key, public key alongside (.pub).
	SigningKeyFile string `yaml:"signing_key_file"`
	// PseudonymKeyFile holds the key subject ids are pseudonymized with (hex, 32 bytes or more);
	// $VEIL_AUDIT_PSEUDONYM_KEY takes precedence. When both are empty it is generated as
	// <data_dir>/keys/audit-pseudonym.key. Losing it makes the trail unsearchable by subject.
	PseudonymKeyFile string `yaml:"pseudonym_key_file"`
	// CheckpointEvery writes a signed checkpoint after this many events (default 1000).
	CheckpointEvery int `yaml:"checkpoint_every"`
	// CheckpointInterval writes a signed checkpoint at least this often, with or without events
	// (default 1m), so that a missing tail shows.
	CheckpointInterval time.Duration `yaml:"checkpoint_interval"`
	// BatchWindow is the longest the writer waits for more events to join a batch (default 2ms).
	// It only waits while events keep arriving: a lone event is written at once.
	BatchWindow time.Duration `yaml:"batch_window"`
	// BatchMax is the most events written in one round trip (default 256).
	BatchMax int `yaml:"batch_max"`
	// SinkTimeout bounds one write to the store before the writer falls back to the spool
	// (default 2s).
	SinkTimeout time.Duration `yaml:"sink_timeout"`
	// SpoolDir holds events while the store is unreachable (default <data_dir>/audit-spool).
	SpoolDir string `yaml:"spool_dir"`
	// SpoolMaxBytes caps the spool (default 1 GiB). When it is full and the store is down, Veil
	// refuses traffic (503) rather than forward unrecorded.
	SpoolMaxBytes int64 `yaml:"spool_max_bytes"`
}

// Validate fills defaults and reports every problem at once, each prefixed with its YAML path
// relative to the audit block.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	positive := func(path string, v *int, def int) {
		switch {
		case *v < 0:
			add(path, "must not be negative")
		case *v == 0:
			*v = def
		}
	}
	positive("retention_days", &c.RetentionDays, DefaultRetentionDays)
	positive("checkpoint_every", &c.CheckpointEvery, DefaultCheckpointEvery)
	positive("batch_max", &c.BatchMax, DefaultBatchMax)
	if c.BatchMax > 10000 {
		add("batch_max", "must be at most 10000; got %d", c.BatchMax)
	}
	for _, d := range []struct {
		path     string
		v        *time.Duration
		def, max time.Duration
	}{
		{"checkpoint_interval", &c.CheckpointInterval, DefaultCheckpointInterval, 24 * time.Hour},
		{"batch_window", &c.BatchWindow, DefaultBatchWindow, 100 * time.Millisecond},
		{"sink_timeout", &c.SinkTimeout, DefaultSinkTimeout, time.Minute},
	} {
		switch {
		case *d.v < 0:
			add(d.path, "must not be negative")
		case *d.v == 0:
			*d.v = d.def
		case *d.v > d.max:
			add(d.path, "must be at most %s; got %s", d.max, *d.v)
		}
	}
	if c.CheckpointInterval > 0 && c.CheckpointInterval < time.Second {
		add("checkpoint_interval", "must be at least 1s; got %s", c.CheckpointInterval)
	}
	switch {
	case c.SpoolMaxBytes < 0:
		add("spool_max_bytes", "must not be negative")
	case c.SpoolMaxBytes == 0:
		c.SpoolMaxBytes = DefaultSpoolMaxBytes
	}
	return errors.Join(errs...)
}

// Paths are the files and directories of a trail, resolved against the data directory.
type Paths struct {
	SigningKey, PseudonymKey, SpoolDir string
	// GenerateSigning and GeneratePseudonym report which key files are generated when missing (the
	// quickstart defaults).
	GenerateSigning, GeneratePseudonym bool
}

// Paths resolves the configured files against dataDir, falling back to the generated defaults.
func (c *Config) Paths(dataDir string) Paths {
	p := Paths{SigningKey: c.SigningKeyFile, PseudonymKey: c.PseudonymKeyFile, SpoolDir: c.SpoolDir}
	if p.SigningKey == "" {
		p.SigningKey, p.GenerateSigning = filepath.Join(dataDir, DefaultSigningKeyFile), true
	}
	if p.PseudonymKey == "" {
		p.PseudonymKey, p.GeneratePseudonym = filepath.Join(dataDir, DefaultPseudonymKeyFile), true
	}
	if p.SpoolDir == "" {
		p.SpoolDir = filepath.Join(dataDir, DefaultSpoolDir)
	}
	return p
}
