package admin

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/veil-privacy/veil/audit"
)

// handlers maps every /admin/ pattern of the endpoint table to its handler.
func (a *api) handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"POST /admin/v1/logout": a.logout,
		"GET /admin/v1/whoami":  a.whoami,

		"POST /admin/v1/config/reload": a.reload,
		"GET /admin/v1/policy":         a.policy,
		"POST /admin/v1/keys/rotate":   a.rotate,
		"GET /admin/v1/audit":          a.auditRead,
		"GET /admin/v1/audit/report":   a.auditReport,

		"POST /admin/v1/subjects/{id}/export":  a.exportSubject,
		"POST /admin/v1/subjects/{id}/erase":   a.eraseSubject,
		"POST /admin/v1/subjects/{id}/rectify": a.rectifySubject,

		"GET /admin/v1/requests":                a.listRequests,
		"POST /admin/v1/requests":               a.registerRequest,
		"POST /admin/v1/requests/{id}/complete": a.completeRequest,

		"GET /admin/v1/identities":               a.listIdentities,
		"POST /admin/v1/identities":              a.createIdentity,
		"GET /admin/v1/identities/{name}":        a.getIdentity,
		"PATCH /admin/v1/identities/{name}":      a.updateIdentity,
		"DELETE /admin/v1/identities/{name}":     a.deleteIdentity,
		"POST /admin/v1/identities/{name}/reset": a.resetIdentity,

		"GET /admin/v1/tokens":         a.listTokens,
		"POST /admin/v1/tokens":        a.issueToken,
		"DELETE /admin/v1/tokens/{id}": a.revokeToken,

		"GET /admin/v1/sessions":         a.listSessions,
		"DELETE /admin/v1/sessions/{id}": a.revokeSession,
	}
}

