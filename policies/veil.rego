# Veil's default GDPR policy: one decision per message (a chat request body, a bot reply or a
# WebSocket message). Package veil, rule decision; see README.md for the contract.
#
# How it is built, for speed and for review:
#   1. The rules below decide the message's *situation*: response, unknown, restricted,
#      no_consent, no_transfer or granted. The first rule that applies wins; each situation has
#      a rule id (config.situation_rules) that goes into the decision's reasons.
#   2. The situation selects a row of the decision table config.actions in data.json: the action
#      for every personal-data type, and "*" for any other. When the route lists a type in
#      allowed_types, the <situation>_listed row overrides it.
#   3. Types that a rule of their own decides (identity numbers, health data) add that rule's id
#      (config.type_rules) to the reasons, unless the route lists the type.
# Change what happens to a type by editing data.json; change when a situation applies here.
#
# Speed: Veil plans the pack when it loads and evaluates the plan (README.md, Speed); tests and
# explain run these rules as written. Where OPA evaluates them directly, every reference to a rule
# costs about a microsecond, so a rule used once per finding is read into a local first (row, rules).
package veil

import data.veil.config as cfg

# ---------------------------------------------------------------------------------------------
# Facts about the message
# ---------------------------------------------------------------------------------------------

# The subject consented to the route's purpose and has not objected to it (art. 6(1)(a), 21).
granted if {
	input.subject.consent[input.route.purpose] == true
	not input.route.purpose in input.subject.objections
}

# The upstream may receive personal data: it runs in the EU/EEA (or a country with an adequacy
# decision), or a transfer mechanism such as standard contractual clauses is in place (ch. V).
transfer_ok if cfg.residency.eea_regions[input.upstream.region]
else if cfg.residency.transfer_mechanisms[input.upstream.transfer_mechanism]
else if {
	input.upstream.region == ""
	cfg.residency.assume_eea_when_unset
}

# ---------------------------------------------------------------------------------------------
# The situation: the first rule that applies wins
# ---------------------------------------------------------------------------------------------

# response.not_own_data: personal data in the bot's reply that is not the subject's own
# (the pipeline restored the subject's tokens and reports only what is left) is redacted.
situation := "response" if input.direction == "response"

# direction.unknown: anything else than a request or a response is treated as unsafe.
else := "unknown" if input.direction != "request"

# purpose.restricted: a marketing or profiling route forwards personal data only with consent to
# that purpose and no objection; otherwise the message is blocked (art. 5(1)(b), 21(2)).
else := "restricted" if {
	cfg.restricted_purposes[input.route.purpose]
	not granted
}

# consent.missing: no consent yet for the route's purpose. The consent notice is shown and
# personal data is redacted: nothing reversible is stored before consent.
else := "no_consent" if not granted

# residency.no_transfer_mechanism: an upstream outside the EU/EEA without a transfer mechanism
# receives no personal data.
else := "no_transfer" if not transfer_ok

# consent.granted: consent for the purpose; the decision table says what each type gets.
else := "granted"

# ---------------------------------------------------------------------------------------------
# Actions: the situation's row of the decision table, with the route's listed types overridden
# ---------------------------------------------------------------------------------------------

actions := cfg.actions[situation] if count(input.route.allowed_types) == 0
else := object.union(cfg.actions[situation], object.filter(listed_row, input.route.allowed_types))

listed_row := object.get(cfg.actions, concat("_", [situation, "listed"]), {})

# ---------------------------------------------------------------------------------------------
# Rules of their own for some types, unless the route lists the type:
#   minimisation.identity_number: national ids, passports and driving licences are blocked on a
#     route that does not list them, with a message asking not to share them (art. 5(1)(c)).
#   special_category.redacted: health data is redacted unless the route lists it and the subject
#     consented to the purpose (art. 9).
# ---------------------------------------------------------------------------------------------

type_rules := object.remove(object.get(cfg.type_rules, situation, {}), input.route.allowed_types)

# ---------------------------------------------------------------------------------------------
# The decision
# ---------------------------------------------------------------------------------------------

# Any finding whose action is block refuses the message.
blocked if {
	row := actions
	some f in input.findings
	row[f.type] == "block"
}

default allow := true

allow := false if blocked

# The situation's rule id; consent.missing also without findings, since it shows the notice.
reasons contains cfg.situation_rules[situation] if count(input.findings) > 0

reasons contains "consent.missing" if situation == "no_consent"

reasons contains rule if {
	rules := type_rules
	some f in input.findings
	rule := rules[f.type]
}

# The message shown when the message is refused, in the user's terms.
default message := ""

message := refusal if blocked

# The refusal: the situation's message, else the message for the first blocked type, else the
# default message.
refusal := msg if {
	msg := cfg.messages.by_situation[situation]
}

else := msg if {
	msgs := [m | some f in input.findings; actions[f.type] == "block"; m := cfg.messages.by_type[f.type]]
	msg := msgs[0]
}

else := cfg.messages["default"]

decision := {
	"allow": allow,
	"message": message,
	"actions": actions,
	"token_format": cfg.token_format,
	"strip_headers": object.get(cfg.strip_headers, input.direction, []),
	"retention_days": cfg.retention_days,
	"transcript": cfg.transcript,
	# The consent notice is shown on a request without consent to the route's purpose.
	"show_notice": object.get(cfg.show_notice, situation, false),
	"reasons": reasons,
}
