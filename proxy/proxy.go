package proxy

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/proxy/stream"
)

// Options are the collaborators of a Proxy that outlive one configuration.
type Options struct {
	// Hooks see every chat message; nil means NopHooks.
	Hooks Hooks
	// Metrics must be shared by every Proxy of a process; nil disables metrics.
	Metrics *Metrics
	// Streams tracks WebSocket connections so shutdown can close them; nil means an untracked set.
	Streams *Streams
	// Logger receives access and error logs. The zero value discards them.
	Logger zerolog.Logger
	// AccessLog logs one line per request at info level.
	AccessLog bool
	// Endpoints serves Veil's own subject-facing endpoints under /.veil/ (consent, rights). The
	// request's Exchange carries the subject identified by Veil's cookie. nil: 404.
	Endpoints http.Handler
	// SubjectKey keys the HMAC that turns identities from headers and JSON fields into subject ids.
	// It must be the same on every replica and across restarts; nil means a random per-process key.
	SubjectKey []byte
}

// Proxy is Veil's public handler for one configuration. Build a new one on reload.
type Proxy struct {
	cfg       Config
	hooks     Hooks
	router    *router
	rp        *httputil.ReverseProxy
	transport *http.Transport
	streams   *Streams
	log       zerolog.Logger
	accessLog bool
	subjects  subjects
	endpoints http.Handler
}

// New returns a Proxy for cfg, which must have passed Validate.
func New(cfg Config, opts Options) (*Proxy, error) {
	if cfg.Upstream.parsed == nil {
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("proxy config: %w", err)
		}
	}
	if opts.Hooks == nil {
		opts.Hooks = NopHooks{}
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	if opts.SubjectKey == nil {
		opts.SubjectKey = make([]byte, 32)
		_, _ = crand.Read(opts.SubjectKey)
	}
	if opts.Streams == nil {
		opts.Streams = NewStreams(opts.Metrics)
	}
	// Copy the routes: the router keeps pointers into them.
	cfg.Routes = append([]Route(nil), cfg.Routes...)
	p := &Proxy{
		cfg:       cfg,
		hooks:     opts.Hooks,
		router:    newRouter(cfg.Routes, opts.Metrics),
		streams:   opts.Streams,
		log:       opts.Logger,
		accessLog: opts.AccessLog,
		subjects:  subjects{key: opts.SubjectKey},
		endpoints: opts.Endpoints,
	}
	p.transport = newTransport(cfg.Upstream)
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      p.transport,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.proxyError,
		BufferPool:     bufferPool{},
	}
	return p, nil
}

// Close releases the proxy's idle upstream connections. In-flight requests are not affected.
func (p *Proxy) Close() { p.transport.CloseIdleConnections() }

func newTransport(u Upstream) *http.Transport {
	d := &net.Dialer{Timeout: u.DialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 nil, // never send personal data through an environment-configured proxy
		DialContext:           d.DialContext,
		MaxIdleConns:          u.MaxIdleConns,
		MaxIdleConnsPerHost:   u.MaxIdleConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   u.DialTimeout,
		ResponseHeaderTimeout: u.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
}

// ServeHTTP routes a request and applies its route's treatment.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if strings.HasPrefix(r.URL.Path, VeilPrefix) {
		p.serveVeil(w, r, start)
		return
	}
	route := p.router.match(r.URL.Path)
	ex := &Exchange{ID: newRequestID(), Route: route, Language: r.Header.Get("Accept-Language")}
	w.Header().Set(HeaderRequestID, ex.ID)
	if route == nil {
		p.fail(w, r, ex, nil, errNoRoute, start)
		return
	}
	rm := p.router.rm[route]
	if route.Kind != KindPassthrough {
		p.identify(w, r, ex)
	}
	ctx := context.WithValue(r.Context(), exchangeKey, ex)
	r = r.WithContext(ctx)

	if route.Kind == KindWebSocket {
		p.serveWebSocket(w, r, ex, rm, start)
		return
	}
	if route.Kind != KindPassthrough && isUpgrade(r) {
		// An upgraded connection would be an opaque tunnel Veil cannot inspect.
		p.fail(w, r, ex, rm, &Error{Status: http.StatusBadRequest, Reason: "upgrade_not_allowed"}, start)
		return
	}
	rec := &recorder{ResponseWriter: w}
	var in int64
	if route.Kind == KindChat {
		n, err := p.prepareChat(r, ex)
		if err != nil {
			p.fail(w, r, ex, rm, err, start)
			return
		}
		in = n
	}
	p.rp.ServeHTTP(rec, r)
	p.finish(r, ex, rm, rec.status, in, rec.bytes, start, "")
}

