package redisstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
)

// Log field names.
const (
	fieldComponent = "component"
	fieldPolicy    = "maxmemory_policy"
	componentName  = "store.redis"
)

// Store is the Redis backend. It is safe for concurrent use.
type Store struct {
	c       redis.UniversalClient
	k       keys
	cluster bool // kind sets live in other slots: maintained in a second step, after the record
	owned   bool // Close closes c
	log     *zerolog.Logger

	mu      sync.Mutex
	warning string // current eviction warning, "" when maxmemory-policy is noeviction
	warned  string // last warning logged, so each is logged once
}

// Option adjusts New and NewFromConfig.
type Option func(*Store)

// WithLogger sets where the eviction warning goes (default: the logger in Ping's context).
func WithLogger(l zerolog.Logger) Option {
	return func(s *Store) {
		l = l.With().Str(fieldComponent, componentName).Logger()
		s.log = &l
	}
}

// New uses client, which the caller keeps owning (Close does not close it). Every key starts with
// prefix ("" means store.DefaultKeyPrefix), which must not contain { or }.
func New(client redis.UniversalClient, prefix string, opts ...Option) (*Store, error) {
	if prefix == "" {
		prefix = store.DefaultKeyPrefix
	}
	if containsBrace(prefix) {
		return nil, errors.New("redis key prefix must not contain { or }")
	}
	_, cluster := client.(*redis.ClusterClient)
	s := &Store{c: client, k: keys{prefix: prefix}, cluster: cluster}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// NewFromConfig builds a client for a standalone server, Sentinel (MasterName) or Cluster (several
// addresses) and a Store that owns it. cfg must have been validated. It does not connect yet.
func NewFromConfig(cfg store.RedisConfig, opts ...Option) (*Store, error) {
	uo := &redis.UniversalOptions{
		Addrs:         slices.Clone(cfg.Addrs), // go-redis appends the nodes it discovers to it
		MasterName:    cfg.MasterName,
		IsClusterMode: cfg.Cluster,
		DB:            cfg.DB,
		Username:      cfg.Username,
		Password:      cfg.Password.Reveal(),
		ClientName:    "veil",
		PoolSize:      cfg.PoolSize,
		DialTimeout:   cfg.DialTimeout,
		ReadTimeout:   cfg.ReadTimeout,
		WriteTimeout:  cfg.WriteTimeout,
		// Context deadlines bound each call as well as the timeouts above.
		ContextTimeoutEnabled: true,
	}
	if cfg.TLS {
		uo.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	s, err := New(redis.NewUniversalClient(uo), cfg.KeyPrefix, opts...)
	if err != nil {
		return nil, err
	}
	s.owned = true
	return s, nil
}

// Client is the underlying client, for components that share the connection pool.
func (s *Store) Client() redis.UniversalClient { return s.c }

// Close closes the client if NewFromConfig made it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.c.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
		return err
	}
	return nil
}

// Ping checks Redis answers, then that it will not evict Veil's keys when full. A policy other than
// noeviction does not fail Ping (Veil still works until Redis fills up) but is logged loudly, once,
// and reported by EvictionWarning.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("pinging redis: %w", err)
	}
	warning, err := s.evictionCheck(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.warning = warning
	logIt := warning != "" && warning != s.warned
	if logIt {
		s.warned = warning
	}
	s.mu.Unlock()
	if logIt {
		log := s.log
		if log == nil {
			l := zerolog.Ctx(ctx).With().Str(fieldComponent, componentName).Logger()
			log = &l
		}
		log.Warn().Msg(warning)
	}
	return nil
}

// EvictionWarning says why Redis might silently delete Veil's data when full, as of the last Ping;
// "" when maxmemory-policy is noeviction. Health endpoints show it.
func (s *Store) EvictionWarning() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warning
}

// evictionCheck reads maxmemory-policy from every master. A server that refuses CONFIG (managed
// Redis often does) yields a warning that the policy could not be checked; a connection failure is
// an error.
func (s *Store) evictionCheck(ctx context.Context) (string, error) {
	var mu sync.Mutex
	var policies []string
	var refused bool
	check := func(ctx context.Context, c *redis.Client) error {
		res, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
		mu.Lock()
		defer mu.Unlock()
		var rerr redis.Error
		switch {
		case errors.As(err, &rerr):
			refused = true
		case err != nil:
			return err
		default:
			policies = append(policies, res["maxmemory-policy"])
		}
		return nil
	}
	var err error
	switch c := s.c.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, check)
	case *redis.Client:
		err = check(ctx, c)
	default:
		res, e := s.c.ConfigGet(ctx, "maxmemory-policy").Result()
		var rerr redis.Error
		switch {
		case errors.As(e, &rerr):
			refused = true
		case e != nil:
			err = e
		default:
			policies = append(policies, res["maxmemory-policy"])
		}
	}
	if err != nil {
		return "", fmt.Errorf("reading redis maxmemory-policy: %w", err)
	}
	for _, p := range policies {
		if p != "noeviction" {
			return fmt.Sprintf("Redis maxmemory-policy is %q, not noeviction: when Redis is full it will silently delete keys, "+
				"losing consent records, vault keys and audit entries; set maxmemory-policy noeviction", p), nil
		}
	}
	if refused {
		return "cannot check Redis maxmemory-policy: the server refuses CONFIG GET (usual on managed Redis); " +
			"make sure it is noeviction, or Redis will silently delete consent records, vault keys and audit entries when full", nil
	}
	return "", nil
}

func containsBrace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '{' || s[i] == '}' {
			return true
		}
	}
	return false
}

var _ store.Store = (*Store)(nil)
