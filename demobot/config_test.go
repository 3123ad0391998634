package demobot

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc      string
		cfg       Config
		wantErrs  []string
		wantBody  int64
		wantCount int
	}{
		{desc: "zero value gets defaults", wantBody: DefaultMaxBodyBytes, wantCount: DefaultMaxReceived},
		{
			desc:     "explicit values are kept",
			cfg:      Config{MaxBodyBytes: 10, MaxReceived: 5, StreamDelay: time.Millisecond, OriginPatterns: []string{"*.example.com"}},
			wantBody: 10, wantCount: 5,
		},
		{
			desc:      "every problem is reported at once",
			cfg:       Config{MaxBodyBytes: -1, MaxReceived: -2, StreamDelay: -time.Second, OriginPatterns: []string{"ok", "[bad"}},
			wantErrs:  []string{"stream_delay", "max_body_bytes", "max_received", "origin_patterns[1]"},
			wantBody:  DefaultMaxBodyBytes,
			wantCount: DefaultMaxReceived,
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			if len(tc.wantErrs) == 0 && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			for _, want := range tc.wantErrs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v lacks %q", err, want)
				}
			}
			if err != nil && strings.Count(err.Error(), "\n")+1 != len(tc.wantErrs) {
				t.Errorf("error has %d lines, want %d:\n%v", strings.Count(err.Error(), "\n")+1, len(tc.wantErrs), err)
			}
			if tc.cfg.MaxBodyBytes != tc.wantBody || tc.cfg.MaxReceived != tc.wantCount || tc.cfg.StreamDelay < 0 {
				t.Errorf("after Validate: %+v", tc.cfg)
			}
		})
	}
}
