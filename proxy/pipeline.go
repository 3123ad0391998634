package proxy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy/stream"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
	"github.com/veil-privacy/veil/store"
)

// Detector finds personal data in text (redact.Scanner).
type Detector interface {
	ScanWith(text string, opts redact.ScanOptions, dst []redact.Finding) []redact.Finding
	MaxLen() int
}

// Decider decides what happens to a message's personal data (policy.Engine). On failure it
// returns an error; the pipeline then refuses the message.
type Decider interface {
	Decide(ctx context.Context, in policy.Input) (policy.Decision, error)
}

// Vault stores reversible tokens and turns a subject's tokens back into values (vault.Vault).
type Vault interface {
	// TokenizeAll returns the subject's tokens for items, in order.
	TokenizeAll(ctx context.Context, subject string, items []vault.Item, ttl time.Duration) ([]string, error)
	Restorer(ctx context.Context, subject string) (*vault.Restorer, error)
}

// Auditor records what was done, durably, before the message goes on (audit.Auditor).
type Auditor interface {
	Record(ctx context.Context, ev audit.Event) error
}

// ConsentSource says what a subject has agreed to and objected to, for the policy input, and runs
// the in-chat consent flow (consent.Manager).
type ConsentSource interface {
	Consent(ctx context.Context, subject string) (policy.Subject, error)
	// ChatTurn is called for every chat message before the policy decides; it reports whether the
	// reply must carry the consent notice (and records implicit consent where that applies), and
	// returns the subject's consent as of after that, for the policy input.
	ChatTurn(ctx context.Context, subject, purpose string) (showNotice bool, sub policy.Subject, err error)
	// ChatNotice is the notice as one chat message, in the best language for Accept-Language.
	ChatNotice(acceptLanguage string) string
	// NoticeShown records that the notice went out to the subject.
	NoticeShown(ctx context.Context, subject string) error
}

// PipelineDeps are the privacy components the pipeline enforces with. All but Consent are required.
type PipelineDeps struct {
	Detector Detector
	Decider  Decider
	Vault    Vault
	Auditor  Auditor
	// Consent supplies consent and objections; nil means nobody has consented to anything.
	Consent ConsentSource
	// Page is injected into the HTML pages of page routes (the consent banner); nil: none.
	Page PageInjector
	// Interceptor answers data-subject requests typed in the chat; nil: none.
	Interceptor Interceptor
	// Transcripts keeps conversations when the policy decision says transcript: true; nil: never.
	Transcripts TranscriptWriter
	// ReadAhead, the store over a network that Consent, Interceptor and Vault share (Redis),
	// reads the records a chat message's steps need in one round trip before they run; nil: each
	// step reads its own.
	ReadAhead store.ReadAheader
	// HashKey keys the "hash" action's HMAC. Required, secret, the same on every replica.
	HashKey []byte
	// MinConfidence drops findings below it before policy sees them.
	MinConfidence float64
	// Metrics time the pipeline's stages; nil: not measured.
	Metrics *PipelineMetrics
	Logger  zerolog.Logger
}

// Pipeline is the Hooks implementation that enforces privacy on every message: extract text,
// detect personal data, ask the policy once, apply its actions (tokens go to the vault), write the
// audit event, and only then let the message go on. Replies get the subject's own tokens back and
// are filtered too. Any failure of policy, vault or audit refuses the message (fail closed).
type Pipeline struct {
	PipelineDeps
	upstream policy.Upstream
	maxBody  int64
	// paths and streamPaths hold each route's compiled Fields and StreamFields, by *Route.
	paths, streamPaths sync.Map
}

// NewPipeline returns a Pipeline for the proxy configuration cfg (validated).
func NewPipeline(cfg Config, deps PipelineDeps) (*Pipeline, error) {
	switch {
	case deps.Detector == nil, deps.Decider == nil, deps.Vault == nil, deps.Auditor == nil:
		return nil, errors.New("pipeline: detector, decider, vault and auditor are required")
	case len(deps.HashKey) < 16:
		return nil, errors.New("pipeline: hash key of at least 16 bytes required")
	}
	return &Pipeline{
		PipelineDeps: deps,
		upstream: policy.Upstream{Name: cfg.Upstream.Name, Region: cfg.Upstream.Region,
			TransferMechanism: cfg.Upstream.TransferMechanism},
		maxBody: int64(cfg.Limits.MaxDecodedBytes),
	}, nil
}

