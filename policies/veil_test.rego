# Tests for the default pack: one group per rule. Run them with `veil policy test` (and -v).
package veil_test

import data.veil

# A support-chat request from a subject who consented to support, to an upstream in the EU.
base := {
	"direction": "request",
	"route": {"name": "chat", "kind": "chat", "purpose": "support", "allowed_types": []},
	"subject": {
		"id": "s-1",
		"consent": {"support": true, "marketing": false, "profiling": false},
		"objections": [],
		"notice_shown": true,
	},
	"findings": [],
	"request": {"method": "POST", "path": "/webhooks/rest/webhook", "content_type": "application/json"},
	"upstream": {"name": "bot", "region": "eu-central-1", "transfer_mechanism": ""},
}

finding(t) := {"type": t, "subtype": "", "confidence": 0.99, "field": "message", "count": 1}

with_findings(types) := object.union(base, {"findings": [finding(t) | some t in types]})

without_consent(x) := json.patch(x, [
	{"op": "replace", "path": "/subject/consent", "value": {}},
	{"op": "replace", "path": "/subject/notice_shown", "value": false},
])

on_route(x, route) := object.union(x, {"route": route})

all_types := [
	"EMAIL", "PHONE", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "NATIONAL_ID",
	"VAT_ID", "PASSPORT", "DRIVING_LICENCE", "DATE_OF_BIRTH", "PERSON", "ADDRESS", "HEALTH",
]

# --- the shape of every decision -----------------------------------------------------------

test_decision_defaults if {
	d := veil.decision with input as base
	d.allow == true
	d.message == ""
	d.actions["*"] == "redact"
	d.retention_days == 30
	d.transcript == false
	d.show_notice == false
	d.token_format.EMAIL == "surrogate"
	d.token_format.PHONE == "surrogate"
	d.token_format.IBAN == "surrogate"
	d.token_format.CREDIT_CARD == "surrogate"
	d.token_format.PERSON == "surrogate"
	d.token_format["*"] == "placeholder"
	count(d.reasons) == 0
}

test_config_actions_are_known if {
	known := {"allow", "mask", "redact", "hash", "tokenize", "block"}
	every _, row in data.veil.config.actions {
		every _, a in row {
			a in known
		}
	}
}

test_config_covers_every_type if {
	every situation, rule in data.veil.config.situation_rules {
		rule != ""
		row := data.veil.config.actions[situation]
		row["*"]
		every t in all_types {
			row[t]
		}
	}
}

# --- consent.missing -------------------------------------------------------------------------

test_no_consent_shows_notice_and_redacts if {
	d := veil.decision with input as without_consent(with_findings(["EMAIL", "PHONE", "IBAN"]))
	d.allow == true
	d.show_notice == true
	d.actions.EMAIL == "redact"
	d.actions.PHONE == "redact"
	d.actions.IBAN == "redact"
	"consent.missing" in d.reasons
}

test_no_consent_without_findings_still_shows_notice if {
	d := veil.decision with input as without_consent(base)
	d.show_notice == true
	d.reasons == {"consent.missing"}
}

test_consent_false_is_no_consent if {
	inp := object.union(with_findings(["EMAIL"]), {"subject": {"consent": {"support": false}}})
	d := veil.decision with input as inp
	d.show_notice == true
	d.actions.EMAIL == "redact"
}

test_objection_to_purpose_is_no_consent if {
	inp := object.union(with_findings(["EMAIL"]), {"subject": {"objections": ["support"]}})
	d := veil.decision with input as inp
	d.actions.EMAIL == "redact"
}

test_no_consent_nothing_reversible if {
	d := veil.decision with input as without_consent(with_findings(all_types))
	every _, a in d.actions {
		a in {"redact", "block"}
	}
}

# --- consent.granted -------------------------------------------------------------------------

test_consent_tokenizes_contact_data if {
	d := veil.decision with input as with_findings(["EMAIL", "PHONE", "PERSON", "ADDRESS", "VAT_ID"])
	d.allow == true
	d.show_notice == false
	every t in ["EMAIL", "PHONE", "PERSON", "ADDRESS", "VAT_ID"] {
		d.actions[t] == "tokenize"
	}
	d.reasons == {"consent.granted"}
}

