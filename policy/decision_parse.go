package policy

import (
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// maxMessage bounds the user-facing message a policy may return.
const maxMessage = 2048

// parseDecision reads and validates a decision object. Errors name fields and expected types,
// never the values (a policy could echo input into them).
func parseDecision(v ast.Value) (Decision, error) {
	obj, ok := v.(ast.Object)
	if !ok {
		return Decision{}, fmt.Errorf("decision is %s, want an object", ast.ValueName(v))
	}
	var d Decision
	var sawAllow bool
	var err error
	obj.Until(func(k, val *ast.Term) bool {
		key, ok := k.Value.(ast.String)
		if !ok {
			err = fmt.Errorf("decision has a %s key, want strings", ast.ValueName(k.Value))
			return true
		}
		switch string(key) {
		case "allow":
			d.Allow, err = boolField("allow", val.Value)
			sawAllow = err == nil
		case "message":
			d.Message, err = stringField("message", val.Value)
			if err == nil && len(d.Message) > maxMessage {
				err = fmt.Errorf("message: longer than %d bytes", maxMessage)
			}
		case "actions":
			d.Actions, err = actionsField(val.Value)
		case "token_format":
			d.TokenFormat, err = tokenFormatField(val.Value)
		case "strip_headers":
			d.StripHeaders, err = stringsField("strip_headers", val.Value, validHeaderName)
		case "retention_days":
			d.RetentionDays, err = intField("retention_days", val.Value)
		case "transcript":
			d.Transcript, err = boolField("transcript", val.Value)
		case "show_notice":
			d.ShowNotice, err = boolField("show_notice", val.Value)
		case "reasons":
			d.Reasons, err = stringsField("reasons", val.Value, nil)
			slices.Sort(d.Reasons)
		default:
			err = fmt.Errorf("unknown field (%d-byte name)", len(key))
			if identLike(string(key)) {
				err = fmt.Errorf("unknown field %q", string(key))
			}
		}
		return err != nil
	})
	if err != nil {
		return Decision{}, err
	}
	if !sawAllow {
		return Decision{}, errors.New("allow: missing")
	}
	return d, nil
}

func boolField(name string, v ast.Value) (bool, error) {
	b, ok := v.(ast.Boolean)
	if !ok {
		return false, fmt.Errorf("%s: %s, want a boolean", name, ast.ValueName(v))
	}
	return bool(b), nil
}

func stringField(name string, v ast.Value) (string, error) {
	s, ok := v.(ast.String)
	if !ok {
		return "", fmt.Errorf("%s: %s, want a string", name, ast.ValueName(v))
	}
	return string(s), nil
}

func intField(name string, v ast.Value) (int, error) {
	n, ok := v.(ast.Number)
	if !ok {
		return 0, fmt.Errorf("%s: %s, want a number", name, ast.ValueName(v))
	}
	i, ok := n.Int()
	if !ok || i < 0 {
		return 0, fmt.Errorf("%s: want a non-negative integer", name)
	}
	return i, nil
}

// stringsField reads an array or a set of strings, each passing valid when it is set.
func stringsField(name string, v ast.Value, valid func(string) bool) ([]string, error) {
	var out []string
	var err error
	each := func(t *ast.Term) bool {
		s, ok := t.Value.(ast.String)
		switch {
		case !ok:
			err = fmt.Errorf("%s: has a %s, want strings", name, ast.ValueName(t.Value))
		case valid != nil && !valid(string(s)):
			err = fmt.Errorf("%s: has an invalid entry", name)
		default:
			out = append(out, string(s))
		}
		return err != nil
	}
	switch c := v.(type) {
	case *ast.Array:
		out = make([]string, 0, c.Len())
		c.Until(each)
	case ast.Set:
		out = make([]string, 0, c.Len())
		c.Until(each)
	default:
		return nil, fmt.Errorf("%s: %s, want an array of strings", name, ast.ValueName(v))
	}
	return out, err
}

func actionsField(v ast.Value) (map[string]Action, error) {
	return stringMapField("actions", v, func(a Action) error {
		if a.Valid() {
			return nil
		}
		if identLike(string(a)) {
			return fmt.Errorf("actions: unknown action %q (want allow, mask, redact, hash, tokenize or block)", string(a))
		}
		return fmt.Errorf("actions: unknown action (want allow, mask, redact, hash, tokenize or block)")
	})
}

func tokenFormatField(v ast.Value) (map[string]TokenFormat, error) {
	return stringMapField("token_format", v, func(f TokenFormat) error {
		if f.Valid() {
			return nil
		}
		return errors.New("token_format: unknown format (want surrogate or placeholder)")
	})
}

// stringMapField decodes an object of strings into a map whose values check accepts; the first
// problem stops the decoding.
func stringMapField[T ~string](name string, v ast.Value, check func(T) error) (map[string]T, error) {
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("%s: %s, want an object", name, ast.ValueName(v))
	}
	out := make(map[string]T, obj.Len())
	var err error
	obj.Until(func(k, val *ast.Term) bool {
		ks, ok1 := k.Value.(ast.String)
		vs, ok2 := val.Value.(ast.String)
		switch {
		case !ok1 || !ok2:
			err = errors.New(name + ": want an object of strings")
		default:
			if err = check(T(vs)); err == nil {
				out[string(ks)] = T(vs)
			}
		}
		return err != nil
	})
	return out, err
}

// identLike reports whether s looks like a field or action name (lower-case letters and '_', at most
// 32 bytes): only such names are quoted in errors, so a policy echoing input never puts it there.
func identLike(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// validHeaderName reports whether s is an HTTP token (RFC 9110), which also keeps CR, LF and
// spaces out of header names a policy asks to strip.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
			c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~':
		default:
			return false
		}
	}
	return true
}

// finish applies the contract to a parsed decision for in: any finding whose action is block
// refuses the message, and a refusal always has a message.
func (d *Decision) finish(in *Input, revision string) {
	d.Revision = revision
	if d.Allow {
		for i := range in.Findings {
			if d.ActionFor(in.Findings[i].Type) == ActionBlock {
				d.Allow = false
				break
			}
		}
	}
	if !d.Allow && d.Message == "" {
		d.Message = DefaultRefusal
	}
}
