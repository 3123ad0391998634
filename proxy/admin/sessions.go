package admin

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/veil-privacy/veil/store"
)

// SessionCookie is the interactive session's cookie: __Host- so that it is Secure, host-only and
// Path=/; HttpOnly and SameSite=Strict on top.
const SessionCookie = "__Host-veil-admin"

// touchEvery is how often a session's last-seen time is written: idle timeouts are exact to
// within this much.
const touchEvery = time.Minute

const sessionIDLen = 32 // hex characters

// sessionRecord is the stored form of a session: the hash of its secret, never the secret.
type sessionRecord struct {
	ID        string    `json:"id"`
	Identity  string    `json:"identity"`
	Hash      string    `json:"hash"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// Session is what the API shows of a session.
type Session struct {
	ID        string    `json:"id"`
	Identity  string    `json:"identity"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"` // the earlier of idle and absolute expiry
}

func (a *Accounts) expiry(s *sessionRecord) time.Time {
	idle := s.LastSeen.Add(a.cfg.SessionIdleTimeout)
	abs := s.CreatedAt.Add(a.cfg.SessionMaxAge)
	if idle.Before(abs) {
		return idle
	}
	return abs
}

func (a *Accounts) putSession(ctx context.Context, s *sessionRecord) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return a.d.Store.Put(ctx, store.Record{Subject: adminSubject, Kind: kindSession, Key: s.ID, Value: b, ExpiresAt: a.expiry(s)})
}

// newSession starts a session for name and returns the cookie value ("<id>.<secret>").
func (a *Accounts) newSession(ctx context.Context, name string) (string, Session, error) {
	id, secret := randomHex(sessionIDLen/2), randomSecret(32)
	now := a.now().UTC()
	s := &sessionRecord{ID: id, Identity: name, Hash: hex.EncodeToString(digest(secret)), CreatedAt: now, LastSeen: now}
	if err := a.putSession(ctx, s); err != nil {
		return "", Session{}, fmt.Errorf("writing session: %w", err)
	}
	return id + "." + secret, a.sessionInfo(s), nil
}

func (a *Accounts) sessionInfo(s *sessionRecord) Session {
	return Session{ID: s.ID, Identity: s.Identity, CreatedAt: s.CreatedAt, LastSeen: s.LastSeen, ExpiresAt: a.expiry(s)}
}

// verifySession checks a cookie value and returns the session and its identity's current record.
// Past its idle or absolute timeout the session is deleted. A valid session's last-seen time moves.
func (a *Accounts) verifySession(ctx context.Context, cookie string) (Session, *identity, error) {
	id, secret, ok := strings.Cut(cookie, ".")
	if !ok || len(id) != sessionIDLen || !isHex(id) {
		equal(digest(cookie), dummyTokenHash) // same work as a lookup miss
		return Session{}, nil, ErrUnauthorized
	}
	var s sessionRecord
	want := dummyTokenHash
	r, err := a.d.Store.Get(ctx, adminSubject, kindSession, id)
	switch {
	case err == nil:
		if json.Unmarshal(r.Value, &s) == nil {
			if h, err := hex.DecodeString(s.Hash); err == nil {
				want = h
			}
		}
	case !errors.Is(err, store.ErrNotFound):
		return Session{}, nil, fmt.Errorf("reading session: %w", err)
	}
	if !equal(digest(secret), want) || s.ID != id {
		return Session{}, nil, ErrUnauthorized
	}
	now := a.now()
	if !now.Before(a.expiry(&s)) {
		_ = a.d.Store.Delete(ctx, adminSubject, kindSession, id)
		return Session{}, nil, ErrUnauthorized
	}
	ident, err := a.getIdentity(ctx, s.Identity)
	if errors.Is(err, ErrNotFound) {
		return Session{}, nil, ErrUnauthorized
	}
	if err != nil {
		return Session{}, nil, err
	}
	if ident.Disabled || ident.Role.NeedsMFA() && ident.TOTPSealed == "" {
		return Session{}, nil, ErrUnauthorized
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		s.LastSeen = now.UTC()
		if err := a.putSession(ctx, &s); err != nil {
			return Session{}, nil, fmt.Errorf("writing session: %w", err)
		}
	}
	return a.sessionInfo(&s), ident, nil
}

// Sessions lists the live sessions.
func (a *Accounts) Sessions(ctx context.Context) ([]Session, error) {
	recs, err := a.listSessions(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	out := []Session{}
	for _, s := range recs {
		if now.Before(a.expiry(s)) {
			out = append(out, a.sessionInfo(s))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

func (a *Accounts) listSessions(ctx context.Context) ([]*sessionRecord, error) {
	recs, err := a.d.Store.List(ctx, adminSubject, kindSession)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	out := make([]*sessionRecord, 0, len(recs))
	for _, r := range recs {
		var s sessionRecord
		if err := json.Unmarshal(r.Value, &s); err != nil {
			return nil, fmt.Errorf("decoding session: %w", err)
		}
		out = append(out, &s)
	}
	return out, nil
}

// RevokeSession ends a session at once. ErrNotFound if there is none.
func (a *Accounts) RevokeSession(ctx context.Context, id string) error {
	if len(id) != sessionIDLen || !isHex(id) {
		return ErrNotFound
	}
	err := a.d.Store.Delete(ctx, adminSubject, kindSession, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoking session: %w", err)
	}
	return nil
}

// endSessions revokes every session of an identity.
func (a *Accounts) endSessions(ctx context.Context, name string) error {
	recs, err := a.listSessions(ctx)
	if err != nil {
		return err
	}
	for _, s := range recs {
		if s.Identity == name {
			if err := a.d.Store.Delete(ctx, adminSubject, kindSession, s.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("revoking session: %w", err)
			}
		}
	}
	return nil
}
