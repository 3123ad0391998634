package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
)

func TestStatusFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		err  error
		want int
	}{
		{desc: "body too large", err: errBodyTooLarge, want: 413},
		{desc: "wrapped proxy error", err: fmt.Errorf("reading: %w", errUnsupportedCoding), want: 415},
		{desc: "privacy dependency down", err: fmt.Errorf("audit: %w", ErrPrivacyUnavailable), want: 503},
		{desc: "blocked by policy", err: fmt.Errorf("pipeline: %w", &BlockedError{Message: "no"}), want: 451},
		{desc: "client went away", err: context.Canceled, want: 499},
		{desc: "deadline", err: context.DeadlineExceeded, want: 504},
		{desc: "connection refused", err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, want: 502},
		{desc: "anything else", err: errors.New("boom"), want: 502},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got, _ := StatusFor(tc.err); got != tc.want {
				t.Fatalf("StatusFor = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestByteSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		want ByteSize
		bad  bool
	}{
		{desc: "plain", in: "1024", want: 1024},
		{desc: "mebibytes", in: "1MiB", want: 1 << 20},
		{desc: "kilobytes with space", in: "512 KB", want: 512000},
		{desc: "bad unit", in: "3 parsecs", bad: true},
		{desc: "negative", in: "-1", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var b ByteSize
			err := b.UnmarshalText([]byte(tc.in))
			if (err != nil) != tc.bad || (!tc.bad && b != tc.want) {
				t.Fatalf("got %d, %v", b, err)
			}
		})
	}
}