// pathsFor returns the compiled field selector of a route (nil: every string).
func (p *Pipeline) pathsFor(r *Route) *stream.Paths { return compiledPaths(&p.paths, r, r.Fields) }

// streamPathsFor returns the compiled stream fields of a route (nil: none).
func (p *Pipeline) streamPathsFor(r *Route) *stream.Paths {
	return compiledPaths(&p.streamPaths, r, r.StreamFields)
}

// compiledPaths returns fields, a field list of route r, compiled once per route in cache; nil for
// an empty list.
func compiledPaths(cache *sync.Map, r *Route, fields []string) *stream.Paths {
	if len(fields) == 0 {
		return nil
	}
	if v, ok := cache.Load(r); ok {
		return v.(*stream.Paths)
	}
	ps := stream.NewPaths(fields)
	cache.Store(r, ps)
	return ps
}

// field is one piece of text found in a message, with where it came from.
type field struct {
	source   fieldSource
	path     string // JSON path, form key or query key ("" for a whole text body)
	value    string // decoded text
	span     stream.Span
	findings []redact.Finding // offsets into value
}

type fieldSource uint8

const (
	fromBody fieldSource = iota
	fromQuery
	fromHeader // path is the header name, span.Start the index of the value
)

// message is the work of the pipeline on one message.
type message struct {
	ex        *Exchange
	direction policy.Direction
	fields    []field
	decision  policy.Decision
	findings  map[string]int // counts by type, for audit
	actions   map[string]int // counts by action, for audit
	// subject is the consent state read by the chat turn (nil: read it for the policy input).
	subject *policy.Subject
	// newValues and replaced are, per field index, the rewritten text and where each finding's
	// replacement sits in it (for transcripts).
	newValues map[int]string
	replaced  map[int][]redact.Finding
}

// turnFunc is a chat turn whose consent read has already started (TurnPreparer).
type turnFunc func(ctx context.Context, purpose string) (showNotice bool, sub policy.Subject, err error)

// TurnPreparer is a ConsentSource that can start reading a subject's consent before the chat turn
// (consent.Manager): the pipeline overlaps that read with the data-subject request check, which
// reads the store too.
type TurnPreparer interface {
	PrepareTurn(ctx context.Context, subject string) func(ctx context.Context, purpose string) (bool, policy.Subject, error)
}

// prepareTurn starts the consent read of m's chat turn when there is other work to overlap it with
// (an interceptor) and the consent source can, over a network; nil otherwise, and chatTurn reads
// then. With ReadAhead the record is already here (readAhead), so nothing needs overlapping.
func (p *Pipeline) prepareTurn(ctx context.Context, m *message) turnFunc {
	tp, ok := p.Consent.(TurnPreparer)
	if !ok || p.Interceptor == nil || m.ex.Subject == "" || len(m.fields) == 0 || store.InProcess(p.Consent) || p.ReadAhead != nil {
		return nil
	}
	return tp.PrepareTurn(ctx, m.ex.Subject)
}

// chatTurn runs the in-chat consent flow for a message from the client and returns the notice to
// add to the reply ("" for none), in the client's language. The subject's consent it read is kept
// for the policy input. turn, if not nil, is the turn prepareTurn started.
func (p *Pipeline) chatTurn(ctx context.Context, m *message, turn turnFunc) (string, error) {
	ex := m.ex
	if p.Consent == nil || ex.Subject == "" {
		return "", nil
	}
	defer p.timeStage(m.direction, stageConsent).done()
	if turn == nil {
		turn = func(ctx context.Context, purpose string) (bool, policy.Subject, error) {
			return p.Consent.ChatTurn(ctx, ex.Subject, purpose)
		}
	}
	show, sub, err := turn(ctx, ex.Route.Purpose)
	if err != nil {
		return "", fmt.Errorf("consent: %w: %w", ErrPrivacyUnavailable, err)
	}
	m.subject = &sub
	if !show {
		return "", nil
	}
	return p.Consent.ChatNotice(ex.Language), nil
}