// VeilPrefix is the path prefix of Veil's own endpoints on the public listener. It is never
// forwarded to the bot.
const VeilPrefix = "/.veil/"

// veilRoute stands for Veil's own endpoints in logs and metrics.
var veilRoute = Route{Name: "veil", Path: VeilPrefix, Kind: "veil"}

// serveVeil hands a /.veil/ request to Veil's own endpoints with the subject of Veil's cookie.
func (p *Proxy) serveVeil(w http.ResponseWriter, r *http.Request, start time.Time) {
	ex := &Exchange{ID: newRequestID(), Route: &veilRoute}
	w.Header().Set(HeaderRequestID, ex.ID)
	rm := p.router.rm[&veilRoute]
	if p.endpoints == nil {
		p.fail(w, r, ex, rm, errNoRoute, start)
		return
	}
	p.identify(w, r, ex)
	rec := &recorder{ResponseWriter: w}
	p.endpoints.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), exchangeKey, ex)))
	p.finish(r, ex, rm, rec.status, 0, rec.bytes, start, "")
}

// identify sets the exchange's subject from the route's source: a header, or Veil's cookie (set on
// the response when the browser has none). JSON-field subjects are read later, with the body.
func (p *Proxy) identify(w http.ResponseWriter, r *http.Request, ex *Exchange) {
	src := ex.Route.Subject
	switch {
	case src.Header != "":
		if v := r.Header.Get(src.Header); v != "" {
			ex.Subject = p.subjects.fromValue("header:"+src.Header, v)
		}
	case src.JSONField != "":
	default:
		id, set := p.subjects.fromCookie(r)
		ex.Subject = id
		if set != nil {
			w.Header().Add("Set-Cookie", set.String())
		}
	}
}

// subjectFromJSON derives the subject from the first value of a JSON field ("" when absent).
func (p *Proxy) subjectFromJSON(body []byte, field string) string {
	var v string
	_ = stream.JSONStrings(body, stream.NewPaths([]string{field}), func(_, s string, _ stream.Span) error {
		if v == "" {
			v = s
		}
		return nil
	})
	if v == "" {
		return ""
	}
	return p.subjects.fromValue("json:"+field, v)
}

// prepareChat reads, decodes and hands the body of a chat request to the hooks, then puts the
// body they return in its place. It returns the number of body bytes received.
func (p *Proxy) prepareChat(r *http.Request, ex *Exchange) (int64, error) {
	raw := r.ContentLength
	body, mediaType, err := readBody(r, p.cfg.Limits)
	if err != nil {
		return 0, err
	}
	_ = r.Body.Close()
	if raw < 0 {
		raw = int64(len(body))
	}
	if f := ex.Route.Subject.JSONField; f != "" && isJSON(mediaType) {
		ex.Subject = p.subjectFromJSON(body, f)
	}
	out, err := p.hooks.Request(r.Context(), &ChatRequest{Exchange: ex, Request: r, Body: body, MediaType: mediaType})
	if err != nil {
		return raw, err
	}
	r.Body = io.NopCloser(bytes.NewReader(out))
	r.ContentLength = int64(len(out))
	r.Header.Del("Content-Encoding")
	r.Header.Del("Expect")
	r.Header.Set("Content-Length", strconv.Itoa(len(out)))
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if _, params, err := mime.ParseMediaType(ct); err == nil && params["charset"] != "" {
			params["charset"] = "utf-8"
			r.Header.Set("Content-Type", mime.FormatMediaType(mediaType, params))
		}
	}
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(out)), nil }
	return raw, nil
}

// rewrite builds the outbound request: upstream URL, no client-supplied forwarding headers, no
// client IP unless configured, Veil's request id.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.cfg.Upstream.parsed)
	h := pr.Out.Header
	for k := range h {
		if strings.HasPrefix(k, "X-Forwarded-") {
			delete(h, k)
		}
	}
	for _, k := range clientIPHeaders {
		delete(h, k) // the names are canonical already
	}
	stripSubjectCookie(h)
	if p.cfg.Upstream.ForwardClientIP {
		pr.SetXForwarded()
	}
	if ex := ExchangeFrom(pr.In.Context()); ex != nil {
		h.Set(HeaderRequestID, ex.ID)
	}
	// A body Veil rewrote is in memory (prepareChat sets GetBody). ReverseProxy wraps the body in
	// a type of its own, which the transport cannot tell is in memory, so it would send the
	// headers and the body in two writes (two TCP segments, two wake-ups of the bot); a reader
	// it recognizes puts them in one.
	if pr.In.GetBody != nil && pr.Out.Body != nil {
		if b, err := pr.In.GetBody(); err == nil {
			pr.Out.Body = b
		}
	}
}