test_consent_redacts_payment_network_birth_data if {
	types := ["IBAN", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "DATE_OF_BIRTH"]
	d := veil.decision with input as with_findings(types)
	every t in types {
		d.actions[t] == "redact"
	}
}

test_consent_route_allows_tokenizes if {
	types := ["IBAN", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "DATE_OF_BIRTH"]
	inp := on_route(with_findings(types), {"name": "pay", "kind": "chat", "purpose": "support", "allowed_types": ["IBAN", "DATE_OF_BIRTH"]})
	d := veil.decision with input as inp
	d.actions.IBAN == "tokenize"
	d.actions.DATE_OF_BIRTH == "tokenize"
	d.actions.CREDIT_CARD == "redact"
}

test_mask_phones_by_config if {
	d := veil.decision with input as with_findings(["PHONE", "EMAIL"])
		with data.veil.config.actions.granted.PHONE as "mask"
	d.actions.PHONE == "mask"
	d.actions.EMAIL == "tokenize"
}

# --- minimisation.identity_number -------------------------------------------------------------

test_identity_numbers_blocked if {
	every t in ["NATIONAL_ID", "PASSPORT", "DRIVING_LICENCE"] {
		d := veil.decision with input as with_findings([t, "EMAIL"])
		d.allow == false
		d.actions[t] == "block"
		contains(d.message, "identity numbers")
		"minimisation.identity_number" in d.reasons
	}
}

test_identity_numbers_blocked_without_consent if {
	d := veil.decision with input as without_consent(with_findings(["PASSPORT"]))
	d.allow == false
	d.actions.PASSPORT == "block"
}

test_identity_number_on_route_that_lists_it if {
	inp := on_route(with_findings(["NATIONAL_ID"]), {"name": "kyc", "kind": "chat", "purpose": "support", "allowed_types": ["NATIONAL_ID"]})
	d := veil.decision with input as inp
	d.allow == true
	d.actions.NATIONAL_ID == "tokenize"
}

# --- special_category.redacted -----------------------------------------------------------------

test_health_redacted if {
	d := veil.decision with input as with_findings(["HEALTH"])
	d.actions.HEALTH == "redact"
	"special_category.redacted" in d.reasons
}

test_health_on_route_with_consent_tokenized if {
	inp := on_route(with_findings(["HEALTH"]), {"name": "care", "kind": "chat", "purpose": "support", "allowed_types": ["HEALTH"]})
	d := veil.decision with input as inp
	d.actions.HEALTH == "tokenize"
	not "special_category.redacted" in d.reasons
}

test_health_on_route_without_consent_redacted if {
	inp := on_route(without_consent(with_findings(["HEALTH"])), {"name": "care", "kind": "chat", "purpose": "support", "allowed_types": ["HEALTH"]})
	d := veil.decision with input as inp
	d.actions.HEALTH == "redact"
	"consent.missing" in d.reasons
}

# --- purpose.restricted ------------------------------------------------------------------------

marketing_route := {"name": "offers", "kind": "chat", "purpose": "marketing", "allowed_types": []}

test_marketing_without_consent_blocked if {
	d := veil.decision with input as on_route(with_findings(["EMAIL"]), marketing_route)
	d.allow == false
	d.actions.EMAIL == "block"
	contains(d.message, "marketing")
	"purpose.restricted" in d.reasons
}

test_marketing_with_consent_forwards if {
	inp := object.union(on_route(with_findings(["EMAIL"]), marketing_route), {"subject": {"consent": {"marketing": true}}})
	d := veil.decision with input as inp
	d.allow == true
	d.actions.EMAIL == "tokenize"
}

test_marketing_with_consent_and_objection_blocked if {
	inp := object.union(on_route(with_findings(["EMAIL"]), marketing_route), {"subject": {"consent": {"marketing": true}, "objections": ["marketing"]}})
	d := veil.decision with input as inp
	d.allow == false
	d.actions.EMAIL == "block"
}

