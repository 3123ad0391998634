package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
	_ "github.com/veil-privacy/veil/store/embedded" // the embedded driver for store.Open
	"github.com/veil-privacy/veil/store/redisstore"
)

func init() {
	commands["keys"] = command{"generate a vault master key, or rotate to a new one", runKeys}
}

const keysUsage = `usage: veil keys <command> [flags]

commands:
  generate --out FILE
        write a new random master key (base64, mode 0600) to FILE, which must not exist
  rotate --config FILE [--new-key-file F] [--redis URL --key-prefix P]
        re-wrap every subject's data key under a new master key (F, or a new key generated next
        to the current one), then print what to change in the configuration

No command prints key material: only file paths and key fingerprints. See docs/VAULT.md.
`

func runKeys(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return errUsage
	}
	switch args[0] {
	case "generate":
		return runKeysGenerate(args[1:], stdout, stderr)
	case "rotate":
		return runKeysRotate(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stderr, keysUsage)
		return errUsage
	}
	fmt.Fprintf(stderr, "veil keys: unknown command %q\n\n%s", args[0], keysUsage)
	return errUsage
}

func runKeysGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keys generate", stderr)
	out := fs.String("out", "", "file to write the new master key to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, "veil keys generate: --out FILE is required\n")
		return errUsage
	}
	id, err := vault.GenerateKeyFile(*out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote a new master key to %s (mode 0600, key id %s)\n"+
		"use it with keys.master_key_file: %s, or put the file's content in $%s\n",
		*out, id, *out, vault.DefaultMasterKeyEnv)
	return err
}

func runKeysRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keys rotate", stderr)
	path := fs.String("config", "veil.yaml", "Veil's configuration file (store, data_dir, keys)")
	newFile := fs.String("new-key-file", "", "the new master key; default: generate one next to the current key")
	redisURL := fs.String("redis", "", "Redis URL (redis:// or rediss://) of the store, overriding the configuration's store block")
	keyPrefix := fs.String("key-prefix", store.DefaultKeyPrefix, "key prefix of Veil's Redis keys (with --redis)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	cfg, err := configs.Load(*path)
	if err != nil {
		return err
	}
	keys := cfg.Keys
	if !keys.Configured(os.LookupEnv) {
		// The quickstart's generated key, if there is one; never generate the old key here.
		p := filepath.Join(cfg.DataDir, "keys", "master.key")
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("no master key configured (keys.master_key_file or $%s) and none in %s: nothing to rotate from",
				keys.MasterKeyEnv, filepath.Dir(p))
		}
		keys.MasterKeyFile = p
	}
	kr, err := keys.Keyring(os.LookupEnv)
	if err != nil {
		return err
	}

	newPath := *newFile
	if newPath == "" {
		dir := filepath.Join(cfg.DataDir, "keys")
		if keys.MasterKeyFile != "" {
			dir = filepath.Dir(keys.MasterKeyFile)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating key directory: %w", err)
		}
		newPath = filepath.Join(dir, "master-"+time.Now().UTC().Format("20060102T150405Z")+".key")
		if _, err := vault.GenerateKeyFile(newPath); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated a new master key in %s\n", newPath)
	}
	newKey, err := vault.ReadKeyFile(newPath)
	if err != nil {
		return err
	}

	st, where, closeStore, err := openKeysStore(ctx, cfg, *redisURL, *keyPrefix, newLogger(io.Discard, cfg.Log))
	if err != nil {
		return err
	}
	defer closeStore()
	v, err := vault.New(st, kr, vault.Options{})
	if err != nil {
		return err
	}
	oldID, oldFile := v.MasterKeyID(), keys.MasterKeyFile
	n, err := v.RotateMaster(ctx, newKey)
	if err != nil {
		return fmt.Errorf("rotating in %s: %w", where, err)
	}
	newID := v.MasterKeyID()
	fmt.Fprintf(stdout, "re-wrapped %d data keys in %s under master key %s (was %s)\n", n, where, newID, oldID)
	if n == 0 && newID != oldID {
		fmt.Fprintf(stdout, "note: no data key was under the old master key; is %s the store Veil uses?\n", where)
	}
	oldRef := oldFile
	if oldRef == "" {
		oldRef = "<a file holding the old key from $" + keys.MasterKeyEnv + ">"
	}
	_, err = fmt.Fprintf(stdout, `
now change the keys block of every replica and restart it:
  keys:
    master_key_file: %s
    previous_master_key_files: [%s]
(a replica still running without the new key cannot unwrap re-wrapped data keys: see docs/VAULT.md)
once every replica runs with the new key, run this command again with --new-key-file %s
to re-wrap data keys created under the old key meanwhile; then remove the old key from
previous_master_key_files and destroy it.
`, newPath, oldRef, newPath)
	return err
}

// openKeysStore opens the store the vault lives in: Redis when --redis is given, else the
// configuration's store block.
func openKeysStore(ctx context.Context, cfg *configs.Config, redisURL, keyPrefix string, log zerolog.Logger) (vault.Store, string, func(), error) {
	if redisURL != "" {
		opt, err := redis.ParseURL(redisURL)
		if err != nil {
			return nil, "", nil, errors.New("--redis: not a redis:// or rediss:// URL")
		}
		c := redis.NewClient(opt)
		s, err := redisstore.New(c, keyPrefix)
		if err != nil {
			c.Close()
			return nil, "", nil, err
		}
		return s, "redis " + opt.Addr, func() { c.Close() }, nil
	}
	scfg := cfg.Store
	s, err := store.Open(ctx, scfg, cfg.DataDir, log)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w (the embedded store is locked while Veil runs: stop it first)", err)
	}
	where := "the " + scfg.Driver + " store"
	if scfg.Driver == store.DriverEmbedded {
		where += " in " + cfg.DataDir
	}
	return s, where, func() { s.Close() }, nil
}
