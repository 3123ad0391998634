// Package durable makes files and directory entries reach stable storage.
package durable

import "os"

// Dir makes a directory's entries (files created, renamed or removed in it) durable.
func Dir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
