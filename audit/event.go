package audit

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Type says what happened. The trail only ever holds the types declared here.
type Type string

// Event types. Admin events (admin.*, token.revealed, subject.*) carry Actor, Role and Reason.
const (
	MessageForwarded  Type = "message.forwarded"  // a chat message went upstream after the policy's actions
	MessageBlocked    Type = "message.blocked"    // the policy refused a message
	MessageFailed     Type = "message.failed"     // a message could not be processed or forwarded
	ResponseFiltered  Type = "response.filtered"  // the bot's reply was scanned and changed
	TokenCreated      Type = "token.created"      // values were tokenized into the vault
	TokenRevealed     Type = "token.revealed"     // tokens were turned back into values
	ConsentShown      Type = "consent.shown"      // the consent notice was displayed
	ConsentGranted    Type = "consent.granted"    // the subject gave consent
	ConsentWithdrawn  Type = "consent.withdrawn"  // the subject withdrew consent
	ObjectionRecorded Type = "objection.recorded" // the subject objected to a processing purpose
	SubjectExported   Type = "subject.exported"   // a subject's data was exported (access request)
	SubjectErased     Type = "subject.erased"     // a subject's data was erased
	SubjectRectified  Type = "subject.rectified"  // a subject's data was corrected
	RetentionExpired  Type = "retention.expired"  // data reached the end of its retention and was deleted
	PolicyLoaded      Type = "policy.loaded"      // a policy revision became active
	PolicyRejected    Type = "policy.rejected"    // a policy revision failed to compile or test
	AdminLogin        Type = "admin.login"        // an administrator signed in (or failed to)
	AdminAccess       Type = "admin.access"       // an administrator looked at or changed something
	ConfigReloaded    Type = "config.reloaded"    // the configuration was reloaded
	// Checkpoint is written by the trail itself: a signature over the chain head. Record refuses it.
	Checkpoint Type = "audit.checkpoint"
)

// knownTypes are the types callers may record.
var knownTypes = map[Type]bool{
	MessageForwarded: true, MessageBlocked: true, MessageFailed: true, ResponseFiltered: true,
	TokenCreated: true, TokenRevealed: true, ConsentShown: true, ConsentGranted: true,
	ConsentWithdrawn: true, ObjectionRecorded: true, SubjectExported: true, SubjectErased: true,
	SubjectRectified: true, RetentionExpired: true, PolicyLoaded: true, PolicyRejected: true,
	AdminLogin: true, AdminAccess: true, ConfigReloaded: true,
}

