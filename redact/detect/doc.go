// Package detect holds Veil's personal-data detectors, one family per file, with their validators.
package detect
