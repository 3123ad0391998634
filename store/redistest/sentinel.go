package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the master set name StartSentinel's Sentinel monitors.
const SentinelMaster = "veil"

// Sentinel is a master redis-server and one Sentinel monitoring it (quorum 1), on loopback.
type Sentinel struct {
	t        testing.TB
	Master   *Server
	Sentinel *Server
}

// StartSentinel runs a master and a Sentinel until the test ends, and returns once the Sentinel
// names the master. It skips or fails like Start without the binary.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	master := Start(t)
	sn := Start(t, func(o *options) { o.sentinel = master.Addr() })
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr()})
	defer sc.Close()
	for {
		addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
		if err == nil && len(addr) == 2 && net.JoinHostPort(addr[0], addr[1]) == master.Addr() {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("redistest: the Sentinel did not name its master within %s (last: %v)", startTimeout, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return &Sentinel{t: t, Master: master, Sentinel: sn}
}

// Addrs are the Sentinels' addresses, what a client is configured with (with SentinelMaster).
func (s *Sentinel) Addrs() []string { return []string{s.Sentinel.Addr()} }

// Client returns a Sentinel-backed failover client, closed when the test ends.
func (s *Sentinel) Client() *redis.Client {
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: s.Addrs()})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// sentinelConfig writes the Sentinel's configuration file on its first start (the Sentinel
// rewrites it with what it learns) and returns its path.
func (s *Server) sentinelConfig() (string, error) {
	path := filepath.Join(s.dir, "sentinel.conf")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	host, port, err := net.SplitHostPort(s.opts.sentinel)
	if err != nil {
		return "", err
	}
	conf := fmt.Sprintf("sentinel monitor %s %s %s 1\nsentinel down-after-milliseconds %[1]s 2000\n", SentinelMaster, host, port)
	return path, os.WriteFile(path, []byte(conf), 0o600)
}
