package certs

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	on := true
	for _, tc := range []struct {
		desc string
		cfg  Config
		want []string // each error line, in order
	}{
		{
			desc: "unknown mode",
			cfg:  Config{Mode: "tls12"},
			want: []string{`mode: must be one of acme, files, self-signed, off; got "tls12"`},
		},
		{
			desc: "files mode without paths",
			cfg:  Config{Mode: ModeFiles, HSTSMaxAge: -time.Second},
			want: []string{
				"cert_file: required when mode is files",
				"key_file: required when mode is files",
				"hsts_max_age: must not be negative",
			},
		},
		{
			desc: "acme mode with everything wrong",
			cfg: Config{Mode: ModeACME, ACME: ACMEConfig{
				Domains:                 []string{"veil.example", "*.veil.example", "bad name", "VEIL.example"},
				Email:                   "not-an-email",
				CA:                      "http://ca.example/dir",
				Staging:                 true,
				TestCA:                  "ftp://x",
				DisableHTTPChallenge:    true,
				DisableTLSALPNChallenge: true,
				AltHTTPPort:             -1,
				AltTLSALPNPort:          70000,
			}},
			want: []string{
				`acme.domains[1]: wildcard "*.veil.example" needs the DNS-01 challenge, which Veil does not support`,
				`acme.domains[2]: "bad name" is not a DNS name or IP address`,
				`acme.domains[3]: "veil.example" is listed twice`,
				"acme.email: is not an email address",
				"acme.staging: conflicts with acme.ca; set one or the other",
				`acme.ca: "http://ca.example/dir" must be an https:// directory URL`,
				`acme.test_ca: "ftp://x" must be an https:// directory URL`,
				"acme.disable_tls_alpn_challenge: both challenges are disabled; no way left to prove control of the domains",
				"acme.alt_http_port: must be between 0 and 65535",
				"acme.alt_tls_alpn_port: must be between 0 and 65535",
			},
		},
		{
			desc: "acme mode without domains",
			cfg:  Config{Mode: ModeACME},
			want: []string{"acme.domains: at least one domain is required when mode is acme"},
		},
		{
			desc: "hsts over plaintext and bad self-signed names",
			cfg:  Config{Mode: ModeOff, HSTS: &on, Names: []string{"ok.localhost", "-bad-"}},
			want: []string{
				`names[1]: "-bad-" is not a DNS name or IP address`,
				"hsts: cannot be enabled when mode is off (browsers ignore it over plain HTTP)",
			},
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			if err == nil {
				t.Fatal("Validate() = nil")
			}
			var got []string
			var joined interface{ Unwrap() []error }
			if !errors.As(err, &joined) {
				t.Fatalf("Validate() error is not a joined error: %T", err)
			}
			for _, e := range joined.Unwrap() {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Validate() errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestValidateFillsDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc     string
		cfg      Config
		wantMode Mode
		wantHSTS bool
		wantCA   string
	}{
		{desc: "empty config is self-signed without HSTS", cfg: Config{}, wantMode: ModeSelfSigned},
		{desc: "files has HSTS", cfg: Config{Mode: ModeFiles, CertFile: "c", KeyFile: "k"}, wantMode: ModeFiles, wantHSTS: true},
		{
			desc:     "acme defaults to Let's Encrypt production",
			cfg:      Config{Mode: ModeACME, ACME: ACMEConfig{Domains: []string{"veil.example"}}},
			wantMode: ModeACME, wantHSTS: true, wantCA: LetsEncryptProduction,
		},
		{
			desc:     "acme staging",
			cfg:      Config{Mode: ModeACME, ACME: ACMEConfig{Domains: []string{"veil.example"}, Staging: true}},
			wantMode: ModeACME, wantHSTS: true, wantCA: LetsEncryptStaging,
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if err := tc.cfg.Validate(); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if tc.cfg.Mode != tc.wantMode {
				t.Errorf("Mode = %q, want %q", tc.cfg.Mode, tc.wantMode)
			}
			if *tc.cfg.HSTS != tc.wantHSTS {
				t.Errorf("HSTS = %v, want %v", *tc.cfg.HSTS, tc.wantHSTS)
			}
			if tc.cfg.HSTSMaxAge != DefaultHSTSMaxAge {
				t.Errorf("HSTSMaxAge = %v", tc.cfg.HSTSMaxAge)
			}
			if tc.cfg.ACME.CA != tc.wantCA {
				t.Errorf("ACME.CA = %q, want %q", tc.cfg.ACME.CA, tc.wantCA)
			}
		})
	}
}
