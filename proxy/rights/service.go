package rights

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/proxy/consent"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// Store is the part of store.Store the rights service and the sweeper use.
type Store interface {
	Put(ctx context.Context, r store.Record) error
	PutIfAbsent(ctx context.Context, r store.Record) (bool, error)
	Get(ctx context.Context, subject, kind, key string) (store.Record, error)
	List(ctx context.Context, subject, kind string) ([]store.Record, error)
	Delete(ctx context.Context, subject, kind, key string) error
	DeleteSubject(ctx context.Context, subject string) (int, error)
	Walk(ctx context.Context, kind string, fn func(store.Record) error) error
}

// Vault is the part of the vault that answers rights requests.
type Vault interface {
	ExportSubject(ctx context.Context, subject string) ([]vault.Exported, error)
	EraseSubject(ctx context.Context, subject string) (vault.Receipt, error)
	Rectify(ctx context.Context, subject string, t redact.Type, oldValue, newValue string) error
	Seal(ctx context.Context, subject, key string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, subject, key string, sealed []byte) ([]byte, error)
}

// Consent reads a subject's consent records.
type Consent interface {
	State(ctx context.Context, subject string) (consent.State, error)
	History(ctx context.Context, subject string) ([]consent.Change, error)
}

// Auditor records rights events.
type Auditor interface {
	Record(ctx context.Context, ev audit.Event) error
}

// Deps are the components the service works with. Store and Vault are required.
type Deps struct {
	Store   Store
	Vault   Vault
	Consent Consent // nil: no consent records to export
	Auditor Auditor // nil: nothing audited (tests only)
	// Logger receives failures (never a value); the caller names the component.
	Logger zerolog.Logger
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Service answers data-subject requests: the /.veil/me endpoints (Handler), requests typed in the
// chat (Intercept), and the same operations for an administrator acting on a subject's behalf
// (the admin API), with the register of requests across subjects (Register, Backlog, Complete).
type Service struct {
	cfg  Config
	st   Store
	v    Vault
	cons Consent
	aud  Auditor
	log  zerolog.Logger
	now  func() time.Time
	sw   *Sweeper
}

// New returns a service; cfg must have been validated.
func New(cfg Config, d Deps) (*Service, error) {
	if d.Store == nil || d.Vault == nil {
		return nil, errors.New("rights: store and vault are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{cfg: cfg, st: d.Store, v: d.Vault, cons: d.Consent, aud: d.Auditor,
		log: d.Logger, now: d.Now,
		sw: NewSweeper(cfg, d.Store, d.Auditor, d.Logger, d.Now)}, nil
}

// Sweeper is the retention sweeper over the service's store: Start it once the trail is open,
// Stop it before the trail closes.
func (s *Service) Sweeper() *Sweeper { return s.sw }

// Config returns the configuration the service runs with.
func (s *Service) Config() *Config { return &s.cfg }

// Channel says how a request reached Veil.
type Channel string

// Channels.
const (
	ChannelAPI   Channel = "api"     // the /.veil/me endpoints
	ChannelChat  Channel = "in-chat" // typed in the chat
	ChannelAdmin Channel = "admin"   // an administrator on the subject's behalf
	// A request received outside Veil and entered in the register by an administrator (Register).
	ChannelLetter Channel = "letter"
	ChannelEmail  Channel = "email"
)

// ParseChannel reads the channel of a registered request: "letter" (the default) or "email".
func ParseChannel(s string) (Channel, error) {
	switch Channel(s) {
	case "", ChannelLetter:
		return ChannelLetter, nil
	case ChannelEmail:
		return ChannelEmail, nil
	}
	return "", errBadInput
}

// Requester says who asked: the subject itself, or an administrator on its behalf (Actor, Role
// and Reason are then required by the audit trail's conventions).
type Requester struct {
	// RequestID is Veil's request id (X-Request-Id); it also names the request in the register.
	RequestID string
	Channel   Channel
	Route     string // the chat route of an in-chat request; "veil" otherwise
	Actor     string // admin account; "subject" when empty
	Role      string // admin role
	Reason    string // ticket reference
}

// record writes a rights audit event: counts by record kind and the channel, never a value.
func (s *Service) record(ctx context.Context, typ audit.Type, subject string, by Requester, counts map[string]int, outcome string) error {
	if s.aud == nil {
		return nil
	}
	actions := make(map[string]int, len(counts)+1)
	for k, n := range counts {
		actions[k] = n
	}
	actions["channel."+string(by.Channel)] = 1
	actor := by.Actor
	if actor == "" {
		actor = "subject"
	}
	route := by.Route
	if route == "" {
		route = "veil"
	}
	return s.aud.Record(ctx, audit.Event{Type: typ, RequestID: by.RequestID, Subject: subject, Route: route,
		Actions: actions, Outcome: outcome, Actor: actor, Role: by.Role, Reason: by.Reason})
}

// interface guards
var (
	_ proxy.Interceptor = (*Service)(nil)
	_ Store             = store.Store(nil)
	_ Vault             = (*vault.Vault)(nil)
	_ Consent           = (*consent.Manager)(nil)
	_ Auditor           = (*audit.Auditor)(nil)
)
