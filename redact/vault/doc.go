// Package vault keeps each subject's tokenized values under envelope encryption: per-subject data
// keys wrapped by a master key, deterministic unlinkable tokens, retention, export and crypto-shredding.
package vault
