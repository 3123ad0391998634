package admin

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/veil-privacy/veil/store"
)

// loginState counts a login name's consecutive failures and holds its lock. It is kept for every
// name tried, existing or not, under a hash of the name, so that a failed login for an unknown
// name does the same reads and writes as one for a real identity: no timing tells them apart.
// The record expires lockout.duration after the last failure (or when the lock ends).
type loginState struct {
	Failures    int       `json:"failures,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// stateKey keys a name's login state: a hash, so that a mistyped name (an e-mail address, say) is
// not kept in clear.
func stateKey(name string) string {
	return hex.EncodeToString(digest("veil admin login state\x00" + name))
}

func (a *Accounts) loginState(ctx context.Context, name string) (loginState, error) {
	var st loginState
	r, err := a.d.Store.Get(ctx, adminSubject, kindLoginState, stateKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading login state: %w", err)
	}
	if err := json.Unmarshal(r.Value, &st); err != nil {
		return loginState{}, fmt.Errorf("decoding login state: %w", err)
	}
	return st, nil
}

func (a *Accounts) putLoginState(ctx context.Context, name string, st loginState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	exp := a.now().Add(a.cfg.Lockout.Duration)
	if st.LockedUntil.After(exp) {
		exp = st.LockedUntil
	}
	if err := a.d.Store.Put(ctx, store.Record{Subject: adminSubject, Kind: kindLoginState, Key: stateKey(name), Value: b, ExpiresAt: exp}); err != nil {
		return fmt.Errorf("writing login state: %w", err)
	}
	return nil
}

// clearLoginState forgets a name's failures and lifts its lock.
func (a *Accounts) clearLoginState(ctx context.Context, name string) error {
	err := a.d.Store.Delete(ctx, adminSubject, kindLoginState, stateKey(name))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("clearing login state: %w", err)
	}
	return nil
}

// lockedUntil is when name's lock ends (zero when it is not locked).
func (a *Accounts) lockedUntil(ctx context.Context, name string) time.Time {
	st, err := a.loginState(ctx, name)
	if err != nil || !a.now().Before(st.LockedUntil) {
		return time.Time{}
	}
	return st.LockedUntil
}
