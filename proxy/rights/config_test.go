package rights

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	no := false
	tests := []struct {
		desc  string
		cfg   Config
		errs  []string
		check func(*testing.T, Config)
	}{
		{desc: "defaults", check: func(t *testing.T, c Config) {
			if !c.InChatEnabled() || c.DeadlineDays != 30 || c.SweepInterval != time.Hour || c.ScanInterval != 24*time.Hour ||
				c.ConversationRetentionDays != 0 || c.RequestRetentionDays != 1095 {
				t.Fatalf("defaults %+v", c)
			}
		}},
		{desc: "in chat off", cfg: Config{InChat: &no}, check: func(t *testing.T, c Config) {
			if c.InChatEnabled() {
				t.Fatal("in_chat: false ignored")
			}
		}},
		{desc: "retention choices", cfg: Config{ConversationRetentionDays: 90}},
		{desc: "long sweep raises the scan default", cfg: Config{SweepInterval: 48 * time.Hour}, check: func(t *testing.T, c Config) {
			if c.ScanInterval != 48*time.Hour {
				t.Fatalf("scan_interval %v", c.ScanInterval)
			}
		}},
		{desc: "every problem at once", cfg: Config{DeadlineDays: 91, ConversationRetentionDays: 45, SweepInterval: 30 * time.Second,
			ScanInterval: 10 * time.Second, RequestRetentionDays: 5},
			errs: []string{"deadline_days:", "conversation_retention_days: must be 0 (off), 30, 60, 90 or 180; got 45",
				"sweep_interval:", "scan_interval:", "request_retention_days:"}},
		{desc: "negative deadline", cfg: Config{DeadlineDays: -1}, errs: []string{"deadline_days"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.errs) == 0 && err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.errs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v lacks %q", err, want)
				}
			}
			if err != nil && len(strings.Split(err.Error(), "\n")) != len(tc.errs) {
				t.Errorf("got %d problems, want %d: %v", len(strings.Split(err.Error(), "\n")), len(tc.errs), err)
			}
			if tc.check != nil {
				tc.check(t, tc.cfg)
			}
		})
	}
}
