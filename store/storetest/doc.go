// Package storetest is the conformance suite every store backend must pass, and shared benchmarks.
package storetest
