package proxy

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// HeaderRequestID carries Veil's request id to the upstream and back to the client.
const HeaderRequestID = "X-Request-Id"

type ctxKey int

const exchangeKey ctxKey = iota

// idSource is a ChaCha8 generator seeded from the OS: request ids need to be unique and unguessable
// enough to be useless as a side channel, not secret.
var idSource = struct {
	sync.Mutex
	r *rand.ChaCha8
}{r: newChaCha()}

func newChaCha() *rand.ChaCha8 {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(rand.Uint32())
	}
	return rand.NewChaCha8(seed)
}

// newRequestID returns 16 random bytes in hex.
func newRequestID() string {
	var b [16]byte
	idSource.Lock()
	_, _ = idSource.r.Read(b[:])
	idSource.Unlock()
	return hex.EncodeToString(b[:])
}

// Exchange is what Veil knows about one request while it is in flight.
type Exchange struct {
	ID    string
	Route *Route
	// Subject is the pseudonymous id of the person the message is about ("" until known: a chat
	// route that takes it from a JSON field learns it once the body is read).
	Subject string
	// Notice is the consent notice to add to the reply in the route's shape ("" for none).
	Notice string

	// transcript is the request half of an exchange whose policy asked to keep a transcript. On a
	// WebSocket the exchange is the connection, and the two relay directions share it.
	transcript atomic.Pointer[pendingTranscript]
}

// ExchangeFrom returns the exchange of a request context, or nil.
func ExchangeFrom(ctx context.Context) *Exchange {
	ex, _ := ctx.Value(exchangeKey).(*Exchange)
	return ex
}
