package admin

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/veil-privacy/veil/store"
)

// DefaultTokenTTL is a token's lifetime when the request names none.
const DefaultTokenTTL = 24 * time.Hour

// tokenRecord is the stored form of an API token: its hash, never the token.
type tokenRecord struct {
	ID        string    `json:"id"`
	Role      Role      `json:"role"`
	Label     string    `json:"label,omitempty"`
	Hash      string    `json:"hash"` // hex SHA-256 of the whole token
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TokenInfo is what the API shows of a token.
type TokenInfo struct {
	ID        string    `json:"id"`
	Role      Role      `json:"role"`
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssuedToken is a new token: Token is shown once and stored nowhere.
type IssuedToken struct {
	TokenInfo
	Token string `json:"token"`
}

func (t *tokenRecord) info() TokenInfo {
	return TokenInfo{ID: t.ID, Role: t.Role, Label: t.Label, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy, ExpiresAt: t.ExpiresAt}
}

// dummyTokenHash is compared against when a token's id is unknown, so that lookup misses and hash
// mismatches take the same path.
var dummyTokenHash = make([]byte, 32)

// IssueToken creates an API token for role, valid for ttl (0: DefaultTokenTTL, at most the
// configured token_max_ttl). label is an optional name for people (a-z 0-9 . _ -).
func (a *Accounts) IssueToken(ctx context.Context, role Role, ttl time.Duration, label, by string) (IssuedToken, error) {
	if !role.Valid() {
		return IssuedToken{}, fmt.Errorf("%w: unknown role", ErrInvalid)
	}
	if ttl == 0 {
		ttl = min(DefaultTokenTTL, a.cfg.TokenMaxTTL)
	}
	if ttl < time.Minute || ttl > a.cfg.TokenMaxTTL {
		return IssuedToken{}, fmt.Errorf("%w: ttl must be between 1m and %s", ErrInvalid, a.cfg.TokenMaxTTL)
	}
	if label != "" && !validName(label) {
		return IssuedToken{}, fmt.Errorf("%w: label must be 1-64 of a-z 0-9 . _ -", ErrInvalid)
	}
	id, tok := newToken()
	now := a.now().UTC()
	rec := tokenRecord{ID: id, Role: role, Label: label, Hash: hex.EncodeToString(digest(tok)), CreatedAt: now,
		CreatedBy: by, ExpiresAt: now.Add(ttl)}
	b, err := json.Marshal(rec)
	if err != nil {
		return IssuedToken{}, err
	}
	ok, err := a.d.Store.PutIfAbsent(ctx, store.Record{Subject: adminSubject, Kind: kindToken, Key: id, Value: b, ExpiresAt: rec.ExpiresAt})
	if err != nil {
		return IssuedToken{}, fmt.Errorf("writing token: %w", err)
	}
	if !ok {
		return IssuedToken{}, errors.New("token id collision")
	}
	return IssuedToken{TokenInfo: rec.info(), Token: tok}, nil
}

// RevokeToken deletes a token; it stops working at once. ErrNotFound if there is none.
func (a *Accounts) RevokeToken(ctx context.Context, id string) error {
	if len(id) != tokenIDLen || !isHex(id) {
		return ErrNotFound
	}
	err := a.d.Store.Delete(ctx, adminSubject, kindToken, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoking token: %w", err)
	}
	return nil
}

// Tokens lists the live tokens.
func (a *Accounts) Tokens(ctx context.Context) ([]TokenInfo, error) {
	recs, err := a.d.Store.List(ctx, adminSubject, kindToken)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	now := a.now()
	out := []TokenInfo{}
	for _, r := range recs {
		var t tokenRecord
		if err := json.Unmarshal(r.Value, &t); err != nil {
			return nil, fmt.Errorf("decoding token: %w", err)
		}
		if now.Before(t.ExpiresAt) {
			out = append(out, t.info())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// VerifyToken returns the token's record when tok is a live token. Malformed, unknown, revoked,
// expired and wrong tokens all fail the same way; the hash comparison is constant time and runs
// for unknown ids too.
func (a *Accounts) VerifyToken(ctx context.Context, tok string) (TokenInfo, error) {
	id, ok := tokenID(tok)
	var rec tokenRecord
	want := dummyTokenHash
	if ok {
		r, err := a.d.Store.Get(ctx, adminSubject, kindToken, id)
		switch {
		case err == nil:
			if json.Unmarshal(r.Value, &rec) == nil {
				if h, err := hex.DecodeString(rec.Hash); err == nil {
					want = h
				}
			}
		case !errors.Is(err, store.ErrNotFound):
			return TokenInfo{}, fmt.Errorf("reading token: %w", err)
		}
	}
	match := equal(digest(tok), want)
	if !ok || !match || rec.ID != id || !a.now().Before(rec.ExpiresAt) || !rec.Role.Valid() {
		return TokenInfo{}, ErrUnauthorized
	}
	return rec.info(), nil
}
