// Command demobot runs the demo "legacy" chatbot on its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/demobot"
)

// shutdownGrace is how long in-flight requests get to finish after a signal.
const shutdownGrace = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "demobot: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("demobot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	delay := fs.Duration("stream-delay", 15*time.Millisecond, "pause between streamed chat completion events")
	origins := fs.String("origins", "", "comma-separated extra origin host patterns allowed to open /ws")
	if err := fs.Parse(args); err != nil {
		return err
	}

	logger := zerolog.New(stderr).With().Timestamp().Logger()
	cfg := demobot.Config{Logger: &logger, StreamDelay: *delay}
	if *origins != "" {
		cfg.OriginPatterns = strings.Split(*origins, ",")
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("validating flags: %w", err)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	// Requests run under baseCtx; cancelling it ends streams and WebSockets that
	// outlive the shutdown grace period (Shutdown does not wait for hijacked connections).
	baseCtx, cancelRequests := context.WithCancel(logger.WithContext(context.Background()))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           demobot.New(cfg),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	logger.Info().Str("addr", ln.Addr().String()).Msg("demobot listening")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info().Msg("demobot shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	cancelRequests()
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}
