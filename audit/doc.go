// Package audit records what Veil did with personal data as a tamper-evident, hash-chained and signed trail of events that never carry a personal value.
package audit
