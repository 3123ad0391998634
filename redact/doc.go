// Package redact defines personal-data findings, the normalized text view detectors work on, and the Scanner that runs them.
package redact
