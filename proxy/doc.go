// Package proxy is Veil's reverse proxy: routes, body decoding, the message hooks every chat byte passes through, and the mapping of failures to HTTP statuses.
package proxy
