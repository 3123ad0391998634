package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store/embedded"
)

// noKeyMaterial fails if out contains the base64 of any key file in paths.
func noKeyMaterial(t *testing.T, out string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		k := strings.TrimSpace(string(b))
		if strings.Contains(out, k) || strings.Contains(out, k[:16]) {
			t.Errorf("output contains key material of %s", p)
		}
	}
}

func TestKeysGenerate(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "master.key")
	var out, errOut bytes.Buffer
	if err := runKeys(context.Background(), []string{"generate", "--out", p}, nil, &out, &errOut); err != nil {
		t.Fatalf("generate: %v (%s)", err, errOut.String())
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	if _, err := vault.ReadKeyFile(p); err != nil {
		t.Errorf("generated file unreadable: %v", err)
	}
	if !strings.Contains(out.String(), p) {
		t.Errorf("output %q does not say where the key is", out.String())
	}
	noKeyMaterial(t, out.String()+errOut.String(), p)
	before, _ := os.ReadFile(p)
	if err := runKeys(context.Background(), []string{"generate", "--out", p}, nil, &out, &errOut); err == nil {
		t.Error("generate replaced an existing key file")
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("existing key file changed")
	}
	if err := runKeys(context.Background(), []string{"generate"}, nil, &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("generate without --out: %v, want usage", err)
	}
	if err := runKeys(context.Background(), []string{"nope"}, nil, &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v, want usage", err)
	}
}

const keysTestConfig = `
listen: "127.0.0.1:0"
admin:
  listen: "127.0.0.1:0"
tls:
  mode: self-signed
upstream:
  url: http://127.0.0.1:8080
routes:
  - name: rest
    path: /webhooks/rest/webhook
    kind: chat
    purpose: support
    fields: [message]
`

// seedVault tokenizes one value for each subject in the embedded store of dataDir and returns
// subject -> token.
func seedVault(t *testing.T, dataDir string, master []byte, subjects ...string) map[string]string {
	t.Helper()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(filepath.Join(dataDir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := vault.NewKeyring(master)
	v, _ := vault.New(st, kr, vault.Options{})
	out := map[string]string{}
	for _, s := range subjects {
		tok, err := v.Tokenize(context.Background(), s, redact.Email, s+"@example.de", vault.Surrogate, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = tok
	}
	return out
}

func checkReadable(t *testing.T, dataDir string, master []byte, toks map[string]string) {
	t.Helper()
	st, err := embedded.Open(filepath.Join(dataDir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := vault.NewKeyring(master)
	v, _ := vault.New(st, kr, vault.Options{})
	for s, tok := range toks {
		val, ok, err := v.Reveal(context.Background(), s, tok)
		if err != nil || !ok || val != s+"@example.de" {
			t.Errorf("%s: Reveal with the new key only = %q, %v, %v", s, val, ok, err)
		}
	}
}

func TestKeysRotate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc      string
		giveNew   bool
		wantError string
	}{
		{desc: "generated new key"},
		{desc: "given new key", giveNew: true},
		{desc: "world-readable new key is refused", giveNew: true, wantError: "0644"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			dataDir := filepath.Join(dir, "data")
			keyDir := filepath.Join(dir, "keys")
			if err := os.MkdirAll(keyDir, 0o700); err != nil {
				t.Fatal(err)
			}
			oldPath := filepath.Join(keyDir, "old.key")
			if _, err := vault.GenerateKeyFile(oldPath); err != nil {
				t.Fatal(err)
			}
			oldKey, _ := vault.ReadKeyFile(oldPath)
			toks := seedVault(t, dataDir, oldKey, "alice", "bob", "carol")

			cfgPath := filepath.Join(dir, "veil.yaml")
			cfg := keysTestConfig + "data_dir: " + dataDir + "\nkeys:\n  master_key_file: " + oldPath + "\n"
			if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"rotate", "--config", cfgPath}
			newPath := ""
			if tc.giveNew {
				newPath = filepath.Join(keyDir, "new.key")
				if _, err := vault.GenerateKeyFile(newPath); err != nil {
					t.Fatal(err)
				}
				if tc.wantError != "" {
					os.Chmod(newPath, 0o644)
				}
				args = append(args, "--new-key-file", newPath)
			}
			var out, errOut bytes.Buffer
			err := runKeys(context.Background(), args, nil, &out, &errOut)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("rotate = %v, want an error with %q", err, tc.wantError)
				}
				checkReadable(t, dataDir, oldKey, toks)
				return
			}
			if err != nil {
				t.Fatalf("rotate: %v\n%s%s", err, out.String(), errOut.String())
			}
			if newPath == "" {
				m := regexp.MustCompile(`generated a new master key in (\S+)`).FindStringSubmatch(out.String())
				if m == nil {
					t.Fatalf("output does not say where the new key is:\n%s", out.String())
				}
				newPath = m[1]
			}
			text := out.String()
			for _, want := range []string{"re-wrapped 3 data keys", "master_key_file: " + newPath, "previous_master_key_files: [" + oldPath + "]"} {
				if !strings.Contains(text, want) {
					t.Errorf("output lacks %q:\n%s", want, text)
				}
			}
			noKeyMaterial(t, text+errOut.String(), oldPath, newPath)
			newKey, err := vault.ReadKeyFile(newPath)
			if err != nil {
				t.Fatal(err)
			}
			checkReadable(t, dataDir, newKey, toks)

			// Running it again with the same new key has nothing left to do.
			out.Reset()
			cfg = keysTestConfig + "data_dir: " + dataDir + "\nkeys:\n  master_key_file: " + newPath + "\n  previous_master_key_files: [" + oldPath + "]\n"
			if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := runKeys(context.Background(), []string{"rotate", "--config", cfgPath, "--new-key-file", newPath}, nil, &out, &errOut); err != nil {
				t.Fatalf("second rotate: %v", err)
			}
			if !strings.Contains(out.String(), "re-wrapped 0 data keys") {
				t.Errorf("second rotate:\n%s", out.String())
			}
		})
	}
}
