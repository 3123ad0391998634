package redact

import "strings"

// Replace returns text with each finding's span replaced by repl(f). findings should be sorted and
// non-overlapping, as Scanner returns them; a finding that overlaps the previous one only replaces
// its remaining part, and offsets are clamped to the text, so Replace never panics.
func Replace(text string, findings []Finding, repl func(Finding) string) string {
	if len(findings) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(findings))
	prev := 0
	for _, f := range findings {
		start, end := max(f.Start, prev), min(f.End, len(text))
		if end <= start {
			continue
		}
		b.WriteString(text[prev:start])
		b.WriteString(repl(f))
		prev = end
	}
	b.WriteString(text[prev:])
	return b.String()
}

// Placeholder returns "[TYPE]" for f, the redact action's replacement.
func Placeholder(f Finding) string {
	if f.Type.Valid() {
		return placeholders[f.Type]
	}
	return "[" + f.Type.String() + "]"
}

var placeholders = func() (p [numTypes]string) {
	for t := Email; t < numTypes; t++ {
		p[t] = "[" + typeNames[t] + "]"
	}
	return p
}()
