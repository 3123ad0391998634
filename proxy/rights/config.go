package rights

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Defaults filled in by Validate.
const (
	DefaultDeadlineDays         = 30
	DefaultSweepInterval        = time.Hour
	DefaultScanInterval         = 24 * time.Hour
	DefaultRequestRetentionDays = 3 * 365
)

// ConversationRetentionChoices are the values conversation_retention_days accepts besides 0 (off).
var ConversationRetentionChoices = []int{30, 60, 90, 180}

// Config is the rights block of Veil's configuration.
type Config struct {
	// InChat lets subjects make requests in the chat ("delete my data", "what do you know about
	// me"): Veil answers them itself and the bot never sees them. Default true.
	InChat *bool `yaml:"in_chat"`
	// DeadlineDays is the answer deadline of a request, counted from its receipt (GDPR art. 12(3):
	// one month). Default 30.
	DeadlineDays int `yaml:"deadline_days"`
	// ConversationRetentionDays deletes stored conversations (kind "transcript") this many days
	// after their last message: 30, 60, 90 or 180; 0 (the default) leaves them to their own TTL.
	ConversationRetentionDays int `yaml:"conversation_retention_days"`
	// SweepInterval is how often the retention sweeper settles and audits expired records and
	// applies conversation retention. Default 1h.
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// ScanInterval is how often the sweeper walks the record kinds to learn what will expire
	// before the next walk. Default 24h; at least sweep_interval. See Sweeper.
	ScanInterval time.Duration `yaml:"scan_interval"`
	// RequestRetentionDays is how long the register keeps a request and its receipt, as evidence
	// that it was answered. Default 1095 (three years).
	RequestRetentionDays int `yaml:"request_retention_days"`
}

// Validate fills defaults and returns every problem, with paths relative to the rights block.
func (c *Config) Validate() error {
	var errs []error
	if c.InChat == nil {
		t := true
		c.InChat = &t
	}
	switch {
	case c.DeadlineDays == 0:
		c.DeadlineDays = DefaultDeadlineDays
	case c.DeadlineDays < 0 || c.DeadlineDays > 90:
		// Art. 12(3): one month, extendable by two more months at most.
		errs = append(errs, fmt.Errorf("deadline_days: must be between 1 and 90; got %d", c.DeadlineDays))
	}
	if c.ConversationRetentionDays != 0 && !validRetention(c.ConversationRetentionDays) {
		errs = append(errs, fmt.Errorf("conversation_retention_days: must be 0 (off), 30, 60, 90 or 180; got %d", c.ConversationRetentionDays))
	}
	switch {
	case c.SweepInterval == 0:
		c.SweepInterval = DefaultSweepInterval
	case c.SweepInterval < time.Minute:
		errs = append(errs, errors.New("sweep_interval: must be at least 1m"))
	}
	switch {
	case c.ScanInterval == 0:
		c.ScanInterval = max(DefaultScanInterval, c.SweepInterval)
	case c.ScanInterval < c.SweepInterval:
		errs = append(errs, errors.New("scan_interval: must be at least sweep_interval"))
	}
	switch {
	case c.RequestRetentionDays == 0:
		c.RequestRetentionDays = DefaultRequestRetentionDays
	case c.RequestRetentionDays < c.DeadlineDays:
		errs = append(errs, errors.New("request_retention_days: must be at least deadline_days"))
	}
	return errors.Join(errs...)
}

// InChatEnabled reports whether chat requests are answered (true unless switched off).
func (c *Config) InChatEnabled() bool { return c.InChat == nil || *c.InChat }

func validRetention(days int) bool { return slices.Contains(ConversationRetentionChoices, days) }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
