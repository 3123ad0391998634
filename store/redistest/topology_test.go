package redistest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestStartCluster: the cluster serves keys from every slot, and each master holds a share.
func TestStartCluster(t *testing.T) {
	t.Parallel()
	c := StartCluster(t, 3)
	cl := c.Client()
	ctx := context.Background()
	for i := range 300 {
		if err := cl.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range c.Nodes {
		one := redis.NewClient(&redis.Options{Addr: n.Addr()})
		keys, err := one.DBSize(ctx).Result()
		_ = one.Close()
		if err != nil || keys == 0 || keys == 300 {
			t.Errorf("node %s holds %d of 300 keys (%v)", n.Addr(), keys, err)
		}
	}
}

// TestStartSentinel: a client configured with the Sentinel reaches the master.
func TestStartSentinel(t *testing.T) {
	t.Parallel()
	s := StartSentinel(t, 0)
	ctx := context.Background()
	if err := s.Client().Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Master.Client().Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("the master has %q, %v", v, err)
	}
}

// TestSentinelFailover: after a failover the replica is the master, has the old master's writes,
// and a client that follows the Sentinel writes to it.
func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	s := StartSentinel(t, 1)
	c := s.Client()
	ctx := context.Background()
	if err := c.Set(ctx, "before", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	old := s.Master
	promoted := s.Failover()
	if s.Master != promoted || promoted == old || s.Replicas[0] != old {
		t.Fatal("the topology was not updated")
	}
	// The client learns of the switch from the Sentinel; until then a write may still reach the
	// old master, now a read-only replica.
	ctx2, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := waitFor(ctx2, func() error { return c.Set(ctx, "after", "2", 0).Err() }); err != nil {
		t.Fatalf("no write after the failover: %v", err)
	}
	m := promoted.Client()
	for k, want := range map[string]string{"before": "1", "after": "2"} {
		if v, err := m.Get(ctx, k).Result(); err != nil || v != want {
			t.Errorf("the new master has %s=%q, %v", k, v, err)
		}
	}
}

// TestClusterFailover: after a failover each replica is the master of its slots with the old
// master's writes, and a cluster client keeps reading and writing every slot.
func TestClusterFailover(t *testing.T) {
	t.Parallel()
	c := StartReplicatedCluster(t, 3)
	cl := c.Client()
	ctx := context.Background()
	for i := range 300 {
		if err := cl.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	old := slices.Clone(c.Nodes)
	c.Failover()
	if !slices.Equal(c.Replicas, old) {
		t.Fatal("the topology was not updated")
	}
	var held int64
	for _, n := range c.Nodes {
		one := redis.NewClient(&redis.Options{Addr: n.Addr()})
		keys, err := one.DBSize(ctx).Result()
		_ = one.Close()
		if err != nil || keys == 0 {
			t.Errorf("new master %s holds %d keys (%v)", n.Addr(), keys, err)
		}
		held += keys
	}
	if held != 300 {
		t.Errorf("the new masters hold %d keys, want 300", held)
	}
	ctx2, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for i := range 300 {
		k := fmt.Sprintf("k%d", i)
		// The client learns of the new masters from MOVED replies (or a read-only error first).
		if err := waitFor(ctx2, func() error { return cl.Incr(ctx, k).Err() }); err != nil {
			t.Fatalf("%s after the failover: %v", k, err)
		}
		if v, err := cl.Get(ctx, k).Int(); err != nil || v != i+1 {
			t.Fatalf("%s = %d, %v; want %d", k, v, err, i+1)
		}
	}
}