// noticeShown records that ex's reply carried the notice. The reply is already on its way, so a
// failure is logged, not returned: the subject will see the notice again next time.
func (p *Pipeline) noticeShown(ctx context.Context, ex *Exchange) {
	if err := p.Consent.NoticeShown(ctx, ex.Subject); err != nil {
		p.Logger.Warn().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).AnErr("error", err).Msg("recording that the consent notice was shown failed")
	}
}

// intercept lets Veil answer the message itself (a data-subject request typed in the chat).
func (p *Pipeline) intercept(ctx context.Context, m *message) error {
	if p.Interceptor == nil || len(m.fields) == 0 {
		return nil
	}
	defer p.timeStage(m.direction, stageRights).done()
	texts := make([]TextField, 0, len(m.fields))
	for _, f := range m.fields {
		if f.source == fromBody {
			texts = append(texts, TextField{Path: f.path, Value: f.value})
		}
	}
	reply, handled, err := p.Interceptor.Intercept(ctx, m.ex, texts)
	if err != nil {
		return fmt.Errorf("data-subject request: %w: %w", ErrPrivacyUnavailable, err)
	}
	if handled {
		return &VeilReply{Text: reply}
	}
	return nil
}

// scan runs the detector on every field.
func (p *Pipeline) scan(m *message) {
	defer p.timeStage(m.direction, stageDetect).done()
	opts := redact.ScanOptions{MinConfidence: p.MinConfidence}
	for i := range m.fields {
		f := &m.fields[i]
		f.findings = p.Detector.ScanWith(f.value, opts, f.findings[:0])
		for _, fd := range f.findings {
			if m.findings == nil {
				m.findings = map[string]int{}
			}
			m.findings[fd.Type.String()]++
		}
	}
}

// input builds the policy input: findings aggregated by type, subtype and field; never values.
func (p *Pipeline) input(ctx context.Context, m *message, req policy.Request) (policy.Input, error) {
	r := m.ex.Route
	in := policy.Input{
		Direction: m.direction,
		Route:     policy.Route{Name: r.Name, Kind: string(r.Kind), Purpose: r.Purpose, AllowedTypes: r.AllowedTypes},
		Subject:   policy.Subject{ID: m.ex.Subject},
		Request:   req,
		Upstream:  p.upstream,
	}
	if m.subject != nil {
		in.Subject = *m.subject
		in.Subject.ID = m.ex.Subject
	} else if p.Consent != nil && m.ex.Subject != "" {
		t := p.timeStage(m.direction, stageConsent)
		s, err := p.Consent.Consent(ctx, m.ex.Subject)
		t.done()
		if err != nil {
			return in, fmt.Errorf("reading consent: %w: %w", ErrPrivacyUnavailable, err)
		}
		s.ID = m.ex.Subject
		in.Subject = s
	}
	type key struct{ typ, sub, field string }
	idx := map[key]int{}
	for i := range m.fields {
		f := &m.fields[i]
		fieldName := f.path
		switch f.source {
		case fromQuery:
			fieldName = "query." + f.path
		case fromHeader:
			fieldName = "header." + f.path
		}
		for _, fd := range f.findings {
			k := key{fd.Type.String(), fd.Subtype, fieldName}
			if j, ok := idx[k]; ok {
				in.Findings[j].Count++
				in.Findings[j].Confidence = max(in.Findings[j].Confidence, fd.Confidence)
				continue
			}
			idx[k] = len(in.Findings)
			in.Findings = append(in.Findings, policy.Finding{Type: k.typ, Subtype: k.sub, Field: k.field, Confidence: fd.Confidence, Count: 1})
		}
	}
	return in, nil
}

