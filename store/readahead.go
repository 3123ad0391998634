package store

import "context"

// KindKey names one of a subject's records; in a ReadAhead, an empty Key names every record of the
// kind, as List returns them.
type KindKey struct{ Kind, Key string }

// ReadAheader is a store over a network that can read several of a subject's records in one
// round trip, before the steps of a request that need them (the Redis store). The records ride in
// the returned context: each is handed to the first Get, GetMany or List under it that asks for it,
// and only once, and a write through the store under that context drops what it writes (and the
// list of its kind), so a step that writes and reads again sees its own write. Reading ahead is an optimisation: the records
// are what a read at that moment would have returned.
type ReadAheader interface {
	ReadAhead(ctx context.Context, subject string, ids []KindKey) (context.Context, error)
}
