// Package consent keeps each data subject's per-purpose consent and objections as evidence and serves the subject-facing /.veil/consent endpoints.
package consent
