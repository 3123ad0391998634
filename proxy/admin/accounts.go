package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"sync"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Subject and kinds of the records the admin API keeps. "_admin" is a reserved system subject.
const (
	adminSubject     = "_admin"
	kindIdentity     = "admin.identity"
	kindToken        = "admin.token"
	kindSession      = "admin.session"
	kindTOTPUsed     = "admin.totp_used"
	kindRecoveryUsed = "admin.recovery_used"
	kindLoginState   = "admin.login_state"
)

// Errors the account functions return; the API maps them to statuses.
var (
	ErrExists       = errors.New("already exists")
	ErrNotFound     = errors.New("not found")
	ErrInvalid      = errors.New("invalid request")
	ErrLastAdmin    = errors.New("the last admin identity cannot be removed or demoted")
	ErrInitialized  = errors.New("an admin identity already exists")
	ErrUnauthorized = errors.New("invalid credentials")
	// ErrRefused is for Deps functions refusing an action in the current state (answered with 409).
	ErrRefused = errors.New("refused")
)

// identity is the stored form of a person who signs in. Secrets are hashed or sealed.
type identity struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"password_hash"`
	TOTPSealed   string    `json:"totp_sealed,omitempty"`
	LastTOTPStep int64     `json:"last_totp_step,omitempty"`
	Recovery     []string  `json:"recovery,omitempty"` // hex SHA-256 of unused recovery codes
	Disabled     bool      `json:"disabled,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by,omitempty"`
}

// Identity is what the API shows of an identity: never a hash or a secret.
type Identity struct {
	Name              string    `json:"name"`
	Role              Role      `json:"role"`
	MFA               bool      `json:"mfa"`
	RecoveryCodesLeft int       `json:"recovery_codes_left"`
	Disabled          bool      `json:"disabled"`
	LockedUntil       time.Time `json:"locked_until,omitzero"`
	CreatedAt         time.Time `json:"created_at"`
	CreatedBy         string    `json:"created_by,omitempty"`
}

func (id *identity) public() Identity {
	return Identity{Name: id.Name, Role: id.Role, MFA: id.TOTPSealed != "", RecoveryCodesLeft: len(id.Recovery),
		Disabled: id.Disabled, CreatedAt: id.CreatedAt, CreatedBy: id.CreatedBy}
}

// Credentials are an identity's secrets, returned once when it is created or reset and never
// again: the password (when generated), the TOTP secret and its otpauth:// URL, recovery codes.
type Credentials struct {
	Name          string   `json:"name"`
	Role          Role     `json:"role"`
	Password      string   `json:"password,omitempty"`
	TOTPSecret    string   `json:"totp_secret,omitempty"`
	TOTPURL       string   `json:"totp_url,omitempty"`
	RecoveryCodes []string `json:"recovery_codes,omitempty"`
}

// Accounts keeps identities, API tokens and sessions in the store and checks credentials. The API
// server and the command line share it.
type Accounts struct {
	d         Deps
	cfg       Config
	seal      *sealer
	argon     argonParams
	dummyOnce sync.Once
	dummyHash string        // verified for unknown names, so they cost what a wrong password costs
	hashing   chan struct{} // bounds concurrent argon2id runs (each takes argon.MemoryKiB)
	locks     [64]sync.Mutex
}

// NewAccounts returns the account manager over deps.Store. cfg must have been validated.
func NewAccounts(cfg Config, deps Deps) (*Accounts, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	s, err := newSealer(deps.SecretKey)
	if err != nil {
		return nil, err
	}
	return &Accounts{d: deps, cfg: cfg, seal: s, argon: defaultArgon, hashing: make(chan struct{}, 4)}, nil
}

// setArgon changes the cost of new password hashes; tests use a cheap one. Call it before use.
func (a *Accounts) setArgon(p argonParams) { a.argon = p }

// dummy returns the hash verified for unknown names: same parameters as real ones.
func (a *Accounts) dummy() string {
	a.dummyOnce.Do(func() { a.dummyHash = hashPassword(a.argon, randomSecret(16)) })
	return a.dummyHash
}

func (a *Accounts) now() time.Time { return a.d.Clock() }

// lock serializes read-modify-write of one identity's record within this process.
func (a *Accounts) lock(name string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	m := &a.locks[h.Sum32()%uint32(len(a.locks))]
	m.Lock()
	return m.Unlock
}

// validName reports whether s can name an identity: 1-64 of a-z 0-9 . _ - starting with a letter
// or digit. Names are account names ("jdoe", "ops-bot"), not e-mail addresses.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-')
		if !ok {
			return false
		}
	}
	return true
}

func (a *Accounts) getIdentity(ctx context.Context, name string) (*identity, error) {
	if !validName(name) {
		return nil, ErrNotFound
	}
	r, err := a.d.Store.Get(ctx, adminSubject, kindIdentity, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading identity: %w", err)
	}
	var id identity
	if err := json.Unmarshal(r.Value, &id); err != nil {
		return nil, fmt.Errorf("decoding identity: %w", err)
	}
	return &id, nil
}

func (a *Accounts) putIdentity(ctx context.Context, id *identity) error {
	b, err := json.Marshal(id)
	if err != nil {
		return err
	}
	if err := a.d.Store.Put(ctx, store.Record{Subject: adminSubject, Kind: kindIdentity, Key: id.Name, Value: b}); err != nil {
		return fmt.Errorf("writing identity: %w", err)
	}
	return nil
}

func (a *Accounts) listIdentities(ctx context.Context) ([]*identity, error) {
	recs, err := a.d.Store.List(ctx, adminSubject, kindIdentity)
	if err != nil {
		return nil, fmt.Errorf("listing identities: %w", err)
	}
	out := make([]*identity, 0, len(recs))
	for _, r := range recs {
		var id identity
		if err := json.Unmarshal(r.Value, &id); err != nil {
			return nil, fmt.Errorf("decoding identity: %w", err)
		}
		out = append(out, &id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Identities lists every identity.
func (a *Accounts) Identities(ctx context.Context) ([]Identity, error) {
	ids, err := a.listIdentities(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Identity, len(ids))
	for i, id := range ids {
		out[i] = id.public()
		out[i].LockedUntil = a.lockedUntil(ctx, id.Name)
	}
	return out, nil
}

// Identity returns one identity.
func (a *Accounts) Identity(ctx context.Context, name string) (Identity, error) {
	id, err := a.getIdentity(ctx, name)
	if err != nil {
		return Identity{}, err
	}
	pub := id.public()
	pub.LockedUntil = a.lockedUntil(ctx, name)
	return pub, nil
}

// NewIdentity says what identity to create.
type NewIdentity struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Password is the initial password; empty generates one (returned in Credentials).
	Password string `json:"-"`
	// NoMFA skips TOTP enrolment; refused for roles that need MFA.
	NoMFA bool `json:"no_mfa,omitempty"`
}

// CreateIdentity creates an identity, enrolling TOTP and recovery codes unless NoMFA, and returns
// its credentials (shown once). by is the actor creating it.
func (a *Accounts) CreateIdentity(ctx context.Context, spec NewIdentity, by string) (Credentials, error) {
	if !validName(spec.Name) {
		return Credentials{}, fmt.Errorf("%w: name must be 1-64 of a-z 0-9 . _ -", ErrInvalid)
	}
	if !spec.Role.Valid() {
		return Credentials{}, fmt.Errorf("%w: unknown role", ErrInvalid)
	}
	if spec.NoMFA && spec.Role.NeedsMFA() {
		return Credentials{}, fmt.Errorf("%w: role %s requires MFA", ErrInvalid, spec.Role)
	}
	creds := Credentials{Name: spec.Name, Role: spec.Role}
	pw := spec.Password
	if pw == "" {
		pw = generatePassword()
		creds.Password = pw
	} else if err := checkPassword(pw); err != nil {
		return Credentials{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	id := &identity{Name: spec.Name, Role: spec.Role, CreatedAt: a.now().UTC(), CreatedBy: by}
	if err := a.enroll(id, pw, !spec.NoMFA, &creds); err != nil {
		return Credentials{}, err
	}
	b, err := json.Marshal(id)
	if err != nil {
		return Credentials{}, err
	}
	ok, err := a.d.Store.PutIfAbsent(ctx, store.Record{Subject: adminSubject, Kind: kindIdentity, Key: id.Name, Value: b})
	if err != nil {
		return Credentials{}, fmt.Errorf("writing identity: %w", err)
	}
	if !ok {
		return Credentials{}, ErrExists
	}
	return creds, nil
}

// enroll sets id's password hash and, with mfa, a new TOTP secret and recovery codes.
func (a *Accounts) enroll(id *identity, password string, mfa bool, creds *Credentials) error {
	a.hashing <- struct{}{}
	id.PasswordHash = hashPassword(a.argon, password)
	<-a.hashing
	id.TOTPSealed, id.Recovery, id.LastTOTPStep = "", nil, 0
	if !mfa {
		return nil
	}
	secret, url, err := newTOTP(id.Name)
	if err != nil {
		return fmt.Errorf("enrolling TOTP: %w", err)
	}
	codes, hashes := newRecoveryCodes()
	id.TOTPSealed, id.Recovery = a.seal.seal(secret, id.Name), hashes
	creds.TOTPSecret, creds.TOTPURL, creds.RecoveryCodes = secret, url, codes
	return nil
}

// InitAdmin creates the first admin identity. It fails with ErrInitialized when an enabled admin
// identity exists already.
func (a *Accounts) InitAdmin(ctx context.Context, name, password, by string) (Credentials, error) {
	ids, err := a.listIdentities(ctx)
	if err != nil {
		return Credentials{}, err
	}
	for _, id := range ids {
		if id.Role == RoleAdmin && !id.Disabled {
			return Credentials{}, ErrInitialized
		}
	}
	return a.CreateIdentity(ctx, NewIdentity{Name: name, Role: RoleAdmin, Password: password}, by)
}

// ResetCredentials gives an identity a new generated password, a new TOTP secret and new recovery
// codes (TOTP unless the identity had none and its role does not need it), lifts its lockout and
// ends its sessions.
func (a *Accounts) ResetCredentials(ctx context.Context, name string) (Credentials, error) {
	unlock := a.lock(name)
	defer unlock()
	id, err := a.getIdentity(ctx, name)
	if err != nil {
		return Credentials{}, err
	}
	creds := Credentials{Name: id.Name, Role: id.Role, Password: generatePassword()}
	if err := a.enroll(id, creds.Password, id.TOTPSealed != "" || id.Role.NeedsMFA(), &creds); err != nil {
		return Credentials{}, err
	}
	if err := a.putIdentity(ctx, id); err != nil {
		return Credentials{}, err
	}
	if err := a.clearLoginState(ctx, name); err != nil {
		return Credentials{}, err
	}
	return creds, a.endSessions(ctx, name)
}

// IdentityUpdate changes an identity; nil fields stay as they are.
type IdentityUpdate struct {
	Role     *Role `json:"role,omitempty"`
	Disabled *bool `json:"disabled,omitempty"`
	// Unlock lifts a lockout and clears the failure count.
	Unlock bool `json:"unlock,omitempty"`
}

// UpdateIdentity applies u. A role that needs MFA cannot be given to an identity without TOTP
// (reset its credentials first), and the last enabled admin cannot be demoted or disabled.
func (a *Accounts) UpdateIdentity(ctx context.Context, name string, u IdentityUpdate) (Identity, error) {
	unlock := a.lock(name)
	defer unlock()
	id, err := a.getIdentity(ctx, name)
	if err != nil {
		return Identity{}, err
	}
	if u.Role != nil {
		if !u.Role.Valid() {
			return Identity{}, fmt.Errorf("%w: unknown role", ErrInvalid)
		}
		if u.Role.NeedsMFA() && id.TOTPSealed == "" {
			return Identity{}, fmt.Errorf("%w: role %s requires MFA; reset the identity's credentials first", ErrInvalid, *u.Role)
		}
	}
	demoted := id.Role == RoleAdmin && (u.Role != nil && *u.Role != RoleAdmin || u.Disabled != nil && *u.Disabled)
	if demoted {
		if err := a.keepOneAdmin(ctx, name); err != nil {
			return Identity{}, err
		}
	}
	if u.Role != nil {
		id.Role = *u.Role
	}
	if u.Disabled != nil {
		id.Disabled = *u.Disabled
	}
	if err := a.putIdentity(ctx, id); err != nil {
		return Identity{}, err
	}
	if u.Unlock {
		if err := a.clearLoginState(ctx, name); err != nil {
			return Identity{}, err
		}
	}
	if id.Disabled || u.Role != nil {
		if err := a.endSessions(ctx, name); err != nil {
			return Identity{}, err
		}
	}
	pub := id.public()
	pub.LockedUntil = a.lockedUntil(ctx, name)
	return pub, nil
}

// DeleteIdentity removes an identity and ends its sessions.
func (a *Accounts) DeleteIdentity(ctx context.Context, name string) error {
	unlock := a.lock(name)
	defer unlock()
	id, err := a.getIdentity(ctx, name)
	if err != nil {
		return err
	}
	if id.Role == RoleAdmin && !id.Disabled {
		if err := a.keepOneAdmin(ctx, name); err != nil {
			return err
		}
	}
	if err := a.d.Store.Delete(ctx, adminSubject, kindIdentity, name); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting identity: %w", err)
	}
	return a.endSessions(ctx, name)
}

// keepOneAdmin fails unless an enabled admin identity other than name exists.
func (a *Accounts) keepOneAdmin(ctx context.Context, name string) error {
	ids, err := a.listIdentities(ctx)
	if err != nil {
		return err
	}
	for _, o := range ids {
		if o.Name != name && o.Role == RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return ErrLastAdmin
}
