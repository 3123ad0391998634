package store

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Drivers Veil can keep its data in.
const (
	// DriverEmbedded keeps everything in one bbolt file in the data directory: one replica only.
	DriverEmbedded = "embedded"
	// DriverRedis keeps everything in Redis (standalone, Sentinel or Cluster): any number of replicas.
	DriverRedis = "redis"
)

// Defaults filled in by Validate.
const (
	DefaultDriver        = DriverEmbedded
	DefaultSweepInterval = time.Minute
	DefaultKeyPrefix     = "veil:"
	DefaultDialTimeout   = 5 * time.Second
	DefaultReadTimeout   = 3 * time.Second
	DefaultWriteTimeout  = 3 * time.Second
)

// Config is the store block of Veil's configuration: where records and streams are kept.
type Config struct {
	// Driver is embedded (a bbolt file in the data directory, the default) or redis.
	Driver string `yaml:"driver"`
	// Redis says how to reach Redis when Driver is redis.
	Redis RedisConfig `yaml:"redis"`
	// SweepInterval is how often the embedded store deletes expired records from disk (default 1m).
	// Expired records are never returned, whether swept yet or not.
	SweepInterval time.Duration `yaml:"sweep_interval"`
}

// RedisConfig is the store.redis block. One address is a standalone server; several addresses, or
// Cluster set, are a Cluster's seed nodes; MasterName makes the addresses Sentinels.
type RedisConfig struct {
	// Addrs are host:port pairs: one server, Cluster seed nodes, or Sentinels (with MasterName).
	Addrs []string `yaml:"addrs"`
	// MasterName is the Sentinel master set name; setting it selects Sentinel mode.
	MasterName string `yaml:"master_name"`
	// Cluster selects Redis Cluster with a single address too (a managed service's configuration
	// endpoint); several addresses always mean a Cluster.
	Cluster bool `yaml:"cluster"`
	// DB is the database number (standalone and Sentinel only; Cluster has only 0).
	DB int `yaml:"db"`
	// Username is the ACL user (Redis 6+); empty means the default user.
	Username string `yaml:"username"`
	// Password authenticates to Redis (and to Sentinels). Set it through VEIL_STORE_REDIS_PASSWORD,
	// not in the file; it is never logged or printed.
	Password Secret `yaml:"password"`
	// TLS connects with TLS (1.2 or later), verifying the server against the system roots.
	TLS bool `yaml:"tls"`
	// KeyPrefix starts every key Veil writes (default "veil:"), so several deployments can share a server.
	KeyPrefix string `yaml:"key_prefix"`
	// PoolSize is the number of connections per node (default: go-redis's, 10 per CPU).
	PoolSize int `yaml:"pool_size"`
	// DialTimeout bounds establishing a connection (default 5s).
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// ReadTimeout bounds waiting for a reply (default 3s).
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds sending a command (default 3s).
	WriteTimeout time.Duration `yaml:"write_timeout"`
}

// Mode names the Redis deployment the addresses describe: "standalone", "sentinel" or "cluster".
func (r RedisConfig) Mode() string {
	switch {
	case r.MasterName != "":
		return "sentinel"
	case len(r.Addrs) > 1 || r.Cluster:
		return "cluster"
	default:
		return "standalone"
	}
}

// Validate fills defaults and reports every problem at once, each prefixed with its YAML path
// relative to the store block.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if c.Driver == "" {
		c.Driver = DefaultDriver
	}
	switch c.Driver {
	case DriverEmbedded, DriverRedis:
	default:
		add("driver", "must be embedded or redis; got %q", c.Driver)
	}
	switch {
	case c.SweepInterval < 0:
		add("sweep_interval", "must not be negative")
	case c.SweepInterval == 0:
		c.SweepInterval = DefaultSweepInterval
	}

	r := &c.Redis
	if r.KeyPrefix == "" {
		r.KeyPrefix = DefaultKeyPrefix
	}
	if strings.ContainsAny(r.KeyPrefix, "{}") {
		add("redis.key_prefix", "must not contain { or }: they would move every subject's keys into one Cluster hash slot")
	}
	for _, d := range []struct {
		path string
		v    *time.Duration
		def  time.Duration
	}{
		{"redis.dial_timeout", &r.DialTimeout, DefaultDialTimeout},
		{"redis.read_timeout", &r.ReadTimeout, DefaultReadTimeout},
		{"redis.write_timeout", &r.WriteTimeout, DefaultWriteTimeout},
	} {
		switch {
		case *d.v < 0:
			add(d.path, "must not be negative")
		case *d.v == 0:
			*d.v = d.def
		}
	}
	if r.PoolSize < 0 {
		add("redis.pool_size", "must not be negative")
	}
	if r.DB < 0 {
		add("redis.db", "must not be negative")
	}
	if c.Driver != DriverRedis {
		return errors.Join(errs...)
	}
	if len(r.Addrs) == 0 {
		add("redis.addrs", "required when driver is redis")
	}
	for i, a := range r.Addrs {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" || port == "" {
			add(fmt.Sprintf("redis.addrs[%d]", i), "%q is not host:port", a)
		}
	}
	if r.DB != 0 && r.Mode() == "cluster" {
		add("redis.db", "must be 0 with Redis Cluster (several addrs or cluster: true, and no master_name)")
	}
	if r.Cluster && r.MasterName != "" {
		add("redis.cluster", "Cluster and Sentinel (master_name) exclude each other")
	}
	return errors.Join(errs...)
}

// Secret is a configuration string that never appears in logs, printed configuration or errors.
type Secret string

const redacted = "[redacted]"

// String hides the secret from fmt and loggers.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalText hides the secret from JSON and YAML encoders (printed configuration, structured logs).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself, for handing it to the client library that needs it.
func (s Secret) Reveal() string { return string(s) }
