package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// Opener opens one driver's backend from the store configuration. dataDir is Veil's data directory.
type Opener func(ctx context.Context, cfg Config, dataDir string, log zerolog.Logger) (Store, error)

var (
	driversMu sync.RWMutex
	drivers   = map[string]Opener{}
)

// Register makes a driver available to Open; backends call it from init. The backends import this
// package, so this package cannot import them: the binary links a driver in by importing its package
// (store/embedded, store/redisstore), as database/sql drivers are linked in.
func Register(driver string, open Opener) {
	driversMu.Lock()
	defer driversMu.Unlock()
	if open == nil {
		panic("store: Register of a nil opener")
	}
	if _, dup := drivers[driver]; dup {
		panic("store: Register called twice for driver " + driver)
	}
	drivers[driver] = open
}

// Open opens the backend cfg.Driver names. cfg must have been validated.
func Open(ctx context.Context, cfg Config, dataDir string, log zerolog.Logger) (Store, error) {
	driver := cfg.Driver
	if driver == "" {
		driver = DefaultDriver
	}
	driversMu.RLock()
	open, ok := drivers[driver]
	names := make([]string, 0, len(drivers))
	for n := range drivers {
		names = append(names, n)
	}
	driversMu.RUnlock()
	if !ok {
		sort.Strings(names)
		return nil, fmt.Errorf("opening store: driver %q is not linked into this binary (linked: %s; import github.com/veil-privacy/veil/store/%s)",
			driver, strings.Join(names, ", "), packageOf(driver))
	}
	s, err := open(ctx, cfg, dataDir, log)
	if err != nil {
		return nil, fmt.Errorf("opening %s store: %w", driver, err)
	}
	return s, nil
}

func packageOf(driver string) string {
	if driver == DriverRedis {
		return "redisstore"
	}
	return driver
}