// Types lists every type a caller may record, sorted.
func Types() []Type {
	out := make([]Type, 0, len(knownTypes))
	for t := range knownTypes {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Event is one entry of the trail. A caller sets the fields above the line; Record fills the rest.
//
// No field may hold a personal value. Subject is pseudonymized by Record; the other strings are
// identifiers restricted to a small alphabet (letters, digits and -_.:/#@+ for Actor), and Record
// rejects an event in which any of them contains the subject id. Reason is the only field an
// administrator types: it is meant for a ticket reference ("INC-4711"), not for prose.
type Event struct {
	// Type says what happened.
	Type Type
	// RequestID ties the event to the request Veil logged (its X-Request-Id).
	RequestID string
	// Subject is the data subject. Record takes the subject id here and stores only its pseudonym
	// (Auditor.Pseudonym); an event read back from the trail holds the pseudonym.
	Subject string
	// Route is the configured route name.
	Route string
	// PolicyRevision is the revision of the policy that decided.
	PolicyRevision string
	// DecisionID identifies the policy decision (one per message).
	DecisionID string
	// Findings counts what was detected by personal-data type ("EMAIL": 2). Keys are type names.
	Findings map[string]int
	// Actions counts what was done, by type or action name ("EMAIL": 2, "tokenize": 2).
	Actions map[string]int
	// Outcome is a short result word: "ok", "denied", "error", "503", ...
	Outcome string
	// Actor is who acted in admin events: the administrator's account name or token id.
	Actor string
	// Role is the actor's role (admin, dpo, support, ...).
	Role string
	// Reason is the administrator's justification: a ticket reference, never free text.
	Reason string

	// ID is the event's unique id, assigned by Record. Replays de-duplicate on it, so may a SIEM.
	ID string
	// Seq is the event's position in the chain, 1 for the first event of a stream.
	Seq uint64
	// Time is when the writer chained the event (UTC, never earlier than the previous event).
	Time time.Time
	// Prev is the hash of the previous event in the chain ("" for the first).
	Prev string
	// Hash is the SHA-256 of this event's canonical encoding, Prev included (hex).
	Hash string
	// Checkpoint holds the signed fields of an audit.checkpoint event; nil otherwise.
	Checkpoint *CheckpointInfo

	// StreamID is the entry's id in the stream (read back only; not part of the hash).
	StreamID string
}

// CheckpointInfo is what a checkpoint signs: the chain head and how many events it covers.
type CheckpointInfo struct {
	// Head is the hash of the last event the checkpoint covers (equal to the checkpoint's Prev).
	Head string
	// Count is how many events of the chain precede the checkpoint (its Seq - 1).
	Count uint64
	// Every and Interval are the writer's checkpoint settings, so a verifier knows when to expect
	// the next checkpoint.
	Every    int
	Interval time.Duration
	// Final marks the checkpoint written on a clean shutdown: no later one is expected.
	Final bool
	// KeyID names the signing key: the first 8 bytes of SHA-256 of the Ed25519 public key (hex).
	KeyID string
	// Signature is the Ed25519 signature of the checkpoint's canonical encoding without Hash and
	// Signature (base64, standard encoding).
	Signature string
}

// Stream entry field names. They are the wire format; changing one breaks every stored chain.
const (
	fID        = "id"
	fVersion   = "v"
	fSeq       = "seq"
	fTime      = "time"
	fType      = "type"
	fRequestID = "request_id"
	fSubject   = "subject"
	fRoute     = "route"
	fPolicyRev = "policy_rev"
	fDecision  = "decision_id"
	fFindings  = "findings"
	fActions   = "actions"
	fOutcome   = "outcome"
	fActor     = "actor"
	fRole      = "role"
	fReason    = "reason"
	fPrev      = "prev"
	fHash      = "hash"
	fHead      = "head"
	fCount     = "count"
	fEvery     = "every"
	fInterval  = "interval"
	fFinal     = "final"
	fKeyID     = "key"
	fSig       = "sig"
)

// schemaVersion is the value of the "v" field.
const schemaVersion = "1"

// timeLayout is fixed-width so that times compare as strings.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// knownFields are every field an entry may have; anything else is tampering.
var knownFields = map[string]bool{
	fID: true, fVersion: true, fSeq: true, fTime: true, fType: true, fRequestID: true, fSubject: true,
	fRoute: true, fPolicyRev: true, fDecision: true, fFindings: true, fActions: true, fOutcome: true,
	fActor: true, fRole: true, fReason: true, fPrev: true, fHash: true, fHead: true, fCount: true,
	fEvery: true, fInterval: true, fFinal: true, fKeyID: true, fSig: true,
}

// Fields returns the event as it is stored: the stream entry's fields, empty values left out.
func (e *Event) Fields() map[string]string { return e.fields() }

// fields encodes the event as stream entry fields; empty values are left out.
func (e *Event) fields() map[string]string {
	m := make(map[string]string, 16)
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put(fID, e.ID)
	put(fVersion, schemaVersion)
	put(fSeq, strconv.FormatUint(e.Seq, 10))
	put(fTime, e.Time.UTC().Format(timeLayout))
	put(fType, string(e.Type))
	put(fRequestID, e.RequestID)
	put(fSubject, e.Subject)
	put(fRoute, e.Route)
	put(fPolicyRev, e.PolicyRevision)
	put(fDecision, e.DecisionID)
	put(fFindings, FormatCounts(e.Findings))
	put(fActions, FormatCounts(e.Actions))
	put(fOutcome, e.Outcome)
	put(fActor, e.Actor)
	put(fRole, e.Role)
	put(fReason, e.Reason)
	put(fPrev, e.Prev)
	put(fHash, e.Hash)
	if c := e.Checkpoint; c != nil {
		put(fHead, c.Head)
		put(fCount, strconv.FormatUint(c.Count, 10))
		put(fEvery, strconv.Itoa(c.Every))
		put(fInterval, c.Interval.String())
		if c.Final {
			put(fFinal, "1")
		}
		put(fKeyID, c.KeyID)
		put(fSig, c.Signature)
	}
	return m
}

// ParseEvent decodes stream entry fields into an Event. It rejects unknown fields, a missing id,
// type, sequence or time, and malformed numbers, naming the field but never its value.
func ParseEvent(fields map[string]string) (Event, error) {
	var e Event
	var errs []error
	bad := func(k, what string) { errs = append(errs, fmt.Errorf("field %s: %s", k, what)) }
	for k := range fields {
		if !knownFields[k] {
			errs = append(errs, fmt.Errorf("unknown field (%d bytes)", len(k)))
		}
	}
	if v := fields[fVersion]; v != schemaVersion {
		bad(fVersion, "unsupported schema version")
	}
	e.ID = fields[fID]
	if e.ID == "" {
		bad(fID, "missing")
	}
	e.Type = Type(fields[fType])
	if e.Type == "" {
		bad(fType, "missing")
	}
	var err error
	if e.Seq, err = strconv.ParseUint(fields[fSeq], 10, 64); err != nil || e.Seq == 0 {
		bad(fSeq, "not a positive integer")
	}
	if e.Time, err = time.Parse(timeLayout, fields[fTime]); err != nil {
		bad(fTime, "not a UTC timestamp")
	}
	e.RequestID = fields[fRequestID]
	e.Subject = fields[fSubject]
	e.Route = fields[fRoute]
	e.PolicyRevision = fields[fPolicyRev]
	e.DecisionID = fields[fDecision]
	if e.Findings, err = ParseCounts(fields[fFindings]); err != nil {
		bad(fFindings, err.Error())
	}
	if e.Actions, err = ParseCounts(fields[fActions]); err != nil {
		bad(fActions, err.Error())
	}
	e.Outcome = fields[fOutcome]
	e.Actor = fields[fActor]
	e.Role = fields[fRole]
	e.Reason = fields[fReason]
	e.Prev = fields[fPrev]
	e.Hash = fields[fHash]
	if e.Type == Checkpoint {
		c := &CheckpointInfo{Head: fields[fHead], KeyID: fields[fKeyID], Signature: fields[fSig], Final: fields[fFinal] == "1"}
		if c.Count, err = strconv.ParseUint(fields[fCount], 10, 64); err != nil {
			bad(fCount, "not an integer")
		}
		if c.Every, err = strconv.Atoi(fields[fEvery]); err != nil {
			bad(fEvery, "not an integer")
		}
		if c.Interval, err = time.ParseDuration(fields[fInterval]); err != nil {
			bad(fInterval, "not a duration")
		}
		e.Checkpoint = c
	}
	return e, errors.Join(errs...)
}

// FormatCounts renders counts as "EMAIL=2;PHONE=1", keys sorted, zero counts left out. The same
// form is used in the stream, in CSV exports and in tail output.
func FormatCounts(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(m[k]))
	}
	return b.String()
}

// ParseCounts reads the form FormatCounts writes.
func ParseCounts(s string) (map[string]int, error) {
	if s == "" {
		return nil, nil
	}
	m := map[string]int{}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" {
			return nil, errors.New("not KEY=N;KEY=N")
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, errors.New("count is not a non-negative integer")
		}
		m[k] = n
	}
	return m, nil
}
