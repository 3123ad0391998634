// Package embedded is the single-node store backend: one durable bbolt file in Veil's data directory.
package embedded
