package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/store"
)

func init() {
	commands["admin"] = command{"create the first admin identity; issue and revoke admin API tokens", runAdmin}
}

const adminUsage = `usage: veil admin <command> [flags]

commands:
  init (--config FILE | --data-dir DIR) [--name NAME] [--password-stdin]
        create the first admin identity (only when none exists) and print its password (when
        generated), TOTP secret, otpauth:// URL and recovery codes: once, never again
  token create --role ROLE [--ttl D] [--label L] [where]
        issue an API token (operator, compliance, auditor or admin) and print it once
  token revoke ID [where]
        revoke an API token at once

where:
  with --token T or $VEIL_ADMIN_TOKEN: through the running Veil's admin API at --admin-url
        (default http://127.0.0.1:9090, or https:// and admin.listen from --config), with
        --ca-file, --client-cert and --client-key for TLS and mTLS
  otherwise: directly in the store of --config FILE or --data-dir DIR, which needs Veil stopped
        when the store is embedded (it locks its file)

See docs/ADMIN.md.
`

func runAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return errUsage
	}
	switch args[0] {
	case "init":
		return runAdminInit(ctx, args[1:], stdin, stdout, stderr)
	case "token":
		if len(args) > 1 {
			switch args[1] {
			case "create":
				return runAdminTokenCreate(ctx, args[2:], stdout, stderr)
			case "revoke":
				return runAdminTokenRevoke(ctx, args[2:], stdout, stderr)
			}
		}
	case "-h", "--help", "help":
		fmt.Fprint(stderr, adminUsage)
		return errUsage
	}
	fmt.Fprintf(stderr, "veil admin: unknown command %q\n\n%s", strings.Join(args[:min(2, len(args))], " "), adminUsage)
	return errUsage
}

// adminWhere says where a command acts: the API of a running Veil, or the store directly.
type adminWhere struct {
	config, dataDir, url, token, caFile, clientCert, clientKey string
}

func addAdminWhere(fs *flag.FlagSet, api bool) *adminWhere {
	w := &adminWhere{}
	fs.StringVar(&w.config, "config", "", "Veil's configuration file")
	fs.StringVar(&w.dataDir, "data-dir", "", "Veil's data directory (embedded store, default configuration)")
	if api {
		fs.StringVar(&w.url, "admin-url", "", "the running Veil's admin API (default from --config, else http://127.0.0.1:9090)")
		fs.StringVar(&w.token, "token", "", "admin API token (default $VEIL_ADMIN_TOKEN)")
		fs.StringVar(&w.caFile, "ca-file", "", "PEM CA that signed the admin listener's certificate")
		fs.StringVar(&w.clientCert, "client-cert", "", "PEM client certificate, when the admin listener requires one")
		fs.StringVar(&w.clientKey, "client-key", "", "PEM key of --client-cert")
	}
	return w
}

// loadConfig reads --config, or builds the default configuration for --data-dir.
func (w *adminWhere) loadConfig() (*configs.Config, error) {
	if (w.config == "") == (w.dataDir == "") {
		return nil, errors.New("say where Veil's data is with exactly one of --config or --data-dir")
	}
	if w.config != "" {
		return configs.Load(w.config)
	}
	cfg := &configs.Config{DataDir: w.dataDir}
	if err := errors.Join(cfg.Store.Validate(), cfg.Audit.Validate(), cfg.Admin.Validate()); err != nil {
		return nil, err
	}
	return cfg, nil
}

// direct is the store, trail and account manager opened without a running Veil.
type direct struct {
	acc   *admin.Accounts
	close func()
}

