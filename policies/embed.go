// Package policies is Veil's default GDPR policy pack, embedded in the binary.
package policies

import "embed"

// FS holds the pack: the *.rego rules, their *_test.rego tests and data.json (data.veil.config).
//
//go:embed *.rego data.json
var FS embed.FS
