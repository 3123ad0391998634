package policy

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzParseDecision feeds arbitrary Rego terms to the decision parser: it must never panic, an
// accepted decision must hold only defined actions and formats, and an error must never quote a
// string value of the term (a policy could have copied input into it).
func FuzzParseDecision(f *testing.F) {
	for _, s := range []string{
		`{"allow": true, "actions": {"EMAIL": "tokenize", "*": "redact"}, "reasons": {"a", "b"}}`,
		`{"allow": false, "message": "no", "token_format": {"*": "placeholder"}, "strip_headers": ["X-A"], "retention_days": 30}`,
		`{"allow": true, "actions": {"EMAIL": "secret@example.com"}}`,
		`{"allow": 1}`, `[1, 2]`, `{"allow": true, "retention_days": 1.5}`, `{"allow": true, "Secret-Value": 1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		term, err := ast.ParseTerm(src)
		if err != nil {
			return
		}
		d, err := parseDecision(term.Value)
		if err != nil {
			ast.WalkTerms(term, func(x *ast.Term) bool {
				if s, ok := x.Value.(ast.String); ok && valueLike(string(s)) && strings.Contains(err.Error(), string(s)) {
					t.Fatalf("error %q quotes a value %q", err, s)
				}
				return false
			})
			return
		}
		for _, a := range d.Actions {
			if !a.Valid() {
				t.Fatalf("accepted action %q", a)
			}
		}
		for _, tf := range d.TokenFormat {
			if !tf.Valid() {
				t.Fatalf("accepted token format %q", tf)
			}
		}
		if d.RetentionDays < 0 {
			t.Fatal("negative retention accepted")
		}
	})
}

// valueLike reports whether s looks like a value rather than a word of an error message: at least
// 8 bytes with a character other than a lower-case letter, a space or an underscore.
func valueLike(s string) bool {
	if len(s) < 8 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return (r < 'a' || r > 'z') && r != ' ' && r != '_' }) >= 0
}
