package policy

import (
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Folding a pack's data into its rules.
//
// A pack's data (data.json) is fixed when the pack loads: the store that holds it is private to
// the pack and never written. Every reference from a rule into that data, such as
// data.veil.config.token_format or data.veil.config.actions[situation], can therefore be replaced
// by the value it reads, once, when the pack is compiled: the first becomes the object itself,
// the second a lookup in the literal object. OPA reads a literal far faster than the store
// (a store read is about 1.5 µs per reference, a literal a fraction of that), and the decision is
// the same, since the literal is the very value the store would have returned.
//
// Only the engine's decision query is folded. The pack's tests, veil policy explain and every
// tool evaluate the rules as written, so that tests can override data with `with` and a trace
// shows the rules a compliance team reads.
//
// A reference is folded only when its path lies wholly in the pack's data and no rule is defined
// at, above or below that path (a rule there would merge with the data, and only evaluation knows
// the result). A pack whose policy modules replace data with `with` is not folded at all.

// errFoldWith is why a pack that overrides data with `with` is evaluated as written.
var errFoldWith = errors.New("a policy module replaces data with `with`")

// foldStage is the compiler stage that folds data into the rules. It runs right after
// references are resolved (import aliases such as cfg are then full data references) and before
// the stages that rewrite and check rule bodies, so a folded literal is compiled like one written
// by hand.
func foldStage(data ast.Object) ast.CompilerStageDefinition {
	return ast.CompilerStageDefinition{
		Name:       "VeilFoldData",
		MetricName: "compile_stage_veil_fold_data",
		Stage:      func(c *ast.Compiler) *ast.Error { foldData(c.Modules, data); return nil },
	}
}

// foldData replaces, in the rules of mods, every reference into data by the value it reads.
func foldData(mods map[string]*ast.Module, data ast.Object) {
	var rulePaths []ast.Ref
	for _, m := range mods {
		for _, r := range m.Rules {
			rulePaths = append(rulePaths, r.Ref().GroundPrefix())
		}
	}
	for _, m := range mods {
		for _, r := range m.Rules {
			ast.WalkTerms(r, func(t *ast.Term) bool {
				ref, ok := t.Value.(ast.Ref)
				if !ok || !ref.HasPrefix(ast.DefaultRootRef) {
					return false
				}
				if v := foldRef(ref, data, rulePaths); v != nil {
					t.Value = v
					return true
				}
				return false
			})
		}
	}
}

// foldRef returns what replaces ref (a reference rooted at data): the value of its longest prefix
// that lies in data, followed by the rest of the reference, or nil to leave ref as it is.
func foldRef(ref ast.Ref, data ast.Object, rulePaths []ast.Ref) ast.Value {
	var cur ast.Value = data
	n := 1
	for ; n < len(ref); n++ {
		if _, ok := ref[n].Value.(ast.String); !ok {
			break
		}
		obj, ok := cur.(ast.Object)
		if !ok {
			break
		}
		v := obj.Get(ref[n])
		if v == nil {
			break
		}
		cur = v.Value
	}
	if n == 1 {
		return nil
	}
	prefix := ref[:n]
	for _, p := range rulePaths {
		if p.HasPrefix(prefix) || prefix.HasPrefix(p) {
			return nil
		}
	}
	if n == len(ref) {
		return cur
	}
	out := make(ast.Ref, 0, len(ref)-n+1)
	out = append(out, ast.NewTerm(cur).SetLocation(ref[0].Location))
	return append(out, ref[n:]...)
}

// foldable reports why the policy modules cannot be folded, or nil when they can.
func foldable(mods map[string]*ast.Module) error {
	var err error
	for _, m := range mods {
		ast.WalkWiths(m, func(w *ast.With) bool {
			if ref, ok := w.Target.Value.(ast.Ref); ok && ref.HasPrefix(ast.DefaultRootRef) {
				err = fmt.Errorf("%w (%s)", errFoldWith, w.Location)
			}
			return err != nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
