package main

import (
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/veil-privacy/veil/configs"
)

// newLogger returns the process logger: JSON, or console-pretty when format is console, or auto
// and w is a terminal.
func newLogger(w io.Writer, lc configs.Log) zerolog.Logger {
	out := w
	pretty := lc.Format == "console"
	if lc.Format == "auto" || lc.Format == "" {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			pretty = true
		}
	}
	if pretty {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	lvl, err := zerolog.ParseLevel(lc.Level)
	if err != nil || lc.Level == "" {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(out).Level(lvl).With().Timestamp().Logger()
}
