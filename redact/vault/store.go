package vault

import (
	"context"

	"github.com/veil-privacy/veil/store"
)

// Store is the part of store.Store the vault uses. Any store.Store satisfies it.
type Store interface {
	Put(ctx context.Context, r store.Record) error
	PutIfAbsent(ctx context.Context, r store.Record) (bool, error)
	Get(ctx context.Context, subject, kind, key string) (store.Record, error)
	GetMany(ctx context.Context, subject, kind string, keys []string) ([]store.Record, error)
	List(ctx context.Context, subject, kind string) ([]store.Record, error)
	Delete(ctx context.Context, subject, kind, key string) error
	DeleteSubject(ctx context.Context, subject string) (int, error)
	Walk(ctx context.Context, kind string, fn func(store.Record) error) error
}

// Record kinds the vault writes. Record keys are keyed hashes, never tokens or values, so the
// store's key space reveals nothing a token or value would.
const (
	// KindKey is a subject's data key wrapped under the master key (one record, key "dk").
	KindKey = "vault.key"
	// KindToken is one encrypted (token, value) pair, keyed by a keyed hash of the token.
	KindToken = "vault.token"
	// KindIndex maps a keyed hash of (type, format, normalized value) to the encrypted token, so
	// the same value of the same subject always gets the same token.
	KindIndex = "vault.index"
	// KindErased marks, under the reserved subject "_vault", a subject erased within the last day
	// (keyed by the SHA-256 of the subject id), so a concurrent master-key rotation cannot write
	// back the data key an erasure just destroyed.
	KindErased = "vault.erased"
)

const (
	dataKeyRecord = "dk"     // the key of a subject's KindKey record
	systemSubject = "_vault" // where KindErased records live
)

var _ Store = store.Store(nil)
