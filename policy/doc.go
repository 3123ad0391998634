// Package policy evaluates the Rego policy pack that decides, once per message, what happens to the personal data found in it.
package policy
