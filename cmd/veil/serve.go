package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/internal/gcpolicy"
	"github.com/veil-privacy/veil/store/redisstore"
)

func init() {
	commands["serve"] = command{"run Veil with a configuration file", runServe}
	commands["validate"] = command{"check a configuration file and report every problem", runValidate}
}

func runServe(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	path := fs.String("config", "veil.yaml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := configs.Load(*path)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log)
	redisstore.LogClientTo(log)
	gcpolicy.Serve()
	a, err := newApp(ctx, cfg, *path, log)
	if err != nil {
		return err
	}
	ls, err := a.listen()
	if err != nil {
		return err
	}
	return a.serve(ctx, ls, hangups(ctx))
}

// hangups delivers SIGHUP as reload requests until ctx is done.
func hangups(ctx context.Context) <-chan struct{} {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	out := make(chan struct{}, 1)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				select {
				case out <- struct{}{}:
				default: // a reload is already pending
				}
			}
		}
	}()
	return out
}

func runValidate(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("validate", stderr)
	path := fs.String("config", "veil.yaml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := configs.Load(*path)
	if err != nil {
		var probs configs.Problems
		if errors.As(err, &probs) {
			return fmt.Errorf("%s: %w", *path, probs)
		}
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: OK (%d routes, tls %s, upstream %s)\n", *path, len(cfg.Proxy.Routes), cfg.TLS.Mode, cfg.Proxy.Upstream.URL)
	return err
}
