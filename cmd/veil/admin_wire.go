package main

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/redact/vault"
)

// mountAdmin turns on the admin API of a.admin with the running components: identities, tokens
// and sessions in the store, the audit trail, reload, policy status, online key rotation and the
// data-subject rights service (whose register gauges it exports on /metrics). Call it from
// newApp once a.privacy is open.
func (a *app) mountAdmin(cfg *configs.Config) error {
	key, err := adminSecretKey(cfg)
	if err != nil {
		return err
	}
	if err := registerRightsMetrics(a.registry, a.privacy.rights); err != nil {
		return err
	}
	deps := admin.Deps{
		Store:        a.privacy.store,
		Auditor:      a.privacy.audit,
		AuditReader:  a.privacy.store,
		AuditStream:  cfg.Audit.Stream,
		SecretKey:    key,
		Reload:       func(context.Context) error { return a.reload() },
		PolicyStatus: func() any { return a.privacy.policy.Status() },
		RotateKeys:   a.rotateKeysOnline,
		Rights:       a.privacy.rights,
		Logger:       a.log.With().Str("component", "admin").Logger(),
	}
	if !cfg.Admin.Loopback() && !cfg.Admin.TLS.Enabled() {
		a.log.Warn().Str("addr", cfg.Admin.Listen).Msg("THE ADMIN LISTENER IS NOT ON LOOPBACK AND HAS NO TLS: tokens and session cookies cross the network in clear; set admin.tls.cert_file and key_file")
	}
	if _, err := cfg.Admin.TLSConfig(); err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	if err := a.admin.Configure(cfg.Admin, deps); err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	return nil
}

// adminSecretKey derives the key TOTP secrets are sealed with from the subject secret (the same
// file the CLI reads, so `veil admin init` and the server agree).
func adminSecretKey(cfg *configs.Config) ([]byte, error) {
	secret, err := subjectSecret(cfg)
	if err != nil {
		return nil, err
	}
	return hkdf.Key(sha256.New, secret, nil, "veil admin totp", 32)
}

// bootstrapAdmin creates the first admin identity and writes an admin token to
// <data_dir>/admin-token (mode 0600) unless a live one is there. It returns the file's path.
func (a *app) bootstrapAdmin(ctx context.Context) (string, error) {
	acc := a.admin.Accounts()
	if acc == nil {
		return "", fmt.Errorf("admin API not mounted")
	}
	return acc.Bootstrap(ctx, a.cfg.DataDir)
}

// keyRotation is what POST /admin/v1/keys/rotate answers: ids and paths, never key material.
type keyRotation struct {
	Rewrapped     int    `json:"rewrapped"`
	MasterKeyID   string `json:"master_key_id"`
	PreviousKeyID string `json:"previous_key_id"`
	NewKeyFile    string `json:"new_key_file"`
	Next          string `json:"next"`
}

// rotateKeysOnline generates a new master key next to the current one and re-wraps every data
// key under it while Veil runs. The configuration must then name the new file (and the old one
// as a previous key) before the next restart, so it is refused when there is no configuration
// file to change (the quickstart).
func (a *app) rotateKeysOnline(ctx context.Context) (any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.configPath == "" {
		return nil, fmt.Errorf("%w: this Veil runs without a configuration file to record the new key in; use `veil keys rotate` with a configuration", admin.ErrRefused)
	}
	dir := filepath.Join(a.cfg.DataDir, "keys")
	if f := a.cfg.Keys.MasterKeyFile; f != "" {
		dir = filepath.Dir(f)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating key directory: %w", err)
	}
	path := filepath.Join(dir, "master-"+time.Now().UTC().Format("20060102T150405Z")+".key")
	if _, err := vault.GenerateKeyFile(path); err != nil {
		return nil, err
	}
	key, err := vault.ReadKeyFile(path)
	if err != nil {
		return nil, err
	}
	v := a.privacy.vault
	old := v.MasterKeyID()
	n, err := v.RotateMaster(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("rotating master key: %w", err)
	}
	a.log.Warn().Str("new_key_file", path).Str("master_key_id", v.MasterKeyID()).Int("rewrapped", n).
		Msg("master key rotated: set keys.master_key_file to the new file and list the old one in keys.previous_master_key_files before the next restart")
	return keyRotation{Rewrapped: n, MasterKeyID: v.MasterKeyID(), PreviousKeyID: old, NewKeyFile: path,
		Next: "set keys.master_key_file to new_key_file and add the old key file to keys.previous_master_key_files before restarting (docs/VAULT.md)"}, nil
}
