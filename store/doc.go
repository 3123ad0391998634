// Package store is Veil's persistence: subject-scoped records with expiry and append-only streams, with an embedded (bbolt) and a Redis backend behind one interface.
package store
