package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the master set name StartSentinel's Sentinel monitors.
const SentinelMaster = "veil"

// Sentinel is a master redis-server, its replicas and one Sentinel monitoring them (quorum 1), on
// loopback.
type Sentinel struct {
	t        testing.TB
	Master   *Server // the first master; after Failover, a replica
	Replicas []*Server
	Sentinel *Server
}

// StartSentinel runs a master with replicas replicas and a Sentinel until the test ends, and
// returns once the Sentinel names the master and knows every replica. It skips or fails like
// Start without the binary.
func StartSentinel(t testing.TB, replicas int) *Sentinel {
	t.Helper()
	s := &Sentinel{t: t, Master: Start(t)}
	host, port, _ := net.SplitHostPort(s.Master.Addr())
	for range replicas {
		s.Replicas = append(s.Replicas, Start(t, WithArgs("--replicaof", host, port)))
	}
	s.Sentinel = Start(t, func(o *options) { o.sentinel = s.Master.Addr() })
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr()})
	defer sc.Close()
	err := waitFor(ctx, func() error {
		if addr, err := s.masterAddr(ctx, sc); err != nil || addr != s.Master.Addr() {
			return fmt.Errorf("master %q (%v)", addr, err)
		}
		known, err := sc.Replicas(ctx, SentinelMaster).Result()
		if err != nil || len(known) < replicas {
			return fmt.Errorf("%d of %d replicas known (%v)", len(known), replicas, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("redistest: the Sentinel is not ready within %s: %v", startTimeout, err)
	}
	return s
}

// Failover makes the Sentinel promote a replica, once every replica has the master's writes, and
// returns once the Sentinel names the new master and the old one replicates from it. Clients
// following the Sentinel move to the new master (a write may meet the old one, read-only, first).
func (s *Sentinel) Failover() *Server {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	old := s.Master.Addr()
	m := redis.NewClient(&redis.Options{Addr: old})
	defer m.Close()
	if n, err := m.Wait(ctx, len(s.Replicas), startTimeout).Result(); err != nil || n < int64(len(s.Replicas)) {
		s.t.Fatalf("redistest: %d of %d replicas caught up (%v)", n, len(s.Replicas), err)
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr()})
	defer sc.Close()
	if err := sc.Failover(ctx, SentinelMaster).Err(); err != nil {
		s.t.Fatalf("redistest: SENTINEL FAILOVER: %v", err)
	}
	var promoted *Server
	err := waitFor(ctx, func() error {
		addr, err := s.masterAddr(ctx, sc)
		for i, r := range s.Replicas {
			if r.Addr() == addr {
				promoted = r
				s.Replicas[i], s.Master = s.Master, r
				return nil
			}
		}
		return fmt.Errorf("master still %q (%v)", addr, err)
	})
	if err == nil {
		// The old master takes writes until it is turned into a replica, and those would be lost.
		// The Sentinel does it seconds later; do it now, and wait until it follows.
		host, port, _ := net.SplitHostPort(promoted.Addr())
		err = m.ReplicaOf(ctx, host, port).Err()
	}
	if err == nil {
		err = waitFor(ctx, func() error {
			info, err := m.Info(ctx, "replication").Result()
			if err == nil && strings.Contains(info, "role:slave") && strings.Contains(info, "master_link_status:up") {
				return nil
			}
			return fmt.Errorf("the old master does not follow the new one yet (%v)", err)
		})
	}
	if err != nil {
		s.t.Fatalf("redistest: failover not done within %s: %v", startTimeout, err)
	}
	return promoted
}

func (s *Sentinel) masterAddr(ctx context.Context, sc *redis.SentinelClient) (string, error) {
	addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil || len(addr) != 2 {
		return "", err
	}
	return net.JoinHostPort(addr[0], addr[1]), nil
}

// waitFor calls check until it returns nil or ctx ends, and returns its last error then.
func waitFor(ctx context.Context, check func() error) error {
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
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
