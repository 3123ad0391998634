package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/certs"
	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/admin"
)

// app is one running Veil: its listeners, its current proxy and what outlives a reload.
type app struct {
	log        zerolog.Logger
	configPath string // "" when the config did not come from a file (quickstart)
	quickstart bool   // one process on one machine: keys may be generated in data_dir

	mu  sync.Mutex // serializes reloads
	cfg *configs.Config

	registry        *prometheus.Registry
	metrics         *proxy.Metrics
	pipelineMetrics *proxy.PipelineMetrics
	streams         *proxy.Streams
	reloads         *prometheus.CounterVec
	admin           *admin.Server
	certs           *certs.Manager
	privacy         *privacy
	handler         atomic.Pointer[proxy.Proxy]
}

// newApp builds every component for cfg. Nothing listens yet.
func newApp(ctx context.Context, cfg *configs.Config, configPath string, log zerolog.Logger) (*app, error) {
	a := &app{log: log, configPath: configPath, quickstart: configPath == "", cfg: cfg, registry: prometheus.NewRegistry()}
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.metrics = proxy.NewMetrics(a.registry)
	a.pipelineMetrics = proxy.NewPipelineMetrics(a.registry)
	a.streams = proxy.NewStreams(a.metrics)
	a.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "veil", Name: "config_reloads_total", Help: "Configuration reloads, by result (ok, rejected).",
	}, []string{"result"})
	a.registry.MustRegister(a.reloads)
	a.admin = admin.NewServer(a.registry)

	if cfg.TLS.Mode == certs.ModeOff {
		log.Warn().Msg("TLS IS OFF: Veil serves plain HTTP. Only run it like this behind a load balancer that terminates TLS 1.3 on the same host or private network.")
	}
	m, err := certs.New(ctx, cfg.TLS, cfg.DataDir, log.With().Str("component", "certs").Logger())
	if err != nil {
		return nil, fmt.Errorf("setting up TLS: %w", err)
	}
	a.certs = m
	if a.privacy, err = a.openPrivacy(ctx, cfg); err != nil {
		_ = m.Close()
		return nil, err
	}
	if err := a.mountAdmin(cfg); err != nil {
		a.privacy.close()
		_ = m.Close()
		return nil, err
	}
	p, err := a.newProxy(cfg)
	if err != nil {
		a.privacy.close()
		_ = m.Close()
		return nil, err
	}
	a.auditSystem(ctx, audit.PolicyLoaded, a.privacy.policy.Revision(), "ok")
	a.privacy.policy.OnReload(func(revision string, err error) {
		if err != nil {
			a.auditSystem(context.Background(), audit.PolicyRejected, revision, "rejected")
			return
		}
		a.auditSystem(context.Background(), audit.PolicyLoaded, revision, "ok")
	})
	a.handler.Store(p)
	a.admin.SetCheck("config", func() error { return nil })
	a.admin.SetCheck("tls", m.Ready)
	a.admin.SetCheck("pipeline", func() error {
		if a.handler.Load() == nil {
			return errors.New("no proxy")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return a.privacy.ready(ctx)
	})
	a.admin.SetCheck("policy", func() error {
		if st := a.privacy.policy.Status(); st.LastError != "" {
			return fmt.Errorf("last reload rejected (running revision %s): %s", st.Revision, st.LastError)
		}
		return nil
	})
	return a, nil
}

func (a *app) newProxy(cfg *configs.Config) (*proxy.Proxy, error) {
	hooks, err := a.privacy.pipeline(cfg.Proxy, a)
	if err != nil {
		return nil, err
	}
	return proxy.New(cfg.Proxy, proxy.Options{
		Hooks:      hooks,
		Endpoints:  veilEndpoints(a.privacy.consent.Handler(), a.privacy.rights.Handler()),
		SubjectKey: a.privacy.subjectKey,
		Metrics:    a.metrics,
		Streams:    a.streams,
		Logger:     a.log.With().Str("component", "proxy").Logger(),
		AccessLog:  *cfg.Log.Access,
	})
}

// ServeHTTP hands the request to the current proxy, adding HSTS where configured.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if v := a.certs.HSTS(); v != "" {
		w.Header().Set("Strict-Transport-Security", v)
	}
	a.handler.Load().ServeHTTP(w, r)
}

