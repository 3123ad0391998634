package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/veil-privacy/veil/store"
)

// Login outcomes, recorded in admin.login events.
const (
	OutcomeOK          = "ok"
	OutcomeDenied      = "denied"       // wrong name, password, TOTP or recovery code
	OutcomeLocked      = "locked"       // the identity is locked (or this failure locked it)
	OutcomeRateLimited = "rate_limited" // too many attempts for the name or the client address
)

// LoginRequest is the body of POST /admin/v1/login. TOTP or RecoveryCode is needed for an identity
// enrolled in MFA (every compliance and admin identity).
type LoginRequest struct {
	Name         string `json:"name"`
	Password     string `json:"password"`
	TOTP         string `json:"totp,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// loginResult is what a login attempt came to. known is false for a name no identity has.
type loginResult struct {
	ident   *identity
	known   bool
	outcome string
}

// Login checks credentials. Unknown names, wrong passwords, wrong or replayed TOTP codes, used
// recovery codes, disabled and locked identities all fail alike (ErrUnauthorized) after the same
// argon2id work and the same store reads and writes; the outcome tells the audit trail which it
// was. Failures count per name towards the lockout; the threshold-th consecutive one locks the
// name for lockout.duration.
func (a *Accounts) Login(ctx context.Context, req LoginRequest) (loginResult, error) {
	name := req.Name
	unlock := a.lock(name)
	defer unlock()
	state, err := a.loginState(ctx, name)
	if err != nil {
		return loginResult{}, err
	}
	ident, err := a.getIdentity(ctx, name)
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return loginResult{}, err
	}
	hash := a.dummy()
	if known {
		hash = ident.PasswordHash
	}
	a.hashing <- struct{}{}
	pwOK, herr := verifyPassword(hash, req.Password)
	<-a.hashing
	if herr != nil {
		pwOK = false
	}
	now := a.now()
	// The second factor, checked for unknown names too (against a throwaway secret).
	secret, recovery := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", []string(nil)
	mfa := known && ident.TOTPSealed != ""
	if mfa {
		if secret, err = a.seal.open(ident.TOTPSealed, ident.Name); err != nil {
			return loginResult{}, fmt.Errorf("identity TOTP: %w", err)
		}
		recovery = ident.Recovery
	}
	step, recIdx := int64(-1), -1
	if req.RecoveryCode != "" {
		recIdx = matchRecovery(recovery, req.RecoveryCode)
	} else {
		step = checkTOTP(secret, req.TOTP, now)
	}
	res := loginResult{ident: ident, known: known, outcome: OutcomeDenied}
	if now.Before(state.LockedUntil) {
		res.outcome = OutcomeLocked
		return res, ErrUnauthorized // a locked name's failures do not extend the lock
	}
	ok := false
	if known && pwOK && !ident.Disabled {
		if ok, err = a.secondFactor(ctx, ident, mfa, step, recIdx); err != nil {
			return loginResult{}, err
		}
	}
	if ok {
		res.outcome = OutcomeOK
		if err := a.putIdentity(ctx, ident); err != nil {
			return loginResult{}, err
		}
		if state.Failures > 0 {
			if err := a.clearLoginState(ctx, name); err != nil {
				return loginResult{}, err
			}
		}
		return res, nil
	}
	state.Failures++
	if state.Failures >= a.cfg.Lockout.Threshold {
		state.Failures, state.LockedUntil = 0, now.Add(a.cfg.Lockout.Duration).UTC()
		res.outcome = OutcomeLocked
	}
	if err := a.putLoginState(ctx, name, state); err != nil {
		return loginResult{}, err
	}
	return res, ErrUnauthorized
}

// secondFactor claims the TOTP step (once per identity and step, also across replicas sharing the
// store, and never a step at or before the last used one) or the recovery code, updating ident.
// An identity without MFA passes only if its role does not need it.
func (a *Accounts) secondFactor(ctx context.Context, ident *identity, mfa bool, step int64, recIdx int) (bool, error) {
	if !mfa {
		return !ident.Role.NeedsMFA(), nil
	}
	switch {
	case recIdx >= 0:
		ok, err := a.d.Store.PutIfAbsent(ctx, store.Record{Subject: adminSubject, Kind: kindRecoveryUsed,
			Key: ident.Name + "/" + ident.Recovery[recIdx]})
		if err != nil {
			return false, fmt.Errorf("recording recovery code use: %w", err)
		}
		if ok {
			ident.Recovery = append(ident.Recovery[:recIdx:recIdx], ident.Recovery[recIdx+1:]...)
		}
		return ok, nil
	case step >= 0 && step > ident.LastTOTPStep:
		ok, err := a.d.Store.PutIfAbsent(ctx, store.Record{Subject: adminSubject, Kind: kindTOTPUsed,
			Key:       ident.Name + "/" + strconv.FormatInt(step, 10),
			ExpiresAt: time.Unix((step+totpSkew+1)*totpPeriod, 0).Add(time.Minute)})
		if err != nil {
			return false, fmt.Errorf("recording TOTP use: %w", err)
		}
		if ok {
			ident.LastTOTPStep = step
		}
		return ok, nil
	}
	return false, nil
}

// limiter caps login attempts per key (an identity name, or a client address held in memory only,
// never stored or logged). It forgets keys whose bucket is full again, so it stays small.
type limiter struct {
	mu    sync.Mutex
	every time.Duration
	burst int
	m     map[string]*rate.Limiter
}

const limiterMaxKeys = 10_000

func newLimiter(perMinute int) *limiter {
	return &limiter{every: time.Minute / time.Duration(perMinute), burst: perMinute, m: map[string]*rate.Limiter{}}
}

// allow takes one attempt for key at now and reports whether it may proceed.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= limiterMaxKeys {
			for k, v := range l.m {
				if v.TokensAt(now) >= float64(l.burst) {
					delete(l.m, k)
				}
			}
			if len(l.m) >= limiterMaxKeys {
				return false // under attack from many keys at once: refuse rather than grow
			}
		}
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.m[key] = lim
	}
	return lim.AllowN(now, 1)
}
