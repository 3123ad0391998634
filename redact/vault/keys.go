package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// DefaultMasterKeyEnv is the environment variable read for the master key when no file is set.
const DefaultMasterKeyEnv = "VEIL_MASTER_KEY"

// KeysConfig is the keys block of Veil's configuration: where the master key comes from.
// The master key is 32 random bytes, base64-encoded, in a file (mode 0600 or stricter) or in an
// environment variable; `veil keys generate` makes one.
type KeysConfig struct {
	// MasterKeyFile holds the current master key. It wins over MasterKeyEnv when both are set.
	MasterKeyFile string `yaml:"master_key_file"`
	// MasterKeyEnv names the environment variable that holds the master key when MasterKeyFile is
	// empty (default VEIL_MASTER_KEY).
	MasterKeyEnv string `yaml:"master_key_env"`
	// PreviousMasterKeyFiles are master keys accepted for unwrapping data keys but never used to
	// wrap new ones: the old key after a rotation, until every data key is re-wrapped, and the new
	// key on replicas that have not switched yet.
	PreviousMasterKeyFiles []string `yaml:"previous_master_key_files"`
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate fills defaults and reports every problem at once, each prefixed with its YAML path
// relative to the keys block. It checks that key files exist with safe permissions but does not
// read them.
func (c *KeysConfig) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if c.MasterKeyEnv == "" {
		c.MasterKeyEnv = DefaultMasterKeyEnv
	}
	if !envName.MatchString(c.MasterKeyEnv) {
		add("master_key_env", "%q is not an environment variable name", c.MasterKeyEnv)
	}
	seen := map[string]string{}
	check := func(path, file string) {
		if file == "" {
			add(path, "must not be empty")
			return
		}
		if abs, err := filepath.Abs(file); err == nil {
			if prev, dup := seen[abs]; dup {
				add(path, "is the same file as %s", prev)
			}
			seen[abs] = path
		}
		if err := checkKeyFileMode(file); err != nil {
			add(path, "%v", err)
		}
	}
	if c.MasterKeyFile != "" {
		check("master_key_file", c.MasterKeyFile)
	}
	for i, f := range c.PreviousMasterKeyFiles {
		check(fmt.Sprintf("previous_master_key_files[%d]", i), f)
	}
	return errors.Join(errs...)
}

// Configured reports whether a master key is configured: a file, or a non-empty variable.
func (c *KeysConfig) Configured(lookupEnv func(string) (string, bool)) bool {
	if c.MasterKeyFile != "" {
		return true
	}
	v, ok := lookupEnv(c.envName())
	return ok && strings.TrimSpace(v) != ""
}

func (c *KeysConfig) envName() string {
	if c.MasterKeyEnv == "" {
		return DefaultMasterKeyEnv
	}
	return c.MasterKeyEnv
}

// Keyring reads the configured master keys: the current one from MasterKeyFile or MasterKeyEnv,
// and the previous ones from their files.
func (c *KeysConfig) Keyring(lookupEnv func(string) (string, bool)) (*Keyring, error) {
	var current []byte
	switch {
	case c.MasterKeyFile != "":
		k, err := ReadKeyFile(c.MasterKeyFile)
		if err != nil {
			return nil, err
		}
		current = k
	default:
		name := c.envName()
		v, ok := lookupEnv(name)
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("no master key: set keys.master_key_file or $%s (generate one with `veil keys generate`)", name)
		}
		k, err := ParseKey([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("reading master key from $%s: %w", name, err)
		}
		current = k
	}
	prev := make([][]byte, 0, len(c.PreviousMasterKeyFiles))
	for _, f := range c.PreviousMasterKeyFiles {
		k, err := ReadKeyFile(f)
		if err != nil {
			return nil, err
		}
		prev = append(prev, k)
	}
	return NewKeyring(current, prev...)
}

// Keyring holds the master keys: the current one wraps data keys, every one unwraps them.
// It keeps only keys derived from the master keys, never the master keys themselves.
type Keyring struct {
	keys []masterKey // current first
}

// NewKeyring returns a keyring that wraps under current and also unwraps under previous.
// Duplicates are ignored.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	cur, err := newMasterKey(current)
	if err != nil {
		return nil, err
	}
	kr := &Keyring{keys: []masterKey{cur}}
	for i, p := range previous {
		mk, err := newMasterKey(p)
		if err != nil {
			return nil, fmt.Errorf("previous master key %d: %w", i, err)
		}
		kr.add(mk)
	}
	return kr, nil
}

