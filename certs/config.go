package certs

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
)

// Mode selects where the listener's certificates come from.
type Mode string

// The certificate sources Veil supports.
const (
	// ModeACME obtains and renews certificates from an ACME CA (Let's Encrypt by default).
	ModeACME Mode = "acme"
	// ModeFiles serves a certificate and key read from disk, re-read on Reload (SIGHUP).
	ModeFiles Mode = "files"
	// ModeSelfSigned serves a leaf for localhost signed by a local development CA kept in the data dir.
	ModeSelfSigned Mode = "self-signed"
	// ModeOff disables TLS; only for running behind a TLS-terminating load balancer.
	ModeOff Mode = "off"
)

// Defaults filled in by Validate.
const (
	// DefaultMode is used when mode is empty: safe for local use, never silently plaintext.
	DefaultMode = ModeSelfSigned
	// DefaultHSTSMaxAge is the Strict-Transport-Security max-age when none is configured.
	DefaultHSTSMaxAge = 365 * 24 * time.Hour
	// LetsEncryptProduction is the default ACME directory.
	LetsEncryptProduction = certmagic.LetsEncryptProductionCA
	// LetsEncryptStaging is the ACME directory used when acme.staging is true.
	LetsEncryptStaging = certmagic.LetsEncryptStagingCA
)

// Config is the tls block of Veil's configuration.
type Config struct {
	// Mode is where certificates come from: acme, files, self-signed or off (default self-signed).
	Mode Mode `yaml:"mode"`
	// CertFile is the PEM certificate chain (leaf first) used in files mode.
	CertFile string `yaml:"cert_file"`
	// KeyFile is the PEM private key matching CertFile, used in files mode.
	KeyFile string `yaml:"key_file"`
	// Names are extra DNS names or IP addresses for the self-signed leaf, beyond localhost, 127.0.0.1 and ::1.
	Names []string `yaml:"names"`
	// ACME configures certificate issuance in acme mode.
	ACME ACMEConfig `yaml:"acme"`
	// HSTS turns the Strict-Transport-Security header on or off; default on in acme and files modes, off otherwise.
	HSTS *bool `yaml:"hsts"`
	// HSTSMaxAge is how long browsers remember to use HTTPS only (default one year).
	HSTSMaxAge time.Duration `yaml:"hsts_max_age"`
}

// ACMEConfig is the tls.acme block: which names to get certificates for, and from which CA.
type ACMEConfig struct {
	// Domains are the names certificates are obtained for; at least one is required in acme mode.
	Domains []string `yaml:"domains"`
	// Email is the ACME account contact, used by the CA for expiry and incident notices.
	Email string `yaml:"email"`
	// CA is the ACME directory URL (default Let's Encrypt production).
	CA string `yaml:"ca"`
	// Staging uses Let's Encrypt's staging directory, for trying a setup without hitting rate limits.
	Staging bool `yaml:"staging"`
	// TestCA is an ACME directory tried first when issuance from CA fails, so retries do not burn CA's
	// rate limits (certmagic uses Let's Encrypt staging when CA is Let's Encrypt production).
	TestCA string `yaml:"test_ca"`
	// RootCAFile is a PEM bundle of extra roots to trust for the ACME server's own HTTPS (a private CA such as Pebble).
	RootCAFile string `yaml:"root_ca_file"`
	// DisableHTTPChallenge turns off HTTP-01 (needs port 80 reachable from the CA).
	DisableHTTPChallenge bool `yaml:"disable_http_challenge"`
	// DisableTLSALPNChallenge turns off TLS-ALPN-01 (needs port 443 reachable from the CA).
	DisableTLSALPNChallenge bool `yaml:"disable_tls_alpn_challenge"`
	// AltHTTPPort is the port the HTTP-01 solver listens on when something forwards port 80 to it.
	AltHTTPPort int `yaml:"alt_http_port"`
	// AltTLSALPNPort is the port the TLS-ALPN-01 solver listens on when something forwards port 443 to it.
	AltTLSALPNPort int `yaml:"alt_tls_alpn_port"`
	// ObtainOnStart makes New wait until every domain has a certificate and fail if one cannot be
	// obtained; by default certificates are obtained in the background and Ready reports progress.
	ObtainOnStart bool `yaml:"obtain_on_start"`
}

