package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is returned for arguments no backend can store: an empty subject, kind or stream name,
// a NUL byte in a subject or kind, a stream entry without fields, a malformed stream id. Its
// messages name the problem, never the argument's value.
var ErrInvalid = errors.New("store: invalid argument")

// CheckRecordID reports whether subject and kind can name records. Keys may be any bytes.
func CheckRecordID(subject, kind string) error {
	switch {
	case subject == "":
		return fmt.Errorf("%w: empty subject", ErrInvalid)
	case kind == "":
		return fmt.Errorf("%w: empty kind", ErrInvalid)
	case strings.IndexByte(subject, 0) >= 0:
		return fmt.Errorf("%w: NUL byte in subject", ErrInvalid)
	case strings.IndexByte(kind, 0) >= 0:
		return fmt.Errorf("%w: NUL byte in kind", ErrInvalid)
	}
	return nil
}

// CheckSubject reports whether subject can name a subject (List, DeleteSubject).
func CheckSubject(subject string) error {
	switch {
	case subject == "":
		return fmt.Errorf("%w: empty subject", ErrInvalid)
	case strings.IndexByte(subject, 0) >= 0:
		return fmt.Errorf("%w: NUL byte in subject", ErrInvalid)
	}
	return nil
}

// CheckKind reports whether kind can be listed or walked; "" (every kind) is allowed when all is true.
func CheckKind(kind string, all bool) error {
	switch {
	case kind == "" && !all:
		return fmt.Errorf("%w: empty kind", ErrInvalid)
	case strings.IndexByte(kind, 0) >= 0:
		return fmt.Errorf("%w: NUL byte in kind", ErrInvalid)
	}
	return nil
}

// CheckAppend reports whether a stream name and a batch of entries can be appended.
func CheckAppend(stream string, entries []map[string]string) error {
	if err := CheckStream(stream); err != nil {
		return err
	}
	for _, e := range entries {
		if len(e) == 0 {
			return fmt.Errorf("%w: stream entry without fields", ErrInvalid)
		}
	}
	return nil
}

// CheckStream reports whether stream can name a stream.
func CheckStream(stream string) error {
	if stream == "" {
		return fmt.Errorf("%w: empty stream name", ErrInvalid)
	}
	return nil
}
