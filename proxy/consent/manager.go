package consent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/store"
)

// Record kinds in the store.
const (
	KindState = "consent"     // one record per subject: the current choices
	KindLog   = "consent.log" // one record per change: the evidence, in time order
)

// Channel says how a choice was made.
type Channel string

// Channels.
const (
	ChannelBanner Channel = "banner"  // the consent banner on the widget's page
	ChannelChat   Channel = "in-chat" // the notice in the chat; continuing the conversation
	ChannelAPI    Channel = "api"     // the /.veil/consent endpoints
)

// Store is the part of store.Store the consent records need.
type Store interface {
	Put(ctx context.Context, r store.Record) error
	Get(ctx context.Context, subject, kind, key string) (store.Record, error)
	List(ctx context.Context, subject, kind string) ([]store.Record, error)
}

// Auditor records consent events.
type Auditor interface {
	Record(ctx context.Context, ev audit.Event) error
}

// ErrUnknownPurpose is a choice about a purpose the configuration does not offer.
var ErrUnknownPurpose = errors.New("consent: unknown purpose")

// Choice is the subject's current decision about one purpose, with its evidence.
type Choice struct {
	Granted       bool      `json:"granted"`
	Time          time.Time `json:"time"`
	NoticeVersion string    `json:"notice_version"`
	Channel       Channel   `json:"channel"`
}

// State is everything the subject has decided.
type State struct {
	Purposes      map[string]Choice `json:"purposes"`
	Objections    []string          `json:"objections"`
	NoticeShown   bool              `json:"notice_shown"`
	NoticeVersion string            `json:"notice_version,omitempty"` // of the notice last shown
}

// Change is one entry of the evidence log.
type Change struct {
	Time          time.Time `json:"time"`
	Action        string    `json:"action"` // granted, withdrawn, objected, notice_shown
	Purpose       string    `json:"purpose,omitempty"`
	NoticeVersion string    `json:"notice_version"`
	Channel       Channel   `json:"channel"`
}

// Manager keeps consent records and answers the policy's questions about them.
type Manager struct {
	cfg     Config
	version string
	st      Store
	aud     Auditor
	now     func() time.Time
	decoded stateCache
}

// New returns a Manager over st; cfg must have been validated.
func New(cfg Config, st Store, aud Auditor) *Manager {
	return &Manager{cfg: cfg, version: cfg.Version(), st: st, aud: aud, now: time.Now}
}

// Config returns the configuration the manager serves.
func (m *Manager) Config() *Config { return &m.cfg }

// NoticeVersion is the hash of the notice texts and purposes currently offered.
func (m *Manager) NoticeVersion() string { return m.version }

// State returns a subject's choices (the zero State for a subject never seen).
func (m *Manager) State(ctx context.Context, subject string) (State, error) {
	rec, err := m.st.Get(ctx, subject, KindState, "state")
	if errors.Is(err, store.ErrNotFound) {
		return State{Purposes: map[string]Choice{}}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("reading consent: %w", err)
	}
	if s, ok := m.decoded.get(rec.Value); ok {
		return s, nil
	}
	var s State
	if err := json.Unmarshal(rec.Value, &s); err != nil {
		return State{}, fmt.Errorf("decoding consent record: %w", err)
	}
	if s.Purposes == nil {
		s.Purposes = map[string]Choice{}
	}
	m.decoded.put(rec.Value, s)
	return s, nil
}

// Consent is the policy input's view of a subject: implements proxy.ConsentSource.
func (m *Manager) Consent(ctx context.Context, subject string) (policy.Subject, error) {
	s, err := m.State(ctx, subject)
	if err != nil {
		return policy.Subject{}, err
	}
	return m.policySubject(subject, s), nil
}

// policySubject is a subject's state as the policy input describes it.
func (m *Manager) policySubject(subject string, s State) policy.Subject {
	out := policy.Subject{ID: subject, Consent: make(map[string]bool, len(m.cfg.Purposes)),
		Objections: s.Objections, NoticeShown: s.NoticeShown}
	for _, p := range m.cfg.Purposes {
		out.Consent[p.Name] = s.Purposes[p.Name].Granted
	}
	return out
}