func (kr *Keyring) add(mk masterKey) {
	for _, k := range kr.keys {
		if k.id == mk.id {
			return
		}
	}
	kr.keys = append(kr.keys, mk)
}

// ID is a fingerprint of the current master key (derived by HKDF, so it reveals nothing of the
// key), for telling key files apart in operator output.
func (kr *Keyring) ID() string { return kr.keys[0].id.String() }

func (kr *Keyring) current() masterKey { return kr.keys[0] }

func (kr *Keyring) find(id keyID) (masterKey, bool) {
	for _, k := range kr.keys {
		if k.id == id {
			return k, true
		}
	}
	return masterKey{}, false
}

// rotated returns a keyring that wraps under next and unwraps under next and every key of kr.
func (kr *Keyring) rotated(next masterKey) *Keyring {
	out := &Keyring{keys: []masterKey{next}}
	for _, k := range kr.keys {
		out.add(k)
	}
	return out
}

// GenerateKey returns a new random master key.
func GenerateKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("vault: crypto/rand: " + err.Error())
	}
	return k
}

// ParseKey decodes a master key: the standard base64 of 32 bytes, surrounding whitespace ignored.
// Errors never include the input.
func ParseKey(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	k := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(k, b)
	if err != nil {
		return nil, errors.New("master key is not valid base64")
	}
	if n != KeySize {
		return nil, fmt.Errorf("master key must be the base64 of %d bytes, got %d bytes", KeySize, n)
	}
	return k[:n], nil
}

// checkKeyFileMode refuses a key file that is missing, not a regular file, or readable or
// writable by group or others.
func checkKeyFileMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("key file %s does not exist", path)
		}
		return fmt.Errorf("key file %s: %w", path, cause(err))
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("key file %s has mode %04o; it must be 0600 or stricter (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	return nil
}

// ReadKeyFile reads a master key file, refusing one with permissions wider than 0600.
func ReadKeyFile(path string) ([]byte, error) {
	if err := checkKeyFileMode(path); err != nil {
		return nil, fmt.Errorf("reading master key: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading master key file %s: %w", path, cause(err))
	}
	k, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("reading master key file %s: %w", path, err)
	}
	return k, nil
}

// WriteKeyFile writes key (base64, one line) to a new file with mode 0600. It never replaces an
// existing file.
func WriteKeyFile(path string, key []byte) (err error) {
	if len(key) != KeySize {
		return fmt.Errorf("master key must be %d bytes, got %d", KeySize, len(key))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing master key file %s: it already exists; refusing to replace a key", path)
		}
		return fmt.Errorf("writing master key file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing master key file %s: %w", path, cause(cerr))
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	line := base64.StdEncoding.AppendEncode(nil, key)
	line = append(line, '\n')
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("writing master key file %s: %w", path, cause(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing master key file %s: %w", path, cause(err))
	}
	return nil
}

// GenerateKeyFile writes a new random master key to a new file with mode 0600 and returns the
// key's fingerprint (Keyring.ID), never the key.
func GenerateKeyFile(path string) (id string, err error) {
	key := GenerateKey()
	if err := WriteKeyFile(path, key); err != nil {
		return "", err
	}
	mk, _ := newMasterKey(key)
	return mk.id.String(), nil
}

// EnsureMasterKey returns the path of <dataDir>/keys/master.key, generating the key (mode 0600,
// directory 0700) if it does not exist yet. It is for the quickstart and single-node setups where
// no master key is configured; production setups configure keys.master_key_file or the variable.
func EnsureMasterKey(dataDir string) (string, error) {
	dir := filepath.Join(dataDir, "keys")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating key directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("restricting key directory: %w", err)
	}
	path := filepath.Join(dir, "master.key")
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if _, err := GenerateKeyFile(path); err != nil && !errors.Is(err, fs.ErrExist) {
			// Another process may have created it first: fall through to check its file.
			if _, statErr := os.Lstat(path); statErr != nil {
				return "", err
			}
		}
	}
	if _, err := ReadKeyFile(path); err != nil {
		return "", err
	}
	return path, nil
}

// cause drops the path an *fs.PathError repeats, keeping the reason.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
