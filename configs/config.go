package configs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/certs"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// Config is Veil's whole configuration: one YAML file, each component's block owned by that component.
type Config struct {
	// Listen is the public HTTPS address the chat widget talks to. Default ":8443".
	Listen string `yaml:"listen"`
	// HTTPListen, when set, serves ACME HTTP-01 challenges and redirects every other plain-HTTP
	// request to HTTPS. Typically ":80" in acme mode.
	HTTPListen string `yaml:"http_listen"`
	// DataDir holds the embedded store, the local dev CA, certmagic's storage and generated keys.
	// Default "./data".
	DataDir string `yaml:"data_dir"`
	// Admin is the separate admin listener (health, readiness, metrics, admin API).
	Admin admin.Config `yaml:"admin"`
	// TLS says where certificates come from.
	TLS certs.Config `yaml:"tls"`
	// Proxy holds upstream, routes, limits and timeouts, at the top level of the file.
	Proxy proxy.Config `yaml:",inline"`
	// Policy is the Rego policy pack that decides what happens to personal data.
	Policy policy.Config `yaml:"policy"`
	// Consent is the notice, the purposes offered and how long consent evidence is kept.
	Consent consent.Config `yaml:"consent"`
	// Rights is how data-subject requests are answered (in the chat too), their deadline, and
	// retention: conversation deletion and the sweeper that audits expiry.
	Rights rights.Config `yaml:"rights"`
	// Store is where records and streams are kept: embedded (bbolt) or Redis.
	Store store.Config `yaml:"store"`
	// Log configures logging.
	Log Log `yaml:"log"`
	// Audit configures the audit trail: stream, retention, keys, checkpoints, batching, spool.
	Audit audit.Config `yaml:"audit"`
	// Keys says where the vault's master key comes from.
	Keys vault.KeysConfig `yaml:"keys"`
}

// Log configures Veil's logs. Logs never contain bodies, query strings or other personal data.
type Log struct {
	// Level is debug, info, warn or error. Default info.
	Level string `yaml:"level"`
	// Format is json, console or auto (console on a terminal, JSON otherwise). Default auto.
	Format string `yaml:"format"`
	// Access logs one line per request (route, status, duration, sizes). Default true.
	Access *bool `yaml:"access"`
}

// Problems is every validation failure of a configuration, each with its YAML path.
type Problems []string

func (p Problems) Error() string {
	return fmt.Sprintf("%d configuration problem(s):\n  %s", len(p), strings.Join(p, "\n  "))
}

// Validate fills defaults and checks every block, returning all problems together.
func (c *Config) Validate() error {
	var probs Problems
	if c.Listen == "" {
		c.Listen = ":8443"
	}
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	probs = collect(probs, "admin", c.Admin.Validate())
	probs = collect(probs, "tls", c.TLS.Validate())
	probs = collect(probs, "", c.Proxy.Validate())
	probs = collect(probs, "policy", c.Policy.Validate())
	probs = collect(probs, "consent", c.Consent.Validate())
	probs = collect(probs, "rights", c.Rights.Validate())
	probs = collect(probs, "store", c.Store.Validate())
	probs = collect(probs, "audit", c.Audit.Validate())
	probs = collect(probs, "keys", c.Keys.Validate())
	switch c.Log.Level {
	case "":
		c.Log.Level = "info"
	case "debug", "info", "warn", "error":
	default:
		probs = append(probs, fmt.Sprintf("log.level: unknown level %q (want debug, info, warn or error)", c.Log.Level))
	}
	switch c.Log.Format {
	case "":
		c.Log.Format = "auto"
	case "json", "console", "auto":
	default:
		probs = append(probs, fmt.Sprintf("log.format: unknown format %q (want json, console or auto)", c.Log.Format))
	}
	if c.Log.Access == nil {
		t := true
		c.Log.Access = &t
	}
	if c.Admin.Listen != "" && c.Admin.Listen == c.Listen && !strings.HasSuffix(c.Listen, ":0") {
		probs = append(probs, "admin.listen: must differ from listen: the admin API never shares the public listener")
	}
	if len(probs) == 0 {
		return nil
	}
	return probs
}

// collect appends a component's errors, each prefixed with the component's YAML path.
func collect(probs Problems, prefix string, err error) Problems {
	if err == nil {
		return probs
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var sub Problems
		if errors.As(e, &sub) {
			probs = append(probs, sub...)
			continue
		}
		msg := e.Error()
		if prefix != "" {
			msg = prefix + "." + msg
		}
		probs = append(probs, msg)
	}
	return probs
}
