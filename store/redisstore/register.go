package redisstore

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
)

func init() { store.Register(store.DriverRedis, openConfig) }

// openConfig builds the Redis store for store.Open. Redis being unreachable at startup is not an
// error: Ping (readiness) reports it until Redis is back.
func openConfig(ctx context.Context, cfg store.Config, _ string, log zerolog.Logger) (store.Store, error) {
	s, err := NewFromConfig(cfg.Redis, WithLogger(log))
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		log.Warn().Err(err).Str(fieldComponent, componentName).Str("redis_mode", cfg.Redis.Mode()).
			Msg("redis is not reachable yet; readiness fails until it is")
	}
	return s, nil
}
