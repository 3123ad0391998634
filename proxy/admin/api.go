package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
)

// api is the authenticated part of the admin listener, installed by Server.Configure.
type api struct {
	cfg     Config
	d       Deps
	acc     *Accounts
	log     zerolog.Logger
	byName  *limiter
	byAddr  *limiter
	origins *http.CrossOriginProtection
}

// principal is who is calling: an identity signed in with a session, or an API token.
type principal struct {
	Actor     string // identity name, or "token:<id>"
	Role      Role
	SessionID string // set when signed in with a session cookie
}

type principalKey struct{}

// call is what the guard knows of the request being served: its id and its (well-formed) reason.
type call struct {
	requestID, reason string
}

type callKey struct{}

func callOf(r *http.Request) call {
	c, _ := r.Context().Value(callKey{}).(call)
	return c
}

// result is what an endpoint handler produced; the guard audits it before writing it.
type result struct {
	status  int
	body    any
	subject string // the data subject acted on, recorded (pseudonymized) in the audit event
	noAudit bool   // nothing was accessed (a stub answering 501)
	undo    func() // reverts the change when its audit event cannot be recorded
	cookie  *http.Cookie
	file    *download // written instead of body
}

// download is a response body that is not JSON: an export archive.
type download struct {
	contentType, filename string
	data                  []byte
}

type handlerFunc func(r *http.Request, p principal) (result, error)

// httpError is an error with the status and the message shown to the client, and the internal
// cause, for the log only.
type httpError struct {
	status int
	msg    string
	cause  error
}

func (e *httpError) Error() string { return e.msg }

func (e *httpError) Unwrap() error { return e.cause }

func errStatus(status int, msg string) error { return &httpError{status: status, msg: msg} }

// Configure turns on the admin API with cfg (validated) and deps: it registers every route of the
// endpoint table behind authentication and permission checks, and, when cfg.Listen is not a
// loopback address, puts /healthz, /readyz and /metrics behind a token as well. Call it once,
// before serving.
func (s *Server) Configure(cfg Config, deps Deps) error {
	acc, err := NewAccounts(cfg, deps)
	if err != nil {
		return err
	}
	a := &api{cfg: cfg, d: acc.d, acc: acc, log: acc.d.Logger, byName: newLimiter(cfg.LoginRatePerMinute),
		byAddr: newLimiter(cfg.LoginRatePerMinute), origins: http.NewCrossOriginProtection()}
	if !s.api.CompareAndSwap(nil, a) {
		return errors.New("admin: Configure called twice")
	}
	handlers := a.handlers()
	for _, e := range endpoints {
		if !strings.Contains(e.Pattern, " /admin/") {
			continue // health, readiness and metrics are registered by NewServer
		}
		h, ok := handlers[e.Pattern]
		if !ok {
			return errors.New("admin: no handler for " + e.Pattern)
		}
		s.mux.Handle(e.Pattern, a.guard(e, h))
	}
	s.mux.HandleFunc("POST /admin/v1/login", a.login)
	s.mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	return nil
}

// Accounts returns the account manager of a configured server (nil before Configure).
func (s *Server) Accounts() *Accounts {
	if a := s.api.Load(); a != nil {
		return a.acc
	}
	return nil
}

// authenticate finds the caller from a bearer token or the session cookie.
func (a *api) authenticate(r *http.Request) (principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return principal{}, ErrUnauthorized
		}
		info, err := a.acc.VerifyToken(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			return principal{}, err
		}
		return principal{Actor: "token:" + info.ID, Role: info.Role}, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return principal{}, ErrUnauthorized
	}
	sess, ident, err := a.acc.verifySession(r.Context(), c.Value)
	if err != nil {
		return principal{}, err
	}
	// A browser session must not be ridden from another origin (SameSite=Strict is the first guard).
	if err := a.origins.Check(r); err != nil {
		return principal{}, errStatus(http.StatusForbidden, "cross-origin request refused")
	}
	return principal{Actor: ident.Name, Role: ident.Role, SessionID: sess.ID}, nil
}

