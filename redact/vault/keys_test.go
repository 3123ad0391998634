package vault

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeKey(t *testing.T, dir, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if _, err := GenerateKeyFile(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKeysConfigValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeKey(t, dir, "good.key", 0o600)
	ro := writeKey(t, dir, "ro.key", 0o400)
	open := writeKey(t, dir, "open.key", 0o644)
	tests := []struct {
		desc string
		cfg  KeysConfig
		want []string // prefixes of the problems, in order
	}{
		{desc: "empty is fine (env default)", cfg: KeysConfig{}},
		{desc: "good files", cfg: KeysConfig{MasterKeyFile: good, PreviousMasterKeyFiles: []string{ro}}},
		{desc: "every problem at once", cfg: KeysConfig{
			MasterKeyFile:          open,
			MasterKeyEnv:           "NOT-A NAME",
			PreviousMasterKeyFiles: []string{filepath.Join(dir, "missing.key"), "", open},
		}, want: []string{
			"master_key_env: ", "master_key_file: key file " + open + " has mode 0644",
			"previous_master_key_files[0]: key file", "previous_master_key_files[1]: must not be empty",
			"previous_master_key_files[2]: is the same file as master_key_file",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			err := tc.cfg.Validate()
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if len(got) < len(tc.want) || (len(tc.want) == 0 && err != nil) {
				t.Fatalf("Validate() = %v; want %d problems", err, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], w)
				}
			}
			if tc.cfg.MasterKeyEnv == "" {
				t.Error("Validate left master_key_env empty")
			}
		})
	}
}

func TestKeyring(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cur := writeKey(t, dir, "cur.key", 0o600)
	prev := writeKey(t, dir, "prev.key", 0o600)
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	envKey := base64.StdEncoding.EncodeToString(GenerateKey())

	kr, err := (&KeysConfig{MasterKeyFile: cur, PreviousMasterKeyFiles: []string{prev}}).Keyring(env(nil))
	if err != nil || len(kr.keys) != 2 {
		t.Fatalf("Keyring from files: %v", err)
	}
	fromEnv, err := (&KeysConfig{}).Keyring(env(map[string]string{DefaultMasterKeyEnv: envKey + "\n"}))
	if err != nil || fromEnv.ID() == kr.ID() {
		t.Fatalf("Keyring from env: %v", err)
	}
	if !(&KeysConfig{}).Configured(env(map[string]string{DefaultMasterKeyEnv: envKey})) || (&KeysConfig{}).Configured(env(nil)) {
		t.Error("Configured is wrong")
	}
	if _, err := (&KeysConfig{MasterKeyEnv: "MY_KEY"}).Keyring(env(map[string]string{DefaultMasterKeyEnv: envKey})); err == nil || !strings.Contains(err.Error(), "$MY_KEY") {
		t.Errorf("no key: %v", err)
	}
	secret := "c2VjcmV0LXZhbHVlLXRoYXQtaXMtdG9vLXNob3J0"
	_, err = (&KeysConfig{}).Keyring(env(map[string]string{DefaultMasterKeyEnv: secret}))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("short key: %v (must fail without echoing the key)", err)
	}
	if _, err := (&KeysConfig{}).Keyring(env(map[string]string{DefaultMasterKeyEnv: "not base64!"})); err == nil || strings.Contains(err.Error(), "not base64!") {
		t.Errorf("bad base64: %v", err)
	}
}

func TestKeyFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "k.key")
	id, err := GenerateKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(p)
	if strings.Contains(id, strings.TrimSpace(string(raw))) || len(id) != 16 {
		t.Errorf("id %q", id)
	}
	if _, err := GenerateKeyFile(p); err == nil {
		t.Error("GenerateKeyFile replaced an existing key")
	}
	if after, _ := os.ReadFile(p); string(after) != string(raw) {
		t.Error("existing key file changed")
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(p); err == nil || !strings.Contains(err.Error(), "0640") {
		t.Errorf("group-readable key accepted: %v", err)
	}
	if _, err := ReadKeyFile(filepath.Join(dir, "nope")); err == nil {
		t.Error("missing key file accepted")
	}
}

func TestEnsureMasterKey(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	p, err := EnsureMasterKey(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dataDir, "keys", "master.key") {
		t.Errorf("path %q", p)
	}
	first, _ := os.ReadFile(p)
	di, _ := os.Stat(filepath.Dir(p))
	fi, _ := os.Stat(p)
	if di.Mode().Perm() != 0o700 || fi.Mode().Perm() != 0o600 {
		t.Errorf("modes %v %v, want 0700 and 0600", di.Mode().Perm(), fi.Mode().Perm())
	}
	if p2, err := EnsureMasterKey(dataDir); err != nil || p2 != p {
		t.Fatalf("second call: %q, %v", p2, err)
	}
	if again, _ := os.ReadFile(p); string(again) != string(first) {
		t.Error("EnsureMasterKey replaced the key")
	}
	if _, err := ReadKeyFile(p); err != nil {
		t.Errorf("generated key unreadable: %v", err)
	}
	// A key file someone loosened is refused, not silently used.
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureMasterKey(dataDir); err == nil {
		t.Error("EnsureMasterKey accepted a world-readable key")
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	t.Parallel()
	if _, err := NewKeyring(make([]byte, 16)); err == nil {
		t.Error("16-byte master key accepted")
	}
	if _, err := NewKeyring(GenerateKey(), []byte("short")); err == nil {
		t.Error("short previous key accepted")
	}
	kr, err := NewKeyring(testMaster, testMaster)
	if err != nil || len(kr.keys) != 1 {
		t.Errorf("duplicate keys: %v, %d keys", err, len(kr.keys))
	}
	if _, err := New(newMemStore(nil), nil, Options{}); err == nil {
		t.Error("New without keys")
	}
	var zero Format
	if zero != Placeholder {
		t.Error("the zero Format must be Placeholder")
	}
	if _, err := ParseFormat("surrogate"); err != nil {
		t.Error(err)
	}
	if _, err := ParseFormat("hash"); err == nil {
		t.Error("ParseFormat accepted hash")
	}
}
