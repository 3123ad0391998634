package admin

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

// Store is the part of store.Store the admin API keeps identities, tokens and sessions in.
type Store interface {
	Put(ctx context.Context, r store.Record) error
	PutIfAbsent(ctx context.Context, r store.Record) (bool, error)
	Get(ctx context.Context, subject, kind, key string) (store.Record, error)
	List(ctx context.Context, subject, kind string) ([]store.Record, error)
	Delete(ctx context.Context, subject, kind, key string) error
}

// Auditor records admin events and pseudonymizes subject ids for audit queries (*audit.Auditor).
type Auditor interface {
	Record(ctx context.Context, ev audit.Event) error
	Pseudonym(subject string) string
}

// Deps are what the admin API needs from the rest of Veil. Functions left nil make their endpoint
// answer 501.
type Deps struct {
	// Store keeps identities, tokens and sessions under the reserved subject "_admin".
	Store Store
	// SecretKey (32 bytes) encrypts TOTP secrets at rest. Derive it from a key Veil already keeps;
	// losing or changing it means re-enrolling every identity's TOTP.
	SecretKey []byte
	// Auditor records every login and access.
	Auditor Auditor
	// AuditReader and AuditStream are where GET /admin/v1/audit reads the trail.
	AuditReader audit.Reader
	AuditStream string
	// Reload reloads the configuration (and policy) of the running Veil.
	Reload func(ctx context.Context) error
	// PolicyStatus returns the policy engine's status (revision, last reload, errors).
	PolicyStatus func() any
	// Rights carries out data-subject requests for the /admin/v1/subjects and /admin/v1/requests
	// endpoints (*rights.Service).
	Rights Rights
	// RotateKeys rotates the vault master key and returns a summary safe to show (ids, counts,
	// paths; never key material).
	RotateKeys func(ctx context.Context) (any, error)
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Logger logs failures, never credentials.
	Logger zerolog.Logger
}

// Rights is the part of the data-subject rights service the admin API acts through, for requests
// that reached the controller by letter or e-mail.
type Rights interface {
	Export(ctx context.Context, subject string, by rights.Requester) (*rights.Export, error)
	Erase(ctx context.Context, subject string, mode rights.Mode, by rights.Requester) (rights.Receipt, error)
	Rectify(ctx context.Context, subject string, t redact.Type, oldValue, newValue string, by rights.Requester) error
	Register(ctx context.Context, subject string, kind rights.RequestKind, received time.Time, by rights.Requester) (*rights.Request, error)
	Complete(ctx context.Context, subject, id string) (*rights.Request, error)
	Backlog(ctx context.Context, f rights.BacklogFilter) (rights.Backlog, error)
}

func (d *Deps) check() error {
	var errs []error
	if d.Store == nil {
		errs = append(errs, errors.New("admin: Deps.Store is nil"))
	}
	if d.Auditor == nil {
		errs = append(errs, errors.New("admin: Deps.Auditor is nil"))
	}
	if len(d.SecretKey) != 32 {
		errs = append(errs, errors.New("admin: Deps.SecretKey must be 32 bytes"))
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.AuditStream == "" {
		d.AuditStream = audit.DefaultStream
	}
	return errors.Join(errs...)
}

var _ Rights = (*rights.Service)(nil)
