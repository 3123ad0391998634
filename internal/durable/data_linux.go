package durable

import (
	"os"

	"golang.org/x/sys/unix"
)

// Data flushes f's data and only the metadata needed to read it back (fdatasync): for a
// file overwritten in place, no metadata at all.
func Data(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = unix.Fdatasync(int(fd))
			if serr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}
