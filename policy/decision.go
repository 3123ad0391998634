package policy

// Action is what happens to one type of personal data in a message.
type Action string

// The actions a policy may choose. Any other value makes the decision malformed.
const (
	// ActionAllow forwards the value unchanged.
	ActionAllow Action = "allow"
	// ActionMask keeps the value's shape and hides most of its characters.
	ActionMask Action = "mask"
	// ActionRedact replaces the value with its type, such as [EMAIL].
	ActionRedact Action = "redact"
	// ActionHash replaces the value with a keyed HMAC.
	ActionHash Action = "hash"
	// ActionTokenize replaces the value with a reversible token kept in the vault.
	ActionTokenize Action = "tokenize"
	// ActionBlock refuses the whole message with the decision's Message.
	ActionBlock Action = "block"
)

// Valid reports whether a is one of the defined actions.
func (a Action) Valid() bool {
	switch a {
	case ActionAllow, ActionMask, ActionRedact, ActionHash, ActionTokenize, ActionBlock:
		return true
	}
	return false
}

// TokenFormat is how a tokenized value looks to the upstream.
type TokenFormat string

// The token formats.
const (
	// TokenPlaceholder is a bracketed type and id, such as [EMAIL_7f3a2c].
	TokenPlaceholder TokenFormat = "placeholder"
	// TokenSurrogate keeps the value's format and passes the same validators.
	TokenSurrogate TokenFormat = "surrogate"
)

// Valid reports whether f is one of the defined token formats.
func (f TokenFormat) Valid() bool { return f == TokenPlaceholder || f == TokenSurrogate }

// Wildcard is the key of the fallback entry in Actions and TokenFormat.
const Wildcard = "*"

// FailClosedReason is the reason carried by the refusal returned when no valid decision exists.
const FailClosedReason = "veil.fail_closed"

// DefaultRefusal is shown to the user when a refusal comes without a message of its own.
const DefaultRefusal = "Your message was not sent because it could not be checked for personal data. Please try again later."

// Decision is what the policy decided for one message. Its maps and slices may be shared with
// other callers (decisions are cached): read them, never modify them.
type Decision struct {
	// Allow false refuses the message; Message is then shown to the user.
	Allow   bool   `json:"allow"`
	Message string `json:"message"`
	// Actions maps a finding type to its action; "*" is the fallback. See ActionFor.
	Actions map[string]Action `json:"actions"`
	// TokenFormat maps a finding type to its token format; "*" is the fallback. See TokenFormatFor.
	TokenFormat map[string]TokenFormat `json:"token_format"`
	// StripHeaders are request headers removed before forwarding.
	StripHeaders []string `json:"strip_headers"`
	// RetentionDays is how long tokens and records of this message are kept.
	RetentionDays int `json:"retention_days"`
	// Transcript says whether the conversation may be kept as a transcript.
	Transcript bool `json:"transcript"`
	// ShowNotice asks the pipeline to show the consent notice.
	ShowNotice bool `json:"show_notice"`
	// Reasons are the ids of the rules that fired, sorted.
	Reasons []string `json:"reasons"`
	// Revision is the content hash of the pack that decided.
	Revision string `json:"revision"`
}

// ActionFor returns the action for finding type t: its own entry, else the "*" entry, else
// redact (a decision that names neither still never forwards a value).
func (d Decision) ActionFor(t string) Action {
	if a, ok := d.Actions[t]; ok {
		return a
	}
	if a, ok := d.Actions[Wildcard]; ok {
		return a
	}
	return ActionRedact
}

// TokenFormatFor returns the token format for finding type t: its own entry, else the "*" entry,
// else placeholder.
func (d Decision) TokenFormatFor(t string) TokenFormat {
	if f, ok := d.TokenFormat[t]; ok {
		return f
	}
	if f, ok := d.TokenFormat[Wildcard]; ok {
		return f
	}
	return TokenPlaceholder
}

// failClosedActions is shared by every fail-closed decision.
var failClosedActions = map[string]Action{Wildcard: ActionBlock}

var failClosedReasons = []string{FailClosedReason}

// failClosed is the refusal returned when no valid decision could be made.
func failClosed(revision string) Decision {
	return Decision{
		Allow:    false,
		Message:  DefaultRefusal,
		Actions:  failClosedActions,
		Reasons:  failClosedReasons,
		Revision: revision,
	}
}
