package redistest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of masters, each a redis-server on loopback, with the 16,384 hash
// slots split evenly between them, and optionally a replica of each.
type Cluster struct {
	t     testing.TB
	Nodes []*Server // the masters; after Failover, the promoted replicas
	// Replicas[i] replicates Nodes[i] (none without StartReplicatedCluster).
	Replicas []*Server
}

// StartCluster runs a cluster of masters nodes (at least 1) until the test ends, and returns once
// every node reports the cluster ok. It skips or fails like Start without the binary.
func StartCluster(t testing.TB, masters int) *Cluster {
	t.Helper()
	return startCluster(t, masters, false)
}

// StartReplicatedCluster is StartCluster with a replica of each master, for Failover.
func StartReplicatedCluster(t testing.TB, masters int) *Cluster {
	t.Helper()
	return startCluster(t, masters, true)
}

func startCluster(t testing.TB, masters int, replicated bool) *Cluster {
	t.Helper()
	c := &Cluster{t: t}
	node := func(o *options) { o.cluster = true }
	for range max(masters, 1) {
		c.Nodes = append(c.Nodes, Start(t, node))
		if replicated {
			c.Replicas = append(c.Replicas, Start(t, node))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.form(ctx); err != nil {
		t.Fatalf("redistest: forming the cluster: %v", err)
	}
	return c
}

// form gives each master its share of the slots, introduces every node to the first one, makes
// each replica follow its master and waits until all nodes see the whole cluster ok.
func (c *Cluster) form(ctx context.Context) error {
	n := len(c.Nodes)
	for i, node := range c.Nodes {
		err := node.clusterDo(ctx, "ADDSLOTSRANGE", i*16384/n, (i+1)*16384/n-1)
		if err == nil && i > 0 {
			err = c.meet(ctx, node)
		}
		if err != nil {
			return fmt.Errorf("node %s: %w", node.Addr(), err)
		}
	}
	for i, r := range c.Replicas {
		if err := c.meet(ctx, r); err != nil {
			return fmt.Errorf("node %s: %w", r.Addr(), err)
		}
		if err := r.replicate(ctx, c.Nodes[i]); err != nil {
			return err
		}
	}
	for _, node := range append(slices.Clone(c.Nodes), c.Replicas...) {
		if err := waitClusterOK(ctx, node.Addr(), n+len(c.Replicas)); err != nil {
			return err
		}
	}
	return nil
}

// meet introduces node to the first master. The bus port is not port+10000 here, so MEET names it.
func (c *Cluster) meet(ctx context.Context, node *Server) error {
	return node.clusterDo(ctx, "MEET", "127.0.0.1", c.Nodes[0].port, c.Nodes[0].busPort)
}

// replicate makes s a replica of master, once s has heard of it, and waits until it has the
// master's data.
func (s *Server) replicate(ctx context.Context, master *Server) error {
	m := redis.NewClient(&redis.Options{Addr: master.Addr()})
	defer m.Close()
	id, err := m.ClusterMyID(ctx).Result()
	if err != nil {
		return fmt.Errorf("node %s: %w", master.Addr(), err)
	}
	err = waitFor(ctx, func() error { return s.clusterDo(ctx, "REPLICATE", id) })
	if err == nil {
		err = s.waitRole(ctx, "role:slave", "master_link_status:up")
	}
	if err != nil {
		return fmt.Errorf("node %s replicating %s: %w", s.Addr(), master.Addr(), err)
	}
	return nil
}

// Failover promotes every master's replica, one after the other, with a coordinated CLUSTER
// FAILOVER (the replica takes over once it has all its master's writes; one at a time, as the
// masters vote once per epoch) and returns once each has taken over and the cluster is ok on
// every node; the old masters are then the replicas. Clients follow the MOVED replies.
func (c *Cluster) Failover() {
	c.t.Helper()
	if len(c.Replicas) == 0 {
		c.t.Fatal("redistest: Failover needs StartReplicatedCluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for i, r := range c.Replicas {
		if err := r.clusterDo(ctx, "FAILOVER"); err != nil {
			c.t.Fatalf("redistest: CLUSTER FAILOVER on %s: %v", r.Addr(), err)
		}
		if err := r.waitRole(ctx, "role:master"); err != nil {
			c.t.Fatalf("redistest: failover of %s: %v", c.Nodes[i].Addr(), err)
		}
		if err := c.Nodes[i].waitRole(ctx, "role:slave", "master_link_status:up"); err != nil {
			c.t.Fatalf("redistest: the old master %s: %v", c.Nodes[i].Addr(), err)
		}
	}
	c.Nodes, c.Replicas = c.Replicas, c.Nodes
	for _, node := range append(slices.Clone(c.Nodes), c.Replicas...) {
		if err := waitClusterOK(ctx, node.Addr(), len(c.Nodes)+len(c.Replicas)); err != nil {
			c.t.Fatalf("redistest: after the failover: %v", err)
		}
	}
}

// clusterDo runs CLUSTER args on s.
func (s *Server) clusterDo(ctx context.Context, args ...any) error {
	cl := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer cl.Close()
	return cl.Do(ctx, append([]any{"CLUSTER"}, args...)...).Err()
}

// waitRole polls INFO replication on s until it has every one of want.
func (s *Server) waitRole(ctx context.Context, want ...string) error {
	cl := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer cl.Close()
	return waitFor(ctx, func() error {
		info, err := cl.Info(ctx, "replication").Result()
		for _, w := range want {
			if err == nil && !strings.Contains(info, w) {
				err = fmt.Errorf("no %q yet", w)
			}
		}
		return err
	})
}

// waitClusterOK polls CLUSTER INFO on addr until the node knows nodes nodes and says the cluster
// is ok.
func waitClusterOK(ctx context.Context, addr string, nodes int) error {
	cl := redis.NewClient(&redis.Options{Addr: addr})
	defer cl.Close()
	want := fmt.Sprintf("cluster_known_nodes:%d", nodes)
	return waitFor(ctx, func() error {
		info, err := cl.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, want) {
			return nil
		}
		return fmt.Errorf("node %s: cluster not ok (%v)", addr, err)
	})
}

// Addrs are the masters' host:port addresses, the seed list a client needs.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Client returns a cluster client, closed when the test ends.
func (c *Cluster) Client() *redis.ClusterClient {
	cl := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	c.t.Cleanup(func() { _ = cl.Close() })
	return cl
}
