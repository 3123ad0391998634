package redisstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// LogClientTo sends go-redis's own messages to l, as JSON lines with component redis.client. go-redis
// has one logger per process, so a program calls it once, when it starts; l's writer must be safe
// for concurrent use (every client's goroutines log through it).
func LogClientTo(l zerolog.Logger) {
	redis.SetLogger(clientLogger{l.With().Str(fieldComponent, "redis.client").Logger()})
}

// clientLogger routes go-redis's own messages (connection pool trouble, Sentinel and Cluster
// topology changes, recovered panics) into Veil's structured log instead of raw lines on stderr,
// which a JSON log pipeline cannot parse. They name Redis servers and errors, never stored data.
type clientLogger struct{ l zerolog.Logger }

// infoPrefixes start the go-redis messages that report a topology as found, not a problem.
var infoPrefixes = []string{"sentinel: new master", "sentinel: selected addr", "sentinel: discovered new sentinel"}

func (c clientLogger) Printf(_ context.Context, format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	ev := c.l.Warn()
	for _, p := range infoPrefixes {
		if strings.HasPrefix(msg, p) {
			ev = c.l.Info()
			break
		}
	}
	ev.Msg(msg)
}
