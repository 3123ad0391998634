package certs

import (
	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newZapLogger routes certmagic's zap logging into our zerolog logger. certmagic logs names,
// issuers and errors; it never logs key material.
func newZapLogger(log zerolog.Logger) *zap.Logger {
	return zap.New(zerologCore{log: log.With().Str(logFieldLogger, "certmagic").Logger()})
}

// zerologCore is a zapcore.Core writing to a zerolog.Logger.
type zerologCore struct {
	log    zerolog.Logger
	fields []zapcore.Field
}

func (c zerologCore) Enabled(l zapcore.Level) bool {
	lvl := zerologLevel(l)
	return lvl >= c.log.GetLevel() && lvl >= zerolog.GlobalLevel()
}

func (c zerologCore) With(fields []zapcore.Field) zapcore.Core {
	return zerologCore{log: c.log, fields: append(append([]zapcore.Field(nil), c.fields...), fields...)}
}

func (c zerologCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c zerologCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range c.fields {
		f.AddTo(enc)
	}
	for _, f := range fields {
		f.AddTo(enc)
	}
	ev := c.log.WithLevel(zerologLevel(e.Level))
	if e.LoggerName != "" {
		ev = ev.Str("component", e.LoggerName)
	}
	ev.Fields(enc.Fields).Msg(e.Message)
	return nil
}

func (zerologCore) Sync() error { return nil }

func zerologLevel(l zapcore.Level) zerolog.Level {
	switch {
	case l <= zapcore.DebugLevel:
		return zerolog.DebugLevel
	case l == zapcore.InfoLevel:
		return zerolog.InfoLevel
	case l == zapcore.WarnLevel:
		return zerolog.WarnLevel
	default:
		return zerolog.ErrorLevel // never let a library's DPanic/Panic/Fatal level exit the process
	}
}

var _ zapcore.Core = zerologCore{}