// Set records the subject's choices for the given purposes. Each change is audited before it is
// stored, and logged as evidence with the notice version and channel.
func (m *Manager) Set(ctx context.Context, subject string, choices map[string]bool, ch Channel) (State, error) {
	for name := range choices {
		if _, ok := m.cfg.purpose(name); !ok {
			return State{}, ErrUnknownPurpose
		}
	}
	s, err := m.State(ctx, subject)
	if err != nil {
		return State{}, err
	}
	now := m.now().UTC()
	names := make([]string, 0, len(choices))
	for n := range choices {
		names = append(names, n)
	}
	slices.Sort(names)
	var changes []Change
	for _, name := range names {
		granted := choices[name]
		if cur, ok := s.Purposes[name]; ok && cur.Granted == granted {
			continue
		}
		s.Purposes[name] = Choice{Granted: granted, Time: now, NoticeVersion: m.version, Channel: ch}
		action, typ := "granted", audit.ConsentGranted
		if !granted {
			action, typ = "withdrawn", audit.ConsentWithdrawn
		}
		if err := m.audit(ctx, typ, subject, name); err != nil {
			return State{}, err
		}
		changes = append(changes, Change{Time: now, Action: action, Purpose: name, NoticeVersion: m.version, Channel: ch})
	}
	return s, m.save(ctx, subject, s, changes)
}

// Object records an objection to a purpose (GDPR art. 21). It takes effect on the next message.
func (m *Manager) Object(ctx context.Context, subject, purpose string, ch Channel) (State, error) {
	if _, ok := m.cfg.purpose(purpose); !ok {
		return State{}, ErrUnknownPurpose
	}
	s, err := m.State(ctx, subject)
	if err != nil {
		return State{}, err
	}
	if slices.Contains(s.Objections, purpose) {
		return s, nil
	}
	if err := m.audit(ctx, audit.ObjectionRecorded, subject, purpose); err != nil {
		return State{}, err
	}
	s.Objections = append(s.Objections, purpose)
	slices.Sort(s.Objections)
	return s, m.save(ctx, subject, s, []Change{{Time: m.now().UTC(), Action: "objected", Purpose: purpose, NoticeVersion: m.version, Channel: ch}})
}

// MarkNoticeShown records that the subject was shown the current notice.
func (m *Manager) MarkNoticeShown(ctx context.Context, subject string, ch Channel) error {
	s, err := m.State(ctx, subject)
	if err != nil {
		return err
	}
	if s.NoticeShown && s.NoticeVersion == m.version {
		return nil
	}
	if err := m.audit(ctx, audit.ConsentShown, subject, ""); err != nil {
		return err
	}
	s.NoticeShown, s.NoticeVersion = true, m.version
	return m.save(ctx, subject, s, []Change{{Time: m.now().UTC(), Action: "notice_shown", NoticeVersion: m.version, Channel: ch}})
}

// History returns the subject's evidence log, oldest first.
func (m *Manager) History(ctx context.Context, subject string) ([]Change, error) {
	recs, err := m.st.List(ctx, subject, KindLog)
	if err != nil {
		return nil, fmt.Errorf("reading consent log: %w", err)
	}
	out := make([]Change, 0, len(recs))
	for _, r := range recs {
		var c Change
		if err := json.Unmarshal(r.Value, &c); err != nil {
			return nil, fmt.Errorf("decoding consent log: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

func (m *Manager) save(ctx context.Context, subject string, s State, changes []Change) error {
	exp := m.now().Add(time.Duration(m.cfg.RecordTTLDays) * 24 * time.Hour)
	for _, c := range changes {
		b, _ := json.Marshal(c)
		// Keys sort in time order: nanoseconds, zero-padded.
		key := fmt.Sprintf("%020d", c.Time.UnixNano())
		if err := m.st.Put(ctx, store.Record{Subject: subject, Kind: KindLog, Key: key, Value: b, ExpiresAt: exp}); err != nil {
			return fmt.Errorf("storing consent evidence: %w", err)
		}
	}
	b, _ := json.Marshal(s)
	if err := m.st.Put(ctx, store.Record{Subject: subject, Kind: KindState, Key: "state", Value: b, ExpiresAt: exp}); err != nil {
		return fmt.Errorf("storing consent: %w", err)
	}
	return nil
}

func (m *Manager) audit(ctx context.Context, typ audit.Type, subject, purpose string) error {
	if m.aud == nil {
		return nil
	}
	ev := audit.Event{Type: typ, Subject: subject, Outcome: "ok"}
	if purpose != "" {
		ev.Actions = map[string]int{"purpose." + purpose: 1}
	}
	if err := m.aud.Record(ctx, ev); err != nil {
		return fmt.Errorf("recording consent event: %w", err)
	}
	return nil
}

// ReadsAhead names the records a chat turn of subject reads (its consent state), so that a store
// over a network can read them with a request's other reads in one round trip.
func (m *Manager) ReadsAhead(subject string) []store.KindKey {
	return []store.KindKey{{Kind: KindState, Key: "state"}}
}