// login handles POST /admin/v1/login: rate limits by name and by client address, checks the
// credentials, records admin.login with the outcome and sets the session cookie.
func (a *api) login(w http.ResponseWriter, r *http.Request) {
	reqID := requestID(w, r)
	if err := a.origins.Check(r); err != nil { // no logging in from another site (login CSRF)
		writeError(w, http.StatusForbidden, "cross-origin request refused")
		return
	}
	var req LoginRequest
	if err := decodeJSON(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.d.Clock()
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	nameKey := req.Name
	if len(nameKey) > 64 {
		nameKey = nameKey[:64]
	}
	// Both buckets are charged, so one cannot be drained while the other is spared.
	okAddr := a.byAddr.allow(addr, now)
	okName := a.byName.allow(nameKey, now)
	if !okAddr || !okName {
		actor := "unknown"
		if _, err := a.acc.getIdentity(r.Context(), req.Name); err == nil {
			actor = req.Name
		}
		_ = a.record(r.Context(), audit.AdminLogin, principal{Actor: actor}, "", "", "", OutcomeRateLimited, reqID)
		a.log.Warn().Str(logRequestID, reqID).Str(logOutcome, OutcomeRateLimited).Msg("admin login refused")
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, http.StatusText(http.StatusTooManyRequests))
		return
	}
	res, err := a.acc.Login(r.Context(), req)
	if err != nil && !errors.Is(err, ErrUnauthorized) {
		a.log.Error().Err(err).Str(logRequestID, reqID).Msg("admin login failed")
		writeError(w, http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError))
		return
	}
	p := principal{Actor: "unknown"}
	if res.known {
		p = principal{Actor: res.ident.Name, Role: res.ident.Role}
	}
	if rerr := a.record(r.Context(), audit.AdminLogin, p, "", "", "", res.outcome, reqID); rerr != nil {
		a.log.Error().Err(rerr).Str(logRequestID, reqID).Msg("admin login not recorded; refused")
		writeError(w, statusOfAudit(rerr), "the login could not be audited")
		return
	}
	a.log.Info().Str(logRequestID, reqID).Str(logActor, p.Actor).Str(logOutcome, res.outcome).Msg("admin login")
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="veil-admin"`)
		writeError(w, http.StatusUnauthorized, "invalid credentials")
		return
	}
	cookie, sess, err := a.acc.newSession(r.Context(), res.ident.Name)
	if err != nil {
		a.log.Error().Err(err).Str(logRequestID, reqID).Msg("admin session not created")
		writeError(w, http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: cookie, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(a.cfg.SessionMaxAge / time.Second)})
	writeJSON(w, http.StatusOK, map[string]any{"identity": res.ident.Name, "role": res.ident.Role, "session": sess})
}

func (a *api) logout(r *http.Request, p principal) (result, error) {
	if p.SessionID == "" {
		return result{}, errStatus(http.StatusBadRequest, "logout ends a session; revoke a token with DELETE /admin/v1/tokens/{id}")
	}
	if err := a.acc.RevokeSession(r.Context(), p.SessionID); err != nil && !errors.Is(err, ErrNotFound) {
		return result{}, err
	}
	return result{status: http.StatusNoContent, cookie: &http.Cookie{Name: SessionCookie, Value: "", Path: "/",
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1}}, nil
}

func (a *api) whoami(_ *http.Request, p principal) (result, error) {
	return result{status: http.StatusOK, body: map[string]any{"actor": p.Actor, "role": p.Role, "permissions": p.Role.Permissions()}}, nil
}

func (a *api) reload(r *http.Request, _ principal) (result, error) {
	if a.d.Reload == nil {
		return result{}, errStatus(http.StatusNotImplemented, "reload is not available")
	}
	if err := a.d.Reload(r.Context()); err != nil {
		a.log.Error().Err(err).Msg("config reload through the admin API rejected")
		return result{}, errStatus(http.StatusUnprocessableEntity, "reload rejected; the running configuration stays (see Veil's log)")
	}
	return result{status: http.StatusOK, body: map[string]string{"status": "reloaded"}}, nil
}

func (a *api) policy(_ *http.Request, _ principal) (result, error) {
	if a.d.PolicyStatus == nil {
		return result{}, errStatus(http.StatusNotImplemented, "policy status is not available")
	}
	return result{status: http.StatusOK, body: a.d.PolicyStatus()}, nil
}

func (a *api) rotate(r *http.Request, _ principal) (result, error) {
	if a.d.RotateKeys == nil {
		return result{}, errStatus(http.StatusNotImplemented, "key rotation is not available")
	}
	out, err := a.d.RotateKeys(r.Context())
	if err != nil {
		return result{}, err
	}
	return result{status: http.StatusOK, body: out}, nil
}

func (a *api) listIdentities(r *http.Request, _ principal) (result, error) {
	ids, err := a.acc.Identities(r.Context())
	return result{status: http.StatusOK, body: map[string]any{"identities": ids}}, err
}

func (a *api) getIdentity(r *http.Request, _ principal) (result, error) {
	id, err := a.acc.Identity(r.Context(), r.PathValue("name"))
	return result{status: http.StatusOK, body: id}, err
}

// createIdentity returns the new identity's credentials once: generated password, TOTP secret and
// URL, recovery codes.
func (a *api) createIdentity(r *http.Request, p principal) (result, error) {
	var spec NewIdentity
	if err := decodeJSON(r, &spec); err != nil {
		return result{}, err
	}
	creds, err := a.acc.CreateIdentity(r.Context(), spec, p.Actor)
	if err != nil {
		return result{}, err
	}
	return result{status: http.StatusCreated, body: creds,
		undo: func() { _ = a.acc.DeleteIdentity(r.Context(), spec.Name) }}, nil
}

func (a *api) updateIdentity(r *http.Request, _ principal) (result, error) {
	var u IdentityUpdate
	if err := decodeJSON(r, &u); err != nil {
		return result{}, err
	}
	id, err := a.acc.UpdateIdentity(r.Context(), r.PathValue("name"), u)
	return result{status: http.StatusOK, body: id}, err
}

func (a *api) deleteIdentity(r *http.Request, _ principal) (result, error) {
	return result{status: http.StatusNoContent}, a.acc.DeleteIdentity(r.Context(), r.PathValue("name"))
}

func (a *api) resetIdentity(r *http.Request, _ principal) (result, error) {
	creds, err := a.acc.ResetCredentials(r.Context(), r.PathValue("name"))
	return result{status: http.StatusOK, body: creds}, err
}

// TokenRequest is the body of POST /admin/v1/tokens.
type TokenRequest struct {
	Role  Role   `json:"role"`
	TTL   string `json:"ttl,omitempty"` // Go duration: "1h", "720h"; default 24h
	Label string `json:"label,omitempty"`
}

func (a *api) issueToken(r *http.Request, p principal) (result, error) {
	var req TokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return result{}, err
	}
	var ttl time.Duration
	if req.TTL != "" {
		d, err := time.ParseDuration(req.TTL)
		if err != nil {
			return result{}, errStatus(http.StatusBadRequest, "ttl: not a duration such as 1h or 720h")
		}
		ttl = d
	}
	tok, err := a.acc.IssueToken(r.Context(), req.Role, ttl, req.Label, p.Actor)
	if err != nil {
		return result{}, err
	}
	return result{status: http.StatusCreated, body: tok, undo: func() { _ = a.acc.RevokeToken(r.Context(), tok.ID) }}, nil
}

func (a *api) listTokens(r *http.Request, _ principal) (result, error) {
	toks, err := a.acc.Tokens(r.Context())
	return result{status: http.StatusOK, body: map[string]any{"tokens": toks}}, err
}

func (a *api) revokeToken(r *http.Request, _ principal) (result, error) {
	return result{status: http.StatusNoContent}, a.acc.RevokeToken(r.Context(), r.PathValue("id"))
}

func (a *api) listSessions(r *http.Request, _ principal) (result, error) {
	ss, err := a.acc.Sessions(r.Context())
	return result{status: http.StatusOK, body: map[string]any{"sessions": ss}}, err
}

func (a *api) revokeSession(r *http.Request, _ principal) (result, error) {
	return result{status: http.StatusNoContent}, a.acc.RevokeSession(r.Context(), r.PathValue("id"))
}
