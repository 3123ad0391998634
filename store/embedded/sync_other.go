//go:build !linux

package embedded

import "os"

// syncData flushes f to stable storage (fsync; fdatasync is Linux's).
func syncData(f *os.File) error { return f.Sync() }
