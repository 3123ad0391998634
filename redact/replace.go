package redact

import "strings"

// Replace returns text with each finding's span replaced by repl(f). findings must be sorted and
// non-overlapping, as Scanner returns them.
func Replace(text string, findings []Finding, repl func(Finding) string) string {
	if len(findings) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	prev := 0
	for _, f := range findings {
		b.WriteString(text[prev:f.Start])
		b.WriteString(repl(f))
		prev = f.End
	}
	b.WriteString(text[prev:])
	return b.String()
}

// Placeholder returns "[TYPE]" for f, the redact action's replacement.
func Placeholder(f Finding) string { return "[" + f.Type.String() + "]" }
