package policy

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Defaults filled in by Validate.
const (
	DefaultTimeout   = 50 * time.Millisecond
	DefaultCacheSize = 10000
	// MaxTimeout bounds Timeout: a policy slower than this is a bug, not a setting.
	MaxTimeout = 10 * time.Second
)

// Config is the policy block of Veil's configuration.
type Config struct {
	// Dir is a directory holding a policy pack (*.rego, *_test.rego, data.json). Empty means the
	// default pack embedded in the binary.
	Dir string `yaml:"dir"`
	// ShadowDir, when set, holds a candidate pack evaluated on live traffic next to the active one
	// without being enforced; disagreements are counted and logged (rule ids and types only).
	ShadowDir string `yaml:"shadow_dir"`
	// Timeout bounds one evaluation; a decision that takes longer is a refusal. Default 50ms.
	Timeout time.Duration `yaml:"timeout"`
	// CacheSize is how many decisions are cached by input. Default 10000; -1 turns the cache off.
	CacheSize int `yaml:"cache_size"`
	// Watch reloads the pack when a file in Dir or ShadowDir changes. Default true.
	Watch *bool `yaml:"watch"`
}

// Validate fills defaults and reports every problem at once, each prefixed with its YAML path
// relative to the policy block.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	for _, d := range []struct{ path, dir string }{{"dir", c.Dir}, {"shadow_dir", c.ShadowDir}} {
		if d.dir == "" {
			continue
		}
		fi, err := os.Stat(d.dir)
		switch {
		case err != nil:
			add(d.path, "cannot read policy directory %q: %v", d.dir, errors.Unwrap(err))
		case !fi.IsDir():
			add(d.path, "%q is not a directory", d.dir)
		}
	}
	switch {
	case c.Timeout == 0:
		c.Timeout = DefaultTimeout
	case c.Timeout < 0:
		add("timeout", "must be positive, got %s", c.Timeout)
	case c.Timeout > MaxTimeout:
		add("timeout", "must be at most %s, got %s", MaxTimeout, c.Timeout)
	}
	switch {
	case c.CacheSize == 0:
		c.CacheSize = DefaultCacheSize
	case c.CacheSize < -1:
		add("cache_size", "must be positive, or -1 to turn the cache off; got %d", c.CacheSize)
	}
	if c.Watch == nil {
		on := true
		c.Watch = &on
	}
	return errors.Join(errs...)
}

// watching reports whether the pack directories are watched.
func (c *Config) watching() bool { return c.Watch == nil || *c.Watch }
