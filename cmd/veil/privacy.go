package main

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
	_ "github.com/veil-privacy/veil/store/embedded"   // store.Open's embedded driver
	_ "github.com/veil-privacy/veil/store/redisstore" // store.Open's redis driver
)

// privacy holds the components that outlive a configuration reload: the store, the vault, the
// policy engine, the audit trail and the detector.
type privacy struct {
	store      store.Store
	vault      *vault.Vault
	policy     *policy.Engine
	audit      *audit.Auditor
	scanner    *redact.Scanner
	consent    *consent.Manager
	rights     *rights.Service
	subjectKey []byte // keys subject ids from headers and JSON fields
	hashKey    []byte // keys the "hash" action
}

// openPrivacy opens every privacy component for cfg. Missing keys are generated in the data
// directory (with a warning outside the quickstart): production sets them explicitly.
func (a *app) openPrivacy(ctx context.Context, cfg *configs.Config) (*privacy, error) {
	pv := &privacy{}
	ok := false
	defer func() {
		if !ok {
			pv.close()
		}
	}()
	var err error
	if pv.store, err = store.Open(ctx, cfg.Store, cfg.DataDir, a.log.With().Str("component", "store").Logger()); err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if c, ok := pv.store.(interface{ Collector() prometheus.Collector }); ok {
		a.registry.MustRegister(c.Collector()) // Redis: the connection pool
	}
	if !cfg.Keys.Configured(os.LookupEnv) {
		if cfg.Store.Driver == store.DriverRedis && !a.quickstart {
			// Replicas sharing Redis must share the master key: one generated here would make every
			// other replica's data keys unreadable to this one.
			return nil, errors.New("keys.master_key_file or $VEIL_MASTER_KEY is required with the redis store (every replica needs the same key)")
		}
		path, err := vault.EnsureMasterKey(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		a.log.Warn().Str("path", path).Msg("no master key configured: using one generated in data_dir; back it up, or set keys.master_key_file")
		cfg.Keys.MasterKeyFile = path
	}
	kr, err := cfg.Keys.Keyring(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if pv.vault, err = vault.New(pv.store, kr, vault.Options{}); err != nil {
		return nil, fmt.Errorf("opening vault: %w", err)
	}
	if pv.policy, err = policy.New(ctx, cfg.Policy, a.log.With().Str("component", "policy").Logger(), a.registry); err != nil {
		return nil, fmt.Errorf("loading policy: %w", err)
	}
	if pv.audit, err = audit.New(ctx, pv.store, cfg.Audit, audit.Options{
		DataDir: cfg.DataDir, Registerer: a.registry, Logger: a.log, // the trail names itself in its logs
	}); err != nil {
		return nil, fmt.Errorf("opening audit trail: %w", err)
	}
	secret, err := subjectSecret(cfg)
	if err != nil {
		return nil, err
	}
	if pv.subjectKey, err = hkdf.Key(sha256.New, secret, nil, "veil subject id", 32); err != nil {
		return nil, err
	}
	if pv.hashKey, err = hkdf.Key(sha256.New, secret, nil, "veil hash action", 32); err != nil {
		return nil, err
	}
	pv.scanner = detect.NewScanner(detect.Options{})
	go detect.WarmPhones() // so that no message pays for compiling a region's number patterns
	pv.consent = consent.New(cfg.Consent, pv.store, pv.audit)
	if pv.rights, err = pv.openRights(cfg, a.log.With().Str("component", "rights").Logger()); err != nil {
		return nil, fmt.Errorf("data-subject rights: %w", err)
	}
	pv.rights.Sweeper().Start(context.Background())
	ok = true
	return pv, nil
}

// subjectSecret reads proxy's subject_key_file, generating <data_dir>/keys/subject.key when unset.
func subjectSecret(cfg *configs.Config) ([]byte, error) {
	path := cfg.Proxy.SubjectKeyFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, "keys", "subject.key")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("subject key: %w", err)
			}
			if _, err := vault.GenerateKeyFile(path); err != nil {
				return nil, fmt.Errorf("subject key: %w", err)
			}
		}
	}
	k, err := vault.ReadKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("subject key: %w", err)
	}
	return k, nil
}

// pipeline builds the hooks for one proxy configuration.
func (pv *privacy) pipeline(cfg proxy.Config, a *app) (*proxy.Pipeline, error) {
	readAhead, _ := pv.store.(store.ReadAheader) // Redis: a message's reads in one round trip
	return proxy.NewPipeline(cfg, proxy.PipelineDeps{
		ReadAhead:     readAhead,
		Detector:      pv.scanner,
		Decider:       pv.policy,
		Vault:         pv.vault,
		Auditor:       pv.audit,
		Consent:       pv.consent,
		Interceptor:   pv.rights,
		Transcripts:   pv.rights,
		Page:          consent.NewBanner(),
		HashKey:       pv.hashKey,
		MinConfidence: cfg.MinConfidence,
		Metrics:       a.pipelineMetrics,
		Logger:        a.log.With().Str("component", "pipeline").Logger(),
	})
}

// ready reports whether every privacy component can do its job.
func (pv *privacy) ready(ctx context.Context) error {
	if err := pv.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if st := pv.policy.Status(); st.Revision == "" {
		return errors.New("policy: no policy loaded")
	}
	return nil
}

// close releases the components in reverse order: the audit trail flushes before the store closes.
func (pv *privacy) close() {
	if pv.rights != nil {
		pv.rights.Sweeper().Stop() // before the trail it audits to closes
	}
	if pv.audit != nil {
		_ = pv.audit.Close()
	}
	if pv.policy != nil {
		_ = pv.policy.Close()
	}
	if pv.store != nil {
		_ = pv.store.Close()
	}
}
