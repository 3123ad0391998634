// Package e2e runs the real veil binary against the demo bot on loopback and talks to it with real clients.
package e2e
