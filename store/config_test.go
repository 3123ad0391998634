package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		cfg  Config
		want []string // error lines, in order
	}{
		{desc: "defaults", cfg: Config{}},
		{desc: "redis standalone", cfg: Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"localhost:6379"}, DB: 2}}},
		{desc: "redis sentinel", cfg: Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "veil", DB: 1}}},
		{desc: "redis cluster", cfg: Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"n1:6379", "n2:6379", "[::1]:6379"}}}},
		{desc: "unknown driver", cfg: Config{Driver: "postgres"}, want: []string{`driver: must be embedded or redis; got "postgres"`}},
		{desc: "redis without addrs", cfg: Config{Driver: "redis"}, want: []string{"redis.addrs: required when driver is redis"}},
		{
			desc: "everything wrong",
			cfg: Config{Driver: "redis", SweepInterval: -1, Redis: RedisConfig{
				Addrs: []string{"n1:6379", "no-port"}, DB: 1, KeyPrefix: "veil:{x}:", PoolSize: -1,
				DialTimeout: -1, ReadTimeout: -1, WriteTimeout: -1,
			}},
			want: []string{
				"sweep_interval: must not be negative",
				"redis.key_prefix: must not contain { or }: they would move every subject's keys into one Cluster hash slot",
				"redis.dial_timeout: must not be negative",
				"redis.read_timeout: must not be negative",
				"redis.write_timeout: must not be negative",
				"redis.pool_size: must not be negative",
				`redis.addrs[1]: "no-port" is not host:port`,
				"redis.db: must be 0 with Redis Cluster (several addrs or cluster: true, and no master_name)",
			},
		},
		{desc: "redis cluster endpoint", cfg: Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"cfg.example:6379"}, Cluster: true}}},
		{desc: "cluster and sentinel", cfg: Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"s1:26379"}, MasterName: "veil", Cluster: true}},
			want: []string{"redis.cluster: Cluster and Sentinel (master_name) exclude each other"}},
		{desc: "redis block ignored for embedded", cfg: Config{Redis: RedisConfig{Addrs: []string{"bad"}}}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			var got []string
			if err != nil {
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					got = append(got, e.Error())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("Validate:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if err == nil {
				if tc.cfg.Driver == "" || tc.cfg.SweepInterval != DefaultSweepInterval || tc.cfg.Redis.KeyPrefix != DefaultKeyPrefix ||
					tc.cfg.Redis.DialTimeout != DefaultDialTimeout || tc.cfg.Redis.ReadTimeout != DefaultReadTimeout ||
					tc.cfg.Redis.WriteTimeout != DefaultWriteTimeout {
					t.Fatalf("defaults not filled: %+v", tc.cfg)
				}
			}
		})
	}
}

func TestRedisMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    RedisConfig
		want string
	}{
		{RedisConfig{Addrs: []string{"a:1"}}, "standalone"},
		{RedisConfig{Addrs: []string{"a:1", "b:1"}}, "cluster"},
		{RedisConfig{Addrs: []string{"a:1", "b:1"}, MasterName: "m"}, "sentinel"},
		{RedisConfig{Addrs: []string{"a:1"}, MasterName: "m"}, "sentinel"},
		{RedisConfig{Addrs: []string{"a:1"}, Cluster: true}, "cluster"},
	} {
		if got := tc.r.Mode(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.r.Addrs, got, tc.want)
		}
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	cfg := Config{Driver: "redis", Redis: RedisConfig{Addrs: []string{"r:6379"}, Password: "hunter2"}}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", cfg.Redis.Password), string(j), string(y)} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if cfg.Redis.Password.Reveal() != "hunter2" {
		t.Fatal("Reveal lost the secret")
	}
	var back Config
	if err := yaml.Unmarshal([]byte("redis:\n  password: s3cret\n"), &back); err != nil || back.Redis.Password.Reveal() != "s3cret" {
		t.Fatalf("decoding a password from YAML: %v", err)
	}
	if Secret("").String() != "" {
		t.Fatal("an empty secret should print empty, so operators see it is unset")
	}
}

func TestOpenUnknownDriver(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), Config{Driver: "nope"}, t.TempDir(), zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), `driver "nope" is not linked`) {
		t.Fatalf("Open = %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		CheckRecordID("", "k"), CheckRecordID("s", ""), CheckRecordID("s\x00", "k"), CheckRecordID("s", "k\x00"),
		CheckSubject(""), CheckKind("", false), CheckKind("a\x00", true), CheckStream(""),
		CheckAppend("s", []map[string]string{{"a": "b"}, {}}),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	}
	for _, err := range []error{CheckRecordID("s", "k"), CheckKind("", true), CheckAppend("s", nil)} {
		if err != nil {
			t.Error(err)
		}
	}
}