test_profiling_without_consent_blocked if {
	route := object.union(marketing_route, {"purpose": "profiling"})
	d := veil.decision with input as on_route(with_findings(["PHONE"]), route)
	d.allow == false
}

test_marketing_without_personal_data_allowed if {
	d := veil.decision with input as on_route(base, marketing_route)
	d.allow == true
	not "purpose.restricted" in d.reasons
}

# --- residency.no_transfer_mechanism ----------------------------------------------------------

us_upstream := {"name": "bot", "region": "us-east-1", "transfer_mechanism": ""}

test_non_eea_upstream_redacts_everything if {
	inp := object.union(with_findings(["EMAIL", "PHONE"]), {"upstream": us_upstream})
	d := veil.decision with input as inp
	d.actions.EMAIL == "redact"
	d.actions.PHONE == "redact"
	"residency.no_transfer_mechanism" in d.reasons
}

test_non_eea_upstream_with_scc_tokenizes if {
	inp := object.union(with_findings(["EMAIL"]), {"upstream": object.union(us_upstream, {"transfer_mechanism": "scc"})})
	d := veil.decision with input as inp
	d.actions.EMAIL == "tokenize"
	not "residency.no_transfer_mechanism" in d.reasons
}

test_unknown_transfer_mechanism_is_none if {
	inp := object.union(with_findings(["EMAIL"]), {"upstream": object.union(us_upstream, {"transfer_mechanism": "trust-us"})})
	d := veil.decision with input as inp
	d.actions.EMAIL == "redact"
}

test_eea_regions if {
	every r in ["eu-west-1", "europe-west3", "westeurope", "de", "germanywestcentral", "local"] {
		inp := object.union(with_findings(["EMAIL"]), {"upstream": {"region": r}})
		d := veil.decision with input as inp
		d.actions.EMAIL == "tokenize"
	}
}

test_unset_region if {
	inp := object.union(with_findings(["EMAIL"]), {"upstream": {"region": ""}})
	d1 := veil.decision with input as inp
	d1.actions.EMAIL == "tokenize"
	d2 := veil.decision with input as inp with data.veil.config.residency.assume_eea_when_unset as false
	d2.actions.EMAIL == "redact"
}

# --- response.not_own_data ---------------------------------------------------------------------

test_response_redacts_all_findings if {
	inp := object.union(with_findings(["EMAIL", "IBAN", "PASSPORT"]), {"direction": "response"})
	d := veil.decision with input as inp
	d.allow == true
	d.show_notice == false
	d.actions.EMAIL == "redact"
	d.actions.IBAN == "redact"
	d.actions.PASSPORT == "redact"
	d.reasons == {"response.not_own_data"}
	d.strip_headers == []
}

test_response_without_consent_no_notice if {
	inp := object.union(without_consent(base), {"direction": "response"})
	d := veil.decision with input as inp
	d.show_notice == false
}

# --- combining -----------------------------------------------------------------------------------

test_residency_wins_over_consent if {
	inp := object.union(with_findings(["EMAIL", "PASSPORT"]), {"upstream": us_upstream})
	d := veil.decision with input as inp
	d.actions.EMAIL == "redact"
	d.actions.PASSPORT == "block"
	d.reasons == {"residency.no_transfer_mechanism", "minimisation.identity_number"}
}

test_unlisted_type_gets_fallback if {
	d := veil.decision with input as with_findings(["EMAIL", "LICENCE_PLATE"])
	d.actions.EMAIL == "tokenize"
	not d.actions.LICENCE_PLATE
	d.actions["*"] == "redact"
}

test_block_health_entirely_by_config if {
	inp := on_route(with_findings(["HEALTH"]), {"name": "care", "kind": "chat", "purpose": "support", "allowed_types": ["HEALTH"]})
	d := veil.decision with input as inp
		with data.veil.config.actions.granted_listed.HEALTH as "block"
	d.allow == false
	d.message == data.veil.config.messages["default"]
}

test_unknown_direction_redacts if {
	d := veil.decision with input as object.union(with_findings(["EMAIL"]), {"direction": "sideways"})
	d.actions.EMAIL == "redact"
	d.show_notice == false
	d.reasons == {"direction.unknown"}
}
