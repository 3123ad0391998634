package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
)

// Planning a pack: OPA's planner turns the compiled rules into a plan (package ir), the same
// intermediate form OPA compiles to WebAssembly. Veil evaluates the plan with a small evaluator
// of its own (vm.go) instead of OPA's tree-walking evaluator, topdown: a plan is a flat list of
// statements over numbered locals, so a decision costs a few hundred statement steps rather than
// topdown's unification, bindings and rule index lookups.
//
// The evaluator implements the statements the planner emits for ordinary rules. A plan that
// holds anything else (`with`, dynamic calls, merges of rules and data at one path) or calls a
// built-in the evaluator does not run is refused when the pack loads, and the pack is evaluated
// by topdown instead: the log says why and veil_policy_planned is 0. topdown stays the reference:
// the pack's tests, explain and every tool run on it, and the differential tests compare the two.

// planTarget is the name under which Veil registers itself as an OPA target to receive plans.
const planTarget = "veil-plan"

// The target is registered at initialization: OPA reads its table of targets without a lock
// on every PrepareForEval, so registering later would race with evaluations being prepared.
func init() { rego.RegisterPlugin(planTarget, planCapture{}) }

// planCapture is the OPA target plugin through which rego hands over the plan: the plan goes to
// the *ir.Policy the context names.
type planCapture struct{}

type planKey struct{}

func (planCapture) IsTarget(t string) bool { return t == planTarget }

func (planCapture) PrepareForEval(ctx context.Context, p *ir.Policy, _ ...rego.PrepareOption) (rego.TargetPluginEval, error) {
	dst, ok := ctx.Value(planKey{}).(**ir.Policy)
	if !ok {
		return nil, errors.New("planning policy: no destination for the plan")
	}
	*dst = p
	return planCapture{}, nil
}

func (planCapture) Eval(context.Context, *rego.EvalContext, ast.Value) (ast.Value, error) {
	return nil, errors.New("the plan is evaluated by Veil, not through rego")
}

// errPlanWith is why a pack that uses `with` in its policy modules is evaluated by topdown.
var errPlanWith = errors.New("a policy module uses `with`")

// plan compiles the policy modules for planning, plans the decision query and loads the plan
// into the evaluator. An error says why the pack must be evaluated by topdown.
func (p *Pack) plan(ctx context.Context, mods map[string]*ast.Module, store storage.Store) (*program, error) {
	for _, m := range mods {
		var with bool
		ast.WalkWiths(m, func(*ast.With) bool { with = true; return true })
		if with {
			return nil, errPlanWith
		}
	}
	// A compiler of its own: rego switches a compiler it plans for to OPA's IR mode.
	c := newCompiler(false, false)
	if c.Compile(mods); c.Failed() {
		return nil, fmt.Errorf("compiling policy for planning: %w", c.Errors)
	}
	var pol *ir.Policy
	_, err := rego.New(
		rego.ParsedQuery(decisionQuery),
		rego.Compiler(c),
		rego.Store(store),
		rego.Capabilities(capabilities),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Target(planTarget),
	).PrepareForEval(context.WithValue(ctx, planKey{}, &pol))
	if err != nil {
		return nil, fmt.Errorf("planning policy: %w", err)
	}
	if pol == nil {
		return nil, errors.New("planning policy: no plan")
	}
	data, err := ast.InterfaceToValue(p.data)
	if err != nil {
		return nil, fmt.Errorf("planning policy: %w", err)
	}
	return loadProgram(pol, ast.NewTerm(data))
}
