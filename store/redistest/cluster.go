package redistest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of masters without replicas, each a redis-server on loopback, with
// the 16,384 hash slots split evenly between them.
type Cluster struct {
	t     testing.TB
	Nodes []*Server
}

// StartCluster runs a cluster of masters nodes (at least 1) until the test ends, and returns once
// every node reports the cluster ok. It skips or fails like Start without the binary.
func StartCluster(t testing.TB, masters int) *Cluster {
	t.Helper()
	c := &Cluster{t: t}
	for range max(masters, 1) {
		c.Nodes = append(c.Nodes, Start(t, func(o *options) { o.cluster = true }))
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.form(ctx); err != nil {
		t.Fatalf("redistest: forming the cluster: %v", err)
	}
	return c
}

// form gives each node its share of the slots, introduces the nodes to the first one and waits
// until all of them see the whole cluster ok.
func (c *Cluster) form(ctx context.Context) error {
	n := len(c.Nodes)
	for i, node := range c.Nodes {
		cl := redis.NewClient(&redis.Options{Addr: node.Addr()})
		err := cl.ClusterAddSlotsRange(ctx, i*16384/n, (i+1)*16384/n-1).Err()
		if err == nil && i > 0 {
			// The bus port is not port+10000 here, so MEET names it.
			err = cl.Do(ctx, "CLUSTER", "MEET", "127.0.0.1", c.Nodes[0].port, c.Nodes[0].busPort).Err()
		}
		_ = cl.Close()
		if err != nil {
			return fmt.Errorf("node %s: %w", node.Addr(), err)
		}
	}
	for _, node := range c.Nodes {
		if err := waitClusterOK(ctx, node.Addr(), n); err != nil {
			return err
		}
	}
	return nil
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

// Addrs are the nodes' host:port addresses, the seed list a client needs.
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
