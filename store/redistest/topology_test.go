package redistest

import (
	"context"
	"fmt"
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
	s := StartSentinel(t)
	ctx := context.Background()
	if err := s.Client().Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Master.Client().Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("the master has %q, %v", v, err)
	}
}