// openDirect opens the store and the audit trail of cfg. With a shared (Redis) store the trail is
// written to "<stream>:cli", so that it never forks a running replica's chain.
func openDirect(ctx context.Context, cfg *configs.Config) (*direct, error) {
	log := zerolog.Nop()
	st, err := store.Open(ctx, cfg.Store, cfg.DataDir, log)
	if err != nil {
		return nil, fmt.Errorf("%w (the embedded store is locked while Veil runs: stop it, or use --token to go through its admin API)", err)
	}
	acfg := cfg.Audit
	if cfg.Store.Driver != "" && cfg.Store.Driver != store.DriverEmbedded {
		acfg.Stream += ":cli"
	}
	aud, err := audit.New(ctx, st, acfg, audit.Options{DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("opening audit trail: %w", err)
	}
	key, err := adminSecretKey(cfg)
	if err != nil {
		aud.Close()
		st.Close()
		return nil, err
	}
	acc, err := admin.NewAccounts(cfg.Admin, admin.Deps{Store: st, Auditor: aud, SecretKey: key, Logger: log})
	if err != nil {
		aud.Close()
		st.Close()
		return nil, err
	}
	return &direct{acc: acc, close: func() { _ = aud.Close(); _ = st.Close() }}, nil
}

// cliActor names the command line in the audit trail.
const cliActor = "cli"

func runAdminInit(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("admin init", stderr)
	w := addAdminWhere(fs, false)
	name := fs.String("name", "admin", "name of the admin identity (a-z 0-9 . _ -)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of generating one")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	var password string
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if password == "" {
			return errors.New("--password-stdin: no password on stdin")
		}
	}
	cfg, err := w.loadConfig()
	if err != nil {
		return err
	}
	d, err := openDirect(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.close()
	creds, err := d.acc.InitAdmin(ctx, *name, password, cliActor)
	if errors.Is(err, admin.ErrInitialized) {
		return errors.New("an admin identity exists already: ask an admin to create yours (POST /admin/v1/identities)")
	}
	if err != nil {
		return err
	}
	if err := d.acc.RecordAccess(ctx, cliActor, admin.RoleAdmin, "identities.create"); err != nil {
		return fmt.Errorf("recording the new identity in the audit trail: %w", err)
	}
	printCredentials(stdout, creds)
	return nil
}

// printCredentials shows an identity's secrets once.
func printCredentials(w io.Writer, c admin.Credentials) {
	fmt.Fprintf(w, "created identity %q with role %s\n\n", c.Name, c.Role)
	if c.Password != "" {
		fmt.Fprintf(w, "password:        %s\n", c.Password)
	}
	if c.TOTPSecret != "" {
		fmt.Fprintf(w, "TOTP secret:     %s\nTOTP URL:        %s\n", c.TOTPSecret, c.TOTPURL)
		fmt.Fprintf(w, "recovery codes:  %s\n", strings.Join(c.RecoveryCodes, "  "))
	}
	fmt.Fprint(w, "\nThese are shown once and stored only hashed or encrypted. Add the TOTP secret to an\n"+
		"authenticator app (or open the URL as a QR code), keep the recovery codes offline.\n")
}

func runAdminTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("admin token create", stderr)
	w := addAdminWhere(fs, true)
	role := fs.String("role", "", "operator, compliance, auditor or admin")
	ttl := fs.Duration("ttl", admin.DefaultTokenTTL, "lifetime (at most admin.token_max_ttl)")
	label := fs.String("label", "", "a name for people (a-z 0-9 . _ -)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *role == "" {
		if *role == "" {
			fmt.Fprintln(stderr, "veil admin token create: --role is required")
		}
		return errUsage
	}
	var tok admin.IssuedToken
	if c, ok, err := w.client(); err != nil {
		return err
	} else if ok {
		body := admin.TokenRequest{Role: admin.Role(*role), TTL: ttl.String(), Label: *label}
		if err := c.call(ctx, http.MethodPost, "/admin/v1/tokens", body, http.StatusCreated, &tok); err != nil {
			return err
		}
	} else {
		cfg, err := w.loadConfig()
		if err != nil {
			return err
		}
		d, err := openDirect(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.close()
		if tok, err = d.acc.IssueToken(ctx, admin.Role(*role), *ttl, *label, cliActor); err != nil {
			return err
		}
		if err := d.acc.RecordAccess(ctx, cliActor, admin.RoleAdmin, "tokens.issue"); err != nil {
			_ = d.acc.RevokeToken(ctx, tok.ID)
			return fmt.Errorf("recording the token in the audit trail: %w", err)
		}
	}
	fmt.Fprintf(stdout, "token %s, role %s, expires %s (shown once; store it in a secret manager):\n%s\n",
		tok.ID, tok.Role, tok.ExpiresAt.UTC().Format(time.RFC3339), tok.Token)
	return nil
}

func runAdminTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("admin token revoke", stderr)
	w := addAdminWhere(fs, true)
	// Accept the id before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if fs.NArg() > 0 || id == "" {
		fmt.Fprintln(stderr, "veil admin token revoke: give one token id")
		return errUsage
	}
	if c, ok, err := w.client(); err != nil {
		return err
	} else if ok {
		if err := c.call(ctx, http.MethodDelete, "/admin/v1/tokens/"+id, nil, http.StatusNoContent, nil); err != nil {
			return err
		}
	} else {
		cfg, err := w.loadConfig()
		if err != nil {
			return err
		}
		d, err := openDirect(ctx, cfg)
		if err != nil {
			return err
		}
		defer d.close()
		if err := d.acc.RevokeToken(ctx, id); err != nil {
			return fmt.Errorf("revoking token %s: %w", id, err)
		}
		if err := d.acc.RecordAccess(ctx, cliActor, admin.RoleAdmin, "tokens.revoke"); err != nil {
			return fmt.Errorf("recording the revocation in the audit trail (the token is revoked): %w", err)
		}
	}
	fmt.Fprintf(stdout, "revoked token %s\n", id)
	return nil
}

