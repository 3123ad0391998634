//go:build !linux

package durable

import "os"

// Data flushes f to stable storage (fsync; fdatasync is Linux's).
func Data(f *os.File) error { return f.Sync() }
