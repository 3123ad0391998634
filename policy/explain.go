package policy

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Explanation is a decision with the evaluation trace that produced it.
type Explanation struct {
	Decision Decision
	// Trace is OPA's full evaluation trace.
	Trace []*topdown.Event

	values map[string]string // complete rules of package veil by name, for Fired
}

// RuleHit is one rule of package veil (or below) that produced a value.
type RuleHit struct {
	// Rule is the rule's head with the values it produced, such as
	// proposal contains ["EMAIL", "tokenize", "consent.granted"].
	Rule string
	// Location is the rule's file and line.
	Location string
}

// Explain evaluates the active policy for in with tracing on, bypassing the cache. It is for
// tools (veil policy explain), not for the hot path: the trace holds the input's types and
// routes, never values, since the input has none.
func (e *Engine) Explain(ctx context.Context, in Input) (Explanation, error) {
	buf := topdown.NewBufferTracer()
	c := e.state.Load().active
	d, err := e.eval(ctx, c, &in, buf)
	if err != nil {
		d = failClosed(c.pack.revision)
	}
	return Explanation{Decision: d, Trace: *buf, values: ruleValues(ctx, c, &in)}, err
}

// ruleValues evaluates data.veil once more, without tracing, for the values of its complete
// rules: a trace does not carry the value a rule produced.
func ruleValues(ctx context.Context, c *compiled, in *Input) map[string]string {
	rs, err := rego.New(
		rego.ParsedQuery(ast.MustParseBody("data.veil")),
		rego.Compiler(c.compiler),
		rego.Store(c.store),
		rego.Transaction(c.txn),
		rego.ParsedInput(in.astValue(c.readsSubjectID, &partCache{})),
		rego.GenerateJSON(passTerm),
	).Eval(ctx)
	out := make(map[string]string)
	if err != nil || len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return out
	}
	t, ok := rs[0].Expressions[0].Value.(*ast.Term)
	if !ok {
		return out
	}
	obj, ok := t.Value.(ast.Object)
	if !ok {
		return out
	}
	obj.Foreach(func(k, v *ast.Term) {
		if name, ok := k.Value.(ast.String); ok && name != "config" {
			out[string(name)] = v.String()
		}
	})
	return out
}

// Fired lists, in evaluation order and without repeats, the rules of package veil that produced
// a value.
func (x *Explanation) Fired() []RuleHit {
	var out []RuleHit
	seen := make(map[string]bool)
	for _, ev := range x.Trace {
		if ev.Op != topdown.ExitOp {
			continue
		}
		r, ok := ev.Node.(*ast.Rule)
		if !ok || r.Module == nil || !inPackageVeil(r.Module.Package.Path) {
			continue
		}
		hit := RuleHit{Rule: strings.TrimSpace(headString(r.Head)), Location: r.Location.String()}
		if v, ok := x.values[r.Head.Ref().String()]; ok && len(r.Head.Args) == 0 {
			hit.Rule = cut(r.Head.Ref().String() + " = " + v)
		}
		if k := hit.Rule + "\x00" + hit.Location; !seen[k] {
			seen[k] = true
			out = append(out, hit)
		}
	}
	return out
}

func inPackageVeil(path ast.Ref) bool {
	return len(path) >= 2 && path[1].Equal(ast.InternedTerm("veil"))
}

// headString renders a head compactly, cutting long values.
func headString(h *ast.Head) string { return cut(h.String()) }

func cut(s string) string {
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// WriteRules writes the fired rules, one per line, then the decision's reasons.
func (x *Explanation) WriteRules(w io.Writer) error {
	hits := x.Fired()
	width := 0
	for _, h := range hits {
		width = max(width, len(h.Location))
	}
	for _, h := range hits {
		if _, err := fmt.Fprintf(w, "%-*s  %s\n", width, h.Location, h.Rule); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\nreasons: %s\n", strings.Join(x.Decision.Reasons, ", "))
	return err
}

// WriteTrace writes OPA's full trace with locations.
func (x *Explanation) WriteTrace(w io.Writer) {
	topdown.PrettyTraceWithLocation(w, x.Trace)
}