// apiClient calls a running Veil's admin API with a token.
type apiClient struct {
	base, token string
	// reason, when set, is sent as the access reason (X-Veil-Reason) of every call.
	reason string
	hc     *http.Client
}

// client returns an API client when a token was given (flag or $VEIL_ADMIN_TOKEN).
func (w *adminWhere) client() (*apiClient, bool, error) {
	tok := w.token
	if tok == "" {
		tok = os.Getenv("VEIL_ADMIN_TOKEN")
	}
	if tok == "" {
		return nil, false, nil
	}
	base := w.url
	tc := &tls.Config{MinVersion: tls.VersionTLS13}
	if base == "" {
		base = "http://127.0.0.1:9090"
		if w.config != "" {
			cfg, err := configs.Load(w.config)
			if err != nil {
				return nil, false, err
			}
			scheme := "http"
			if cfg.Admin.TLS.Enabled() {
				scheme = "https"
			}
			base = scheme + "://" + cfg.Admin.Listen
		}
	}
	if w.caFile != "" {
		pem, err := os.ReadFile(w.caFile)
		if err != nil {
			return nil, false, fmt.Errorf("--ca-file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, false, errors.New("--ca-file: no PEM certificate")
		}
	}
	if w.clientCert != "" || w.clientKey != "" {
		cert, err := tls.LoadX509KeyPair(w.clientCert, w.clientKey)
		if err != nil {
			return nil, false, fmt.Errorf("--client-cert/--client-key: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return &apiClient{base: strings.TrimRight(base, "/"), token: tok,
		hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: tc}}}, true, nil
}

func (c *apiClient) call(ctx context.Context, method, path string, body any, want int, out any) error {
	res, err := c.send(ctx, method, path, body, want)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("admin API: unexpected answer: %w", err)
		}
	}
	return nil
}

// send makes one call and returns the response when its status is want; otherwise the error
// carries the status and the API's message (never a request body).
func (c *apiClient) send(ctx context.Context, method, path string, body any, want int) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("--admin-url: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.reason != "" {
		req.Header.Set(admin.ReasonHeader, c.reason)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling the admin API: %w", err)
	}
	if res.StatusCode != want {
		defer res.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return nil, fmt.Errorf("admin API: %s: %s", res.Status, e.Error)
	}
	return res, nil
}
