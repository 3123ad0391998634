package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/store"
)

func init() { store.Register(store.DriverEmbedded, openConfig) }

// openConfig opens <dataDir>/veil.db for store.Open.
func openConfig(_ context.Context, cfg store.Config, dataDir string, log zerolog.Logger) (store.Store, error) {
	if dataDir == "" {
		return nil, errors.New("the embedded store needs a data directory")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	s, err := Open(filepath.Join(dataDir, FileName), WithSweepInterval(cfg.SweepInterval), WithLogger(log))
	if err != nil {
		return nil, err
	}
	return s, nil
}
