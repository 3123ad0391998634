# Veil's default GDPR policy pack: one decision per message (a chat request body, a bot reply or a
# WebSocket message). Tuning lives in data.json (data.veil.config); the rules below read it.
#
# How it works: each rule below proposes [type, action, rule id] for the personal-data types found
# in the message. For each type the strictest proposal wins, in this order:
#   allow < tokenize < mask < hash < redact < block
# A type no rule speaks about gets actions["*"] (config.fallback_action, "redact").
# Every rule id that fired is listed in the decision's reasons.
package veil

cfg := data.veil.config

# ---------------------------------------------------------------------------------------------
# Facts about the message
# ---------------------------------------------------------------------------------------------

request if input.direction == "request"

response if input.direction == "response"

purpose := input.route.purpose

# The subject consented to this route's purpose and has not objected to it.
purpose_granted if {
	input.subject.consent[purpose] == true
	not objected
}

objected if purpose in input.subject.objections

# The personal-data types found in the message.
present contains f.type if some f in input.findings

# The types the route explicitly accepts (route.allowed_types in the Veil configuration).
route_allows contains t if some t in input.route.allowed_types

# ---------------------------------------------------------------------------------------------
# Rule consent.missing: no consent yet for the route's purpose. Show the consent notice, and redact
# all personal data: nothing reversible is stored before consent.
# ---------------------------------------------------------------------------------------------

show_notice if {
	request
	not purpose_granted
}

proposal contains [t, "redact", "consent.missing"] if {
	show_notice
	some t in present
}

# ---------------------------------------------------------------------------------------------
# Rule consent.granted: consent for the route's purpose. Each type gets config.granted[type]
# (contact data: tokenize; payment, network and birth data: redact), or
# config.granted_route_allows[type] when the route lists the type in allowed_types.
# ---------------------------------------------------------------------------------------------

proposal contains [t, a, "consent.granted"] if {
	request
	purpose_granted
	some t in present
	a := granted_action(t)
}

granted_action(t) := a if {
	route_allows[t]
	a := cfg.granted_route_allows[t]
} else := cfg.granted[t]

# ---------------------------------------------------------------------------------------------
# Rule minimisation.identity_number: national ids, passports and driving licences are blocked on a
# route that does not list them: a support chat does not need them.
# ---------------------------------------------------------------------------------------------

proposal contains [t, "block", "minimisation.identity_number"] if {
	request
	some t in present
	t in cfg.identity_types
	not route_allows[t]
}

# ---------------------------------------------------------------------------------------------
# Rule special_category.redacted: health data (GDPR art. 9) is redacted unless the route lists it
# and the subject consented to the route's purpose.
# ---------------------------------------------------------------------------------------------

proposal contains [t, "redact", "special_category.redacted"] if {
	request
	some t in present
	t in cfg.special_types
	not special_category_allowed(t)
}

special_category_allowed(t) if {
	route_allows[t]
	purpose_granted
}

# ---------------------------------------------------------------------------------------------
# Rule purpose.restricted: a marketing or profiling route forwards personal data only with consent
# to that purpose and no objection to it; otherwise the message is blocked.
# ---------------------------------------------------------------------------------------------

proposal contains [t, "block", "purpose.restricted"] if {
	request
	purpose in cfg.restricted_purposes
	not purpose_granted
	some t in present
}

# ---------------------------------------------------------------------------------------------
# Rule residency.no_transfer_mechanism: an upstream outside the EU/EEA (or a country with an
# adequacy decision) receives no personal data unless a transfer mechanism (such as scc) is set.
# ---------------------------------------------------------------------------------------------

proposal contains [t, "redact", "residency.no_transfer_mechanism"] if {
	request
	outside_eea
	not input.upstream.transfer_mechanism in cfg.residency.transfer_mechanisms
	some t in present
}

outside_eea if {
	region := lower(input.upstream.region)
	region != ""
	not eea_region(region)
}

outside_eea if {
	not cfg.residency.assume_eea_when_unset
	object.get(input.upstream, "region", "") == ""
}

eea_region(r) if r in cfg.residency.eea_regions

eea_region(r) if {
	some p in cfg.residency.eea_region_prefixes
	startswith(r, p)
}

# ---------------------------------------------------------------------------------------------
# Rule response.not_own_data: personal data in the bot's reply is redacted. The pipeline has
# already restored the subject's own tokens and only reports what is left.
# ---------------------------------------------------------------------------------------------

proposal contains [t, "redact", "response.not_own_data"] if {
	response
	some t in present
}

# ---------------------------------------------------------------------------------------------
# Combining the proposals into the decision
# ---------------------------------------------------------------------------------------------

severity := {"allow": 0, "tokenize": 1, "mask": 2, "hash": 3, "redact": 4, "block": 5}

by_severity := ["allow", "tokenize", "mask", "hash", "redact", "block"]

actions[t] := by_severity[max({severity[p[1]] | some p in proposal; p[0] == t})] if some t in present

actions["*"] := cfg.fallback_action

# The rule ids whose proposals block the message.
blocking contains p[2] if {
	some p in proposal
	p[1] == "block"
}

blocked if {
	some t in present
	action_of(t) == "block"
}

action_of(t) := a if {
	a := actions[t]
} else := actions["*"]

default allow := true

allow := false if blocked

# The message shown to the user: the first blocking rule (by id) with a message, or the default.
message_for[r] := m if some r, m in cfg.messages

default message := ""

message := first if {
	blocked
	msgs := [m | some r in blocking; m := message_for[r]]
	first := msgs[0]
} else := message_for["default"] if blocked

reasons contains p[2] if some p in proposal

reasons contains "consent.missing" if show_notice

default strip_headers := []

strip_headers := cfg.strip_headers if request

decision := {
	"allow": allow,
	"message": message,
	"actions": actions,
	"token_format": cfg.token_format,
	"strip_headers": strip_headers,
	"retention_days": cfg.retention_days,
	"transcript": cfg.transcript,
	"show_notice": show_notice_value,
	"reasons": reasons,
}

default show_notice_value := false

show_notice_value if show_notice