// decide asks the policy and turns its refusals into errors.
func (p *Pipeline) decide(ctx context.Context, m *message, in policy.Input) error {
	t := p.timeStage(m.direction, stagePolicy)
	d, err := p.Decider.Decide(ctx, in)
	t.done()
	if err != nil {
		return fmt.Errorf("policy decision: %w: %w", ErrPrivacyUnavailable, err)
	}
	m.decision = d
	if !d.Allow {
		return &BlockedError{Message: d.Message, Reasons: d.Reasons}
	}
	for i := range m.fields {
		for _, fd := range m.fields[i].findings {
			if d.ActionFor(fd.Type.String()) == policy.ActionBlock {
				msg := d.Message
				if msg == "" {
					msg = "This message was not sent because it contains personal data that must not be shared here."
				}
				return &BlockedError{Message: msg, Reasons: d.Reasons}
			}
		}
	}
	return nil
}

// edits are a message's rewrites, by where the text came from.
type edits struct {
	body, query []stream.Edit
	headers     []field // path = header name, span.Start = value index, value = new value
}

// apply rewrites each field's findings according to the decision and returns the edits.
func (p *Pipeline) apply(ctx context.Context, m *message) (edits, error) {
	var out edits
	tokens, err := p.tokenizeAll(ctx, m)
	if err != nil {
		return edits{}, err
	}
	for i := range m.fields {
		f := &m.fields[i]
		if len(f.findings) == 0 {
			continue
		}
		var b strings.Builder
		b.Grow(len(f.value))
		var spans []redact.Finding
		prev := 0
		for _, fd := range f.findings { // sorted, non-overlapping (Scanner's contract)
			b.WriteString(f.value[prev:fd.Start])
			s := p.replacement(m, fd, f.value[fd.Start:fd.End], tokens)
			spans = append(spans, redact.Finding{Type: fd.Type, Start: b.Len(), End: b.Len() + len(s)})
			b.WriteString(s)
			prev = fd.End
		}
		b.WriteString(f.value[prev:])
		nv := b.String()
		if m.newValues == nil {
			m.newValues, m.replaced = map[int]string{}, map[int][]redact.Finding{}
		}
		m.newValues[i], m.replaced[i] = nv, spans
		if nv == f.value {
			continue
		}
		switch f.source {
		case fromQuery:
			out.query = append(out.query, stream.Edit{Span: f.span, Value: nv})
		case fromHeader:
			out.headers = append(out.headers, field{path: f.path, span: f.span, value: nv})
		default:
			out.body = append(out.body, stream.Edit{Span: f.span, Value: nv})
		}
	}
	return out, nil
}

// replacement returns what a finding's value becomes under the decision; tokens are the
// message's tokens from tokenizeAll.
func (p *Pipeline) replacement(m *message, fd redact.Finding, value string, tokens map[tokenKey]string) string {
	act, out := p.act(m, fd, value)
	if act != policy.ActionTokenize {
		return out
	}
	if tok, ok := tokens[tokenKey{fd.Type, value}]; ok {
		return tok
	}
	return redact.Placeholder(fd) // nobody to give the value back to
}

// act counts the decision's action for a finding and applies it when it needs no vault: allow,
// mask, hash, and redact (also for anything unexpected). For tokenize it returns "" and the
// caller decides.
func (p *Pipeline) act(m *message, fd redact.Finding, value string) (policy.Action, string) {
	a := m.decision.ActionFor(fd.Type.String())
	if m.actions == nil {
		m.actions = map[string]int{}
	}
	m.actions[string(a)]++
	switch a {
	case policy.ActionAllow:
		return a, value
	case policy.ActionMask:
		return a, maskValue(fd.Type, value)
	case policy.ActionHash:
		return a, hashValue(p.HashKey, fd.Type, value)
	case policy.ActionTokenize:
		return a, ""
	}
	return a, redact.Placeholder(fd)
}

// record writes the message's audit event; a failure refuses the message.
func (p *Pipeline) record(ctx context.Context, m *message, typ audit.Type, outcome string) error {
	ev := audit.Event{
		Type: typ, RequestID: m.ex.ID, Subject: m.ex.Subject, Route: m.ex.Route.Name,
		PolicyRevision: m.decision.Revision, Findings: m.findings, Actions: m.actions, Outcome: outcome,
	}
	defer p.timeStage(m.direction, stageAudit).done()
	if err := p.Auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("recording audit event: %w: %w", ErrPrivacyUnavailable, err)
	}
	return nil
}

var _ Hooks = (*Pipeline)(nil)