// reload re-reads the config file, validates it and swaps the proxy. On any failure the running
// configuration stays. Settings that need new listeners are kept as they were, with a warning.
func (a *app) reload() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.certs.Reload(); err != nil {
		a.log.Error().Err(err).Msg("TLS certificate reload failed; keeping the current certificate")
	}
	if err := a.admin.ReloadTLS(); err != nil {
		a.log.Error().Err(err).Msg("admin TLS certificate reload failed; keeping the current certificate")
	}
	if err := a.privacy.policy.Reload(); err != nil { // audited by the OnReload hook
		a.log.Error().Err(err).Msg("policy reload rejected; keeping the running policy")
	}
	if a.configPath == "" {
		return nil
	}
	next, err := configs.Load(a.configPath)
	if err != nil {
		a.reloads.WithLabelValues("rejected").Inc()
		a.log.Error().Err(err).Msg("config reload rejected; keeping the running configuration")
		a.auditSystem(context.Background(), audit.ConfigReloaded, "", "rejected")
		return err
	}
	old := a.cfg
	if next.Listen != old.Listen || next.HTTPListen != old.HTTPListen || next.Admin != old.Admin ||
		next.DataDir != old.DataDir || !reflect.DeepEqual(next.TLS, old.TLS) ||
		!reflect.DeepEqual(next.Store, old.Store) || !reflect.DeepEqual(next.Audit, old.Audit) ||
		!reflect.DeepEqual(next.Keys, old.Keys) || !reflect.DeepEqual(next.Policy, old.Policy) ||
		!reflect.DeepEqual(next.Rights, old.Rights) || !reflect.DeepEqual(next.Consent, old.Consent) ||
		next.Proxy.SubjectKeyFile != old.Proxy.SubjectKeyFile {
		a.log.Warn().Msg("changes to listen addresses, data_dir, tls, store, audit, keys, policy, consent, rights or subject_key_file need a restart; they were not applied")
		next.Listen, next.HTTPListen, next.Admin, next.DataDir, next.TLS = old.Listen, old.HTTPListen, old.Admin, old.DataDir, old.TLS
		next.Store, next.Audit, next.Keys, next.Policy, next.Proxy.SubjectKeyFile = old.Store, old.Audit, old.Keys, old.Policy, old.Proxy.SubjectKeyFile
		next.Rights, next.Consent = old.Rights, old.Consent
	}
	p, err := a.newProxy(next)
	if err != nil {
		a.reloads.WithLabelValues("rejected").Inc()
		a.log.Error().Err(err).Msg("config reload rejected; keeping the running configuration")
		return err
	}
	prev := a.handler.Swap(p)
	prev.Close()
	a.cfg = next
	a.reloads.WithLabelValues("ok").Inc()
	a.log.Info().Int("routes", len(next.Proxy.Routes)).Msg("configuration reloaded")
	a.auditSystem(context.Background(), audit.ConfigReloaded, "", "ok")
	return nil
}

// auditSystem records an operational event (policy loaded, config reloaded). These are evidence,
// not gates: a failure to record one is logged loudly, and traffic is gated per message anyway.
func (a *app) auditSystem(ctx context.Context, typ audit.Type, revision, outcome string) {
	if err := a.privacy.audit.Record(ctx, audit.Event{Type: typ, PolicyRevision: revision, Outcome: outcome, Actor: "veil"}); err != nil {
		a.log.Error().Err(err).Str("type", string(typ)).Msg("recording an audit event failed")
	}
}

// listeners are the bound sockets of an app, opened before serving so that errors surface early.
type listeners struct {
	public, admin, http net.Listener
}

func (a *app) listen() (*listeners, error) {
	var ls listeners
	var err error
	if ls.public, err = net.Listen("tcp", a.cfg.Listen); err != nil {
		return nil, fmt.Errorf("listening on %s: %w", a.cfg.Listen, err)
	}
	if ls.admin, err = net.Listen("tcp", a.cfg.Admin.Listen); err != nil {
		ls.public.Close()
		return nil, fmt.Errorf("admin listener on %s: %w", a.cfg.Admin.Listen, err)
	}
	if ls.admin, err = a.admin.Listener(ls.admin); err != nil {
		ls.public.Close()
		ls.admin.Close()
		return nil, fmt.Errorf("admin listener: %w", err)
	}
	if a.cfg.HTTPListen != "" {
		if ls.http, err = net.Listen("tcp", a.cfg.HTTPListen); err != nil {
			ls.public.Close()
			ls.admin.Close()
			return nil, fmt.Errorf("http listener on %s: %w", a.cfg.HTTPListen, err)
		}
	}
	return &ls, nil
}

// serve runs the listeners until ctx is done or reload is asked on hup, then drains.
func (a *app) serve(ctx context.Context, ls *listeners, hup <-chan struct{}) error {
	cfg := a.cfg
	errLog := newStdLogger(a.log)
	public := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: cfg.Proxy.Timeouts.ReadHeader,
		IdleTimeout:       cfg.Proxy.Timeouts.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errLog,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	adminSrv := &http.Server{Handler: a.admin, ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
	servers := []*http.Server{public, adminSrv}

	errc := make(chan error, 3)
	go func() {
		var err error
		if tc := a.certs.TLSConfig(); tc != nil {
			public.TLSConfig = tc
			err = public.ServeTLS(ls.public, "", "")
		} else {
			err = public.Serve(ls.public)
		}
		errc <- err
	}()
	a.log.Info().Str("listener", "public").Str("addr", ls.public.Addr().String()).Str("tls", string(a.certs.Mode())).Msg("listening")
	go func() { errc <- adminSrv.Serve(ls.admin) }()
	a.log.Info().Str("listener", "admin").Str("addr", ls.admin.Addr().String()).Msg("listening")
	if ls.http != nil {
		redirect := &http.Server{
			Handler:           a.certs.HTTPChallengeHandler(http.HandlerFunc(redirectToHTTPS)),
			ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog,
		}
		servers = append(servers, redirect)
		go func() { errc <- redirect.Serve(ls.http) }()
		a.log.Info().Str("listener", "http").Str("addr", ls.http.Addr().String()).Msg("listening")
	}

	var serveErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-hup:
			_ = a.reload()
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				serveErr = err
				break loop
			}
		}
	}
	a.shutdown(servers)
	return serveErr
}

// shutdown stops accepting, closes WebSockets with "going away" and drains in-flight requests and
// SSE streams for at most timeouts.shutdown, then cuts what is left.
func (a *app) shutdown(servers []*http.Server) {
	timeout := a.cfg.Proxy.Timeouts.Shutdown
	a.log.Info().Dur("timeout", timeout).Msg("shutting down: draining in-flight requests")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				a.log.Warn().Err(err).Msg("drain timed out; closing remaining connections")
				_ = s.Close()
			}
		}()
	}
	a.streams.CloseAll()
	wg.Wait()
	a.handler.Load().Close()
	a.privacy.close()
	_ = a.certs.Close()
	a.log.Info().Msg("stopped")
}

func redirectToHTTPS(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "" {
		http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
}
