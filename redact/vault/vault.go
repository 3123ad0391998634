package vault

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Defaults for Options.
const (
	// DefaultCacheSize is how many unwrapped data keys are kept in memory.
	DefaultCacheSize = 10_000
	// DefaultCacheTTL is how long an unwrapped data key is used before it is read again, which
	// bounds how long another replica keeps using a key after an erasure.
	DefaultCacheTTL = 30 * time.Second
)

// Limits on what the vault accepts.
const (
	// MaxValueLen is the longest value Tokenize accepts, in bytes.
	MaxValueLen = 4096
	// maxSubjectLen bounds subject ids; they are pseudonymous ids, not free text.
	maxSubjectLen = 256
	// maxTokenLen bounds what Reveal looks up; no token the vault issues is longer.
	maxTokenLen = 256
)

// ErrNotFound is returned by Rectify when the subject has no token for the old value.
var ErrNotFound = errors.New("vault: no such value")

// errNoKey means the subject has no data key (never tokenized anything, or erased).
var errNoKey = errors.New("vault: subject has no data key")

// Options tune a Vault. The zero value uses the defaults.
type Options struct {
	// CacheSize bounds the unwrapped data keys kept in memory (default DefaultCacheSize; negative
	// disables the cache).
	CacheSize int
	// CacheTTL is how long a cached data key is trusted (default DefaultCacheTTL).
	CacheTTL time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Vault tokenizes values per subject and keeps them encrypted in a Store. It is safe for
// concurrent use, and several replicas may share one Store.
type Vault struct {
	st    Store
	keys  atomic.Pointer[Keyring]
	cache *keyCache
	now   func() time.Time
}

// InProcess reports whether the vault's store serves reads in this process (the embedded store),
// so that callers need not overlap them with other work.
func (v *Vault) InProcess() bool { return store.InProcess(v.st) }

// New returns a vault over st whose data keys are wrapped by keys.
func New(st Store, keys *Keyring, opts Options) (*Vault, error) {
	if st == nil {
		return nil, errors.New("vault: nil store")
	}
	if keys == nil || len(keys.keys) == 0 {
		return nil, errors.New("vault: no master key")
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	v := &Vault{st: st, now: opts.Now, cache: newKeyCache(opts.CacheSize, opts.CacheTTL, opts.Now)}
	v.keys.Store(keys)
	return v, nil
}

// MasterKeyID is the fingerprint of the master key new data keys are wrapped under.
func (v *Vault) MasterKeyID() string { return v.keys.Load().ID() }

func checkSubject(subject string) error {
	switch {
	case subject == "":
		return errors.New("vault: empty subject")
	case len(subject) > maxSubjectLen:
		return fmt.Errorf("vault: subject id longer than %d bytes", maxSubjectLen)
	case strings.HasPrefix(subject, "_"):
		return errors.New("vault: subjects starting with _ are reserved")
	case strings.IndexByte(subject, 0) >= 0:
		return errors.New("vault: subject contains NUL")
	}
	return nil
}

// dataKey returns the subject's data key from the cache or the store, creating it if create is set.
func (v *Vault) dataKey(ctx context.Context, subject string, create bool) (*dataKey, error) {
	if dk := v.cache.get(subject); dk != nil {
		return dk, nil
	}
	return v.loadDataKey(ctx, subject, create)
}

// loadDataKey reads (or creates) the subject's data key from the store, bypassing the cache, and
// caches it.
func (v *Vault) loadDataKey(ctx context.Context, subject string, create bool) (*dataKey, error) {
	for range 4 {
		rec, err := v.st.Get(ctx, subject, KindKey, dataKeyRecord)
		switch {
		case err == nil:
			dk, err := v.unwrap(subject, rec.Value)
			if err != nil {
				return nil, err
			}
			v.cache.put(subject, dk)
			return dk, nil
		case !errors.Is(err, store.ErrNotFound):
			return nil, fmt.Errorf("reading data key: %w", err)
		case !create:
			v.cache.evict(subject, nil)
			return nil, errNoKey
		}
		raw := GenerateKey()
		wrote, err := v.st.PutIfAbsent(ctx, store.Record{
			Subject: subject, Kind: KindKey, Key: dataKeyRecord, Value: v.keys.Load().current().wrap(subject, raw),
		})
		if err != nil {
			return nil, fmt.Errorf("creating data key: %w", err)
		}
		if wrote {
			dk := newDataKey(raw)
			v.cache.put(subject, dk)
			return dk, nil
		}
		// Another replica or goroutine created it first: read theirs.
	}
	return nil, errors.New("vault: data key keeps changing; is the subject being erased?")
}

// unwrap opens a KindKey record with whichever master key it names.
func (v *Vault) unwrap(subject string, b []byte) (*dataKey, error) {
	id, ok := sealedID(b)
	if !ok {
		return nil, ErrCorrupt
	}
	mk, ok := v.keys.Load().find(id)
	if !ok {
		return nil, ErrUnknownMasterKey
	}
	raw, err := open(mk.aead, b, keyAD(subject))
	if err != nil {
		return nil, err
	}
	if len(raw) != KeySize {
		return nil, ErrCorrupt
	}
	return newDataKey(raw), nil
}
