package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/demobot"
	"github.com/veil-privacy/veil/internal/gcpolicy"
	"github.com/veil-privacy/veil/store/redisstore"
)

func init() {
	commands["quickstart"] = command{"run the demo bot behind Veil on https://localhost:8443", runQuickstart}
}

// runQuickstart starts the demo bot on plain HTTP (loopback) and Veil in front of it with a local
// development CA and the embedded store, in one process.
func runQuickstart(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("quickstart", stderr)
	listen := fs.String("listen", "127.0.0.1:8443", "Veil's public HTTPS address")
	adminListen := fs.String("admin-listen", "127.0.0.1:9090", "admin listener (health, readiness, metrics)")
	botListen := fs.String("bot-listen", "127.0.0.1:8080", "the demo bot's plain-HTTP address (keep it on loopback)")
	dataDir := fs.String("data-dir", "./veil-data", "where Veil keeps its store, dev CA and keys")
	redisURL := fs.String("redis", "", "use Redis (redis://HOST:PORT/DB) as store and audit sink instead of the embedded store")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}

	overrides := map[string]string{
		"VEIL_LISTEN":       *listen,
		"VEIL_ADMIN_LISTEN": *adminListen,
		"VEIL_DATA_DIR":     *dataDir,
	}
	if *redisURL != "" {
		u, err := url.Parse(*redisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return fmt.Errorf("--redis: want redis://HOST:PORT[/DB]")
		}
		overrides["VEIL_STORE_DRIVER"] = "redis"
		overrides["VEIL_STORE_REDIS_ADDRS"] = u.Host
		if db := strings.Trim(u.Path, "/"); db != "" {
			overrides["VEIL_STORE_REDIS_DB"] = db
		}
		if u.Scheme == "rediss" {
			overrides["VEIL_STORE_REDIS_TLS"] = "true"
		}
		if pw, ok := u.User.Password(); ok {
			overrides["VEIL_STORE_REDIS_PASSWORD"] = pw
		}
	}
	botLn, err := net.Listen("tcp", *botListen)
	if err != nil {
		return fmt.Errorf("demo bot listener: %w", err)
	}
	overrides["VEIL_UPSTREAM_URL"] = "http://" + botLn.Addr().String()
	cfg, err := configs.Parse(configs.Quickstart, func(k string) (string, bool) {
		if v, ok := overrides[k]; ok {
			return v, true
		}
		return os.LookupEnv(k)
	})
	if err != nil {
		botLn.Close()
		return fmt.Errorf("quickstart config: %w", err)
	}
	log := newLogger(stderr, cfg.Log)
	redisstore.LogClientTo(log)

	bot := demobot.New(demobot.Config{StreamDelay: 15 * time.Millisecond})
	botSrv := &http.Server{Handler: bot, ReadHeaderTimeout: 10 * time.Second, ErrorLog: newStdLogger(log)}
	go func() {
		if err := botSrv.Serve(botLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("demo bot stopped")
		}
	}()
	defer botSrv.Close()
	log.Info().Str("listener", "demobot").Str("addr", botLn.Addr().String()).Msg("listening")

	gcpolicy.Serve()
	a, err := newApp(ctx, cfg, "", log)
	if err != nil {
		return err
	}
	tokenPath, err := a.bootstrapAdmin(ctx)
	if err != nil {
		return err
	}
	ls, err := a.listen()
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(ls.public.Addr().String())
	fmt.Fprintf(stdout, "\nVeil is running in front of the demo bot.\n\n  Open:      https://localhost:%s/\n", port)
	if ca := a.certs.RootCAPath(); ca != "" {
		fmt.Fprintf(stdout, "  Dev CA:    %s (trust it, or accept the browser warning)\n", ca)
	}
	fmt.Fprintf(stdout, "  Admin:     http://%s/readyz and /metrics; API token in %s (role admin, see docs/ADMIN.md)\n  Data:      %s\n\nCtrl-C stops both.\n\n", ls.admin.Addr(), tokenPath, cfg.DataDir)
	return a.serve(ctx, ls, hangups(ctx))
}
