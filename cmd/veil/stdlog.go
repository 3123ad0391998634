package main

import (
	"log"
	"regexp"
	"strings"

	"github.com/rs/zerolog"
)

// newStdLogger adapts zerolog for net/http's internal error log. Those lines name the client's
// address ("TLS handshake error from 192.0.2.1:5000"), and an IP address is personal data, so
// addresses are masked before anything is written.
func newStdLogger(l zerolog.Logger) *log.Logger {
	return log.New(stdLogWriter{l}, "", 0)
}

type stdLogWriter struct{ l zerolog.Logger }

var addrPattern = regexp.MustCompile(`\[[0-9A-Fa-f:.%a-z]+\](:\d+)?|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|\b[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}\b`)

func (w stdLogWriter) Write(p []byte) (int, error) {
	msg := addrPattern.ReplaceAllString(strings.TrimSpace(string(p)), "[addr]")
	ev := w.l.Warn()
	if strings.Contains(msg, "TLS handshake error") {
		ev = w.l.Debug() // scanners and TLS 1.2 clients: noise at info level
	}
	ev.Str("component", "http").Msg(msg)
	return len(p), nil
}
