package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Get and Delete for a record that does not exist or has expired.
var ErrNotFound = errors.New("store: not found")

// Record is one value kept about a subject. Subject is the partition key: everything Veil keeps
// about a person hangs off it, so export and erasure are one key range (and, on Redis Cluster, one
// hash slot). System records that belong to no person use a reserved subject starting with "_"
// (for example "_admin").
type Record struct {
	Subject string
	Kind    string // what the record is: "vault.key", "vault.token", "consent", "transcript", ...
	Key     string // unique within (Subject, Kind); any bytes
	Value   []byte
	// ExpiresAt is when the record disappears; the zero time means never. Backends keep it to the
	// millisecond; a time already past stores a record nobody will read.
	ExpiresAt time.Time
}

// Entry is one event in an append-only stream.
type Entry struct {
	// ID is assigned by Append: "<unix ms>-<seq>", strictly increasing within a stream and
	// ordered as strings compare numerically part by part (use CompareIDs).
	ID     string
	Fields map[string]string
}

// Store is what both backends provide. Consumers declare the smaller interface they need.
//
// Subjects and kinds must be non-empty and free of NUL bytes; methods return an error wrapping
// ErrInvalid otherwise (and for the other malformed arguments ErrInvalid lists). Errors never
// contain a subject, key or value.
type Store interface {
	// Put creates or replaces a record.
	Put(ctx context.Context, r Record) error
	// PutIfAbsent creates a record unless one with the same (Subject, Kind, Key) exists and has not
	// expired; it reports whether it wrote. Replicas racing to create the same record agree on one.
	PutIfAbsent(ctx context.Context, r Record) (bool, error)
	// Get returns a record or ErrNotFound.
	Get(ctx context.Context, subject, kind, key string) (Record, error)
	// GetMany returns, for each of a subject's keys of one kind, in order, its live record, or the
	// zero Record (an empty Key) when there is none: one read (one transaction, one round trip).
	GetMany(ctx context.Context, subject, kind string, keys []string) ([]Record, error)
	// List returns a subject's live records of one kind ("" for every kind), in key order (ordered
	// by kind first when listing every kind).
	List(ctx context.Context, subject, kind string) ([]Record, error)
	// Delete removes one record; ErrNotFound if there was none.
	Delete(ctx context.Context, subject, kind, key string) error
	// DeleteSubject removes every record of a subject and returns how many live ones there were.
	DeleteSubject(ctx context.Context, subject string) (int, error)
	// Walk calls fn for every live record of a kind across all subjects, in no particular order,
	// until fn returns an error (which Walk returns). Used by retention sweeps and key rotation.
	// fn may write to the store.
	Walk(ctx context.Context, kind string, fn func(Record) error) error

	// Append adds entries to a stream in one batch and returns their ids, in order. Every entry
	// needs at least one field (ErrInvalid otherwise); appending nothing does nothing.
	Append(ctx context.Context, stream string, entries ...map[string]string) ([]string, error)
	// Range returns up to limit entries (limit <= 0: no limit) with from <= ID <= to, in order.
	// "-" and "+" mean the ends; a bare "<ms>" means that whole millisecond. To page, continue
	// from NextID of the last id seen.
	Range(ctx context.Context, stream, from, to string, limit int) ([]Entry, error)
	// TrimBefore deletes the stream's entries older than t (ids before t's millisecond) and returns
	// how many it deleted. Later ids still follow the deleted ones.
	TrimBefore(ctx context.Context, stream string, t time.Time) (int, error)

	// Ping checks the backend is usable (readiness).
	Ping(ctx context.Context) error
	// Close releases the backend.
	Close() error
}

// InProcess reports whether v (a backend, or anything that reads through one) says its reads
// never leave the process, with an InProcess() bool method returning true: the embedded store.
// Callers then skip overlapping such reads with other work, which would only cost a goroutine.
func InProcess(v any) bool {
	l, ok := v.(interface{ InProcess() bool })
	return ok && l.InProcess()
}