// clientIPHeaders reveal the client's address; Veil never passes on what a client claims there.
var clientIPHeaders = []string{"Forwarded", "X-Real-Ip", "True-Client-Ip", "Cf-Connecting-Ip", "X-Client-Ip", "X-Cluster-Client-Ip", "Fastly-Client-Ip"}

func (p *Proxy) modifyResponse(res *http.Response) error {
	ex := ExchangeFrom(res.Request.Context())
	if ex == nil || ex.Route.Kind == KindPassthrough {
		return nil
	}
	return p.hooks.Response(res.Request.Context(), ex, res)
}

// proxyError is the ReverseProxy's error handler: transport and ModifyResponse failures.
func (p *Proxy) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	ex := ExchangeFrom(r.Context())
	status, reason := StatusFor(err)
	if ex != nil && ex.Route != nil {
		if rm := p.router.rm[ex.Route]; rm != nil && status != StatusClientClosed {
			rm.upstreamError(reason)
		}
	}
	p.log.Warn().Str(fieldRequestID, exID(ex)).Str(fieldRoute, routeName(ex)).Int(fieldStatus, status).
		Str(fieldReason, reason).AnErr("error", sanitize(err)).Msg("upstream exchange failed")
	writeError(w, status, exID(ex))
}

// fail answers a request Veil refuses itself, logs why and counts it.
func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, ex *Exchange, rm *routeMetrics, err error, start time.Time) {
	var vr *VeilReply
	if errors.As(err, &vr) {
		writeVeilReply(w, ex.Route, vr, ex.ID)
		if rm != nil {
			p.finish(r, ex, rm, http.StatusOK, 0, 0, start, "answered_by_veil")
		}
		return
	}
	var be *BlockedError
	if errors.As(err, &be) {
		p.log.Info().Str(fieldRequestID, ex.ID).Str(fieldRoute, routeName(ex)).Int(fieldStatus, StatusBlocked).
			Strs(fieldRules, be.Reasons).Msg("message blocked by policy")
		writeBlocked(w, shapeOf(ex.Route), be, ex.ID)
		if rm != nil {
			p.finish(r, ex, rm, StatusBlocked, 0, 0, start, "blocked")
		}
		return
	}
	status, reason := StatusFor(err)
	ev := p.log.Warn()
	if status >= 500 && status != StatusClientClosed {
		ev = p.log.Error()
	}
	ev.Str(fieldRequestID, ex.ID).Str(fieldRoute, routeName(ex)).Str(fieldMethod, r.Method).
		Int(fieldStatus, status).Str(fieldReason, reason).AnErr("error", sanitize(err)).Msg("request refused")
	writeError(w, status, ex.ID)
	if rm != nil {
		p.finish(r, ex, rm, status, 0, 0, start, reason)
	}
}

// finish records metrics and the access log line.
func (p *Proxy) finish(r *http.Request, ex *Exchange, rm *routeMetrics, status int, in, out int64, start time.Time, reason string) {
	d := time.Since(start)
	if status == 0 {
		status = StatusClientClosed
	}
	rm.count(status)
	rm.duration.Observe(d.Seconds())
	if in > 0 {
		rm.bytesIn.Add(float64(in))
	}
	if out > 0 {
		rm.bytesOut.Add(float64(out))
	}
	if p.accessLog {
		ev := p.log.Info().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).Str(fieldKind, string(ex.Route.Kind)).
			Str(fieldMethod, r.Method).Int(fieldStatus, status).Float64(fieldDuration, float64(d.Microseconds())/1000).
			Int64(fieldBytesIn, in).Int64(fieldBytesOut, out)
		if reason != "" {
			ev = ev.Str(fieldReason, reason)
		}
		ev.Msg("request")
	}
}

// writeError sends the client only the status text and the request id.
func writeError(w http.ResponseWriter, status int, id string) {
	text := http.StatusText(status)
	if status == StatusClientClosed {
		text = "Client Closed Request"
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(HeaderRequestID, id)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"request_id":%q}`+"\n", text, id)
}

// sanitize keeps an error fit for logs: a *url.Error carries the upstream URL with its query
// string, which may hold personal data, so only the operation and the cause remain.
func sanitize(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s upstream: %w", ue.Op, ue.Err)
	}
	return err
}

func isUpgrade(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" && headerHasToken(r.Header, "Connection", "upgrade")
}

func headerHasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func exID(ex *Exchange) string {
	if ex == nil {
		return ""
	}
	return ex.ID
}

func routeName(ex *Exchange) string {
	if ex == nil || ex.Route == nil {
		return ""
	}
	return ex.Route.Name
}
