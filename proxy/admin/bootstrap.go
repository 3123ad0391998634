package admin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/veil-privacy/veil/audit"
)

// TokenFileName is the file in the data directory Bootstrap writes an admin token to.
const TokenFileName = "admin-token"

// bootstrapActor is the actor of what Bootstrap does, in the audit trail.
const bootstrapActor = "bootstrap"

// Bootstrap makes a fresh installation administrable without a person at a prompt (the
// quickstart): it creates the "admin" identity when no admin identity exists (with a random
// password and TOTP nobody has seen: use POST /admin/v1/identities/admin/reset with the token to
// get credentials), and writes an admin API token to <dataDir>/admin-token (mode 0600) unless that
// file already holds a live token. It returns the file's path. Each step is audited.
func Bootstrap(ctx context.Context, deps Deps, dataDir string) (string, error) {
	cfg := Config{}
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	acc, err := NewAccounts(cfg, deps)
	if err != nil {
		return "", err
	}
	return acc.Bootstrap(ctx, dataDir)
}

// Bootstrap is the package function Bootstrap on this account manager.
func (a *Accounts) Bootstrap(ctx context.Context, dataDir string) (string, error) {
	path := filepath.Join(dataDir, TokenFileName)
	if b, err := os.ReadFile(path); err == nil {
		if _, err := a.VerifyToken(ctx, strings.TrimSpace(string(b))); err == nil {
			return path, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("reading admin token file: %w", err)
	}
	p := principal{Actor: bootstrapActor, Role: RoleAdmin}
	if _, err := a.InitAdmin(ctx, "admin", "", bootstrapActor); err == nil {
		if err := a.audit(ctx, p, "identities.create"); err != nil {
			return "", err
		}
	} else if !errors.Is(err, ErrInitialized) && !errors.Is(err, ErrExists) {
		return "", fmt.Errorf("creating the admin identity: %w", err)
	}
	tok, err := a.IssueToken(ctx, RoleAdmin, a.cfg.TokenMaxTTL, bootstrapActor, bootstrapActor)
	if err != nil {
		return "", err
	}
	if err := a.audit(ctx, p, "tokens.issue"); err != nil {
		_ = a.RevokeToken(ctx, tok.ID)
		return "", err
	}
	if err := writeSecretFile(path, tok.Token+"\n"); err != nil {
		_ = a.RevokeToken(ctx, tok.ID)
		return "", err
	}
	return path, nil
}

// audit records an admin.access event for something done outside an HTTP request.
func (a *Accounts) audit(ctx context.Context, p principal, action string) error {
	return a.d.Auditor.Record(ctx, audit.Event{Type: audit.AdminAccess, Route: "admin", Outcome: "ok",
		Actor: p.Actor, Role: string(p.Role), Actions: map[string]int{action: 1}})
}

// RecordAccess records an admin.access event for an action taken outside the API (the command
// line opening the store directly): actor, role and action name ("tokens.issue").
func (a *Accounts) RecordAccess(ctx context.Context, actor string, role Role, action string) error {
	return a.audit(ctx, principal{Actor: actor, Role: role}, action)
}

// writeSecretFile writes data to path with mode 0600 through a temporary file and a rename, so the
// file is never readable by others nor half written.
func writeSecretFile(path, data string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("writing admin token file: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".admin-token-*")
	if err != nil {
		return fmt.Errorf("writing admin token file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("writing admin token file: %w", err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return fmt.Errorf("writing admin token file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing admin token file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing admin token file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing admin token file: %w", err)
	}
	return nil
}
