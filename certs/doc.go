// Package certs provides Veil's TLS 1.3 server configuration from ACME (certmagic), static files or a local development CA.
package certs
