package proxy

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync/atomic"
)

// HeaderRequestID carries Veil's request id to the upstream and back to the client.
const HeaderRequestID = "X-Request-Id"

type ctxKey int

const exchangeKey ctxKey = iota

// newRequestID returns 16 random bytes in hex. math/rand/v2's top-level generator is a per-thread
// ChaCha8 seeded by the runtime: unique and unguessable enough for a request id (not a secret),
// and lock-free on the hot path.
func newRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
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
	// Language is the client's Accept-Language (of the WebSocket upgrade, on a WebSocket), for
	// Veil's own texts in the chat.
	Language string

	// transcript is the request half of an exchange whose policy asked to keep a transcript. On a
	// WebSocket the exchange is the connection, and the two relay directions share it.
	transcript atomic.Pointer[pendingTranscript]
	// restorer is the subject's tokens, loading for the reply since the request went on (HTTP
	// exchanges only; the handler goroutine alone touches it).
	restorer *pendingRestorer
}

// ExchangeFrom returns the exchange of a request context, or nil.
func ExchangeFrom(ctx context.Context) *Exchange {
	ex, _ := ctx.Value(exchangeKey).(*Exchange)
	return ex
}