// guard authenticates, authorizes with e's permission, requires a reason on data endpoints, runs
// h, records the admin.access event and only then writes the response.
func (a *api) guard(e endpoint, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqID := requestID(w, r)
		p, err := a.authenticate(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		r = r.WithContext(ctx)
		// Read the reason before the handler consumes a JSON body that may carry it.
		reason := safeReason(r)
		if !p.Role.Allows(e.Permission) {
			if e.Action != "" {
				_ = a.record(ctx, audit.AdminAccess, p, e.Action, "", reason, "denied", reqID)
			}
			writeError(w, http.StatusForbidden, http.StatusText(http.StatusForbidden))
			return
		}
		if e.Data {
			if _, err := requireReason(r); err != nil {
				a.fail(w, r, err)
				return
			}
		}
		r = r.WithContext(context.WithValue(ctx, callKey{}, call{requestID: reqID, reason: reason}))
		res, err := h(r, p)
		if err != nil {
			var he *httpError
			status := http.StatusInternalServerError
			cause := err
			if errors.As(err, &he) {
				status = he.status
				if he.cause != nil {
					cause = he.cause
				}
			} else {
				status = statusOf(err)
			}
			if status >= 500 {
				a.log.Error().Err(cause).Str(logRequestID, reqID).Str(logEndpoint, e.Pattern).Msg("admin request failed")
			}
			if e.Action != "" && status != http.StatusBadRequest {
				_ = a.record(ctx, audit.AdminAccess, p, e.Action, "", reason, outcomeOf(status), reqID)
			}
			a.fail(w, r, err)
			return
		}
		if e.Action != "" && !res.noAudit {
			if err := a.record(ctx, audit.AdminAccess, p, e.Action, res.subject, reason, "ok", reqID); err != nil {
				if res.undo != nil {
					res.undo()
				}
				a.log.Error().Err(err).Str(logRequestID, reqID).Str(logEndpoint, e.Pattern).Msg("admin access not recorded; refused")
				writeError(w, statusOfAudit(err), "the access could not be audited")
				return
			}
		}
		if res.cookie != nil {
			http.SetCookie(w, res.cookie)
		}
		if f := res.file; f != nil {
			w.Header().Set("Content-Type", f.contentType)
			w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.filename}))
			w.WriteHeader(res.status)
			_, _ = w.Write(f.data)
			return
		}
		writeJSON(w, res.status, res.body)
	})
}

// record writes one admin event. subject is the raw subject id: the auditor pseudonymizes it.
func (a *api) record(ctx context.Context, typ audit.Type, p principal, action, subject, reason, outcome, reqID string) error {
	ev := audit.Event{Type: typ, RequestID: reqID, Subject: subject, Route: "admin", Outcome: outcome,
		Actor: p.Actor, Role: string(p.Role), Reason: reason}
	if action != "" {
		ev.Actions = map[string]int{action: 1}
	}
	return a.d.Auditor.Record(ctx, ev)
}

// fail writes the status for err: 401 for bad credentials, the httpError's own, else statusOf.
func (a *api) fail(w http.ResponseWriter, _ *http.Request, err error) {
	var he *httpError
	switch {
	case errors.Is(err, ErrUnauthorized):
		w.Header().Set("WWW-Authenticate", `Bearer realm="veil-admin"`)
		writeError(w, http.StatusUnauthorized, http.StatusText(http.StatusUnauthorized))
	case errors.As(err, &he):
		writeError(w, he.status, he.msg)
	default:
		st := statusOf(err)
		msg := http.StatusText(st)
		if st < 500 {
			msg = err.Error() // our own validation messages: never request bytes
		}
		writeError(w, st, msg)
	}
}

// statusOf maps the account errors to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrExists), errors.Is(err, ErrLastAdmin), errors.Is(err, ErrInitialized), errors.Is(err, ErrRefused):
		return http.StatusConflict
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, audit.ErrInvalidEvent):
		return http.StatusBadRequest
	}
	return statusOfAudit(err)
}

func statusOfAudit(err error) int {
	if errors.Is(err, audit.ErrUnavailable) || errors.Is(err, audit.ErrClosed) {
		return http.StatusServiceUnavailable
	}
	if errors.Is(err, audit.ErrInvalidEvent) {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func outcomeOf(status int) string {
	switch {
	case status < 400:
		return "ok"
	case status == http.StatusForbidden:
		return "denied"
	case status == http.StatusNotFound:
		return "not_found"
	case status == http.StatusConflict:
		return "conflict"
	case status < 500:
		return "invalid"
	}
	return "error"
}

// requestID takes a well-formed X-Request-Id (the trail's identifier alphabet) or makes one, and
// echoes it.
func requestID(w http.ResponseWriter, r *http.Request) string {
	id := r.Header.Get("X-Request-Id")
	if len(id) == 0 || len(id) > 64 || !validReason(id) || strings.Contains(id, "#") {
		id = randomHex(8)
	}
	w.Header().Set("X-Request-Id", id)
	return id
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// maxBody caps request bodies of the admin API.
const maxBody = 64 << 10

// decodeJSON reads a JSON body strictly into v.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errStatus(http.StatusBadRequest, "body is not the expected JSON object")
	}
	return nil
}