// Validate fills defaults and reports every problem at once, each prefixed with its YAML path
// relative to the tls block.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}

	if c.Mode == "" {
		c.Mode = DefaultMode
	}
	switch c.Mode {
	case ModeACME, ModeFiles, ModeSelfSigned, ModeOff:
	default:
		add("mode", "must be one of acme, files, self-signed, off; got %q", string(c.Mode))
	}

	if c.Mode == ModeFiles {
		if c.CertFile == "" {
			add("cert_file", "required when mode is files")
		}
		if c.KeyFile == "" {
			add("key_file", "required when mode is files")
		}
	}

	for i, n := range c.Names {
		if !validName(n, true) {
			add(fmt.Sprintf("names[%d]", i), "%q is not a DNS name or IP address", n)
		}
	}

	if c.Mode == ModeACME {
		errs = append(errs, c.ACME.validate()...)
	}

	if c.HSTSMaxAge < 0 {
		add("hsts_max_age", "must not be negative")
	}
	if c.HSTSMaxAge == 0 {
		c.HSTSMaxAge = DefaultHSTSMaxAge
	}
	if c.HSTS == nil {
		on := c.Mode == ModeACME || c.Mode == ModeFiles
		c.HSTS = &on
	} else if *c.HSTS && c.Mode == ModeOff {
		add("hsts", "cannot be enabled when mode is off (browsers ignore it over plain HTTP)")
	}

	return errors.Join(errs...)
}

// validate checks the acme block and fills its defaults; it is only called in acme mode.
func (a *ACMEConfig) validate() []error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("acme.%s: %s", path, fmt.Sprintf(format, args...)))
	}

	if len(a.Domains) == 0 {
		add("domains", "at least one domain is required when mode is acme")
	}
	seen := make(map[string]bool, len(a.Domains))
	for i, d := range a.Domains {
		path := fmt.Sprintf("domains[%d]", i)
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case strings.HasPrefix(d, "*."):
			add(path, "wildcard %q needs the DNS-01 challenge, which Veil does not support", d)
		case !validName(d, false):
			add(path, "%q is not a DNS name or IP address", d)
		case seen[d]:
			add(path, "%q is listed twice", d)
		}
		seen[d] = true
		a.Domains[i] = d
	}

	if a.Email != "" && (!strings.Contains(a.Email, "@") || strings.ContainsAny(a.Email, " \t\r\n")) {
		add("email", "is not an email address")
	}

	switch {
	case a.Staging && a.CA != "" && a.CA != LetsEncryptProduction && a.CA != LetsEncryptStaging:
		add("staging", "conflicts with acme.ca; set one or the other")
	case a.Staging:
		a.CA = LetsEncryptStaging
	case a.CA == "":
		a.CA = LetsEncryptProduction
	}
	if err := checkDirectoryURL(a.CA); err != nil {
		add("ca", "%v", err)
	}
	if a.TestCA != "" {
		if err := checkDirectoryURL(a.TestCA); err != nil {
			add("test_ca", "%v", err)
		}
	}

	if a.DisableHTTPChallenge && a.DisableTLSALPNChallenge {
		add("disable_tls_alpn_challenge", "both challenges are disabled; no way left to prove control of the domains")
	}
	if a.AltHTTPPort < 0 || a.AltHTTPPort > 65535 {
		add("alt_http_port", "must be between 0 and 65535")
	}
	if a.AltTLSALPNPort < 0 || a.AltTLSALPNPort > 65535 {
		add("alt_tls_alpn_port", "must be between 0 and 65535")
	}
	return errs
}

// checkDirectoryURL accepts only absolute https URLs: ACME (RFC 8555 §6.1) requires HTTPS.
func checkDirectoryURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a URL")
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q must be an https:// directory URL", s)
	}
	return nil
}

// validName reports whether s is an IP address or a DNS name (optionally a left-most wildcard).
func validName(s string, allowWildcard bool) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if allowWildcard {
		s = strings.TrimPrefix(s, "*.")
	}
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			default:
				return false
			}
		}
	}
	return true
}
