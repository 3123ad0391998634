// Package admin serves Veil's admin listener: health, readiness, Prometheus metrics, and the admin API.
package admin
