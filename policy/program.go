package policy

import (
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// program is a loaded plan: its functions, string constants and built-ins resolved once.
//
// Control flow follows OPA's WebAssembly compiler, the reference for what a plan means: a block
// runs its statements until one is undefined (which leaves the block) or a break leaves it and
// n enclosing blocks; the blocks of a BlockStmt, the body of a NotStmt and of a function are
// blocks; a ScanStmt's body is a loop inside a block of its own, so a break 0 there continues
// the loop and a break 1 ends the scan.
type program struct {
	plan    *ir.Plan
	planFn  *vmFunc // the plan's blocks, run like a function without parameters
	funcs   map[string]*vmFunc
	calls   map[*ir.CallStmt]callTarget
	strings []*ast.Term
	data    *ast.Term
	// stack is how many locals a run needs at most: the sum over all functions, since a call
	// chain holds each function at most once (Rego has no recursion).
	stack int
	runs  sync.Pool // of *run, reused across evaluations
}

type vmFunc struct {
	fn     *ir.Func
	blocks []*ir.Block
	params []ir.Local
	ret    ir.Local
	locals int  // one more than the highest local it uses
	memo   int  // index in an evaluation's memo table, -1 when not memoized
	isPlan bool // the entry plan: results go to the result set
}

// callTarget is what a CallStmt calls: a function of the plan or a built-in.
type callTarget struct {
	fn      *vmFunc
	builtin topdown.BuiltinFunc
	name    string
}

// errPlanUnsupported is why a plan is refused; the pack is then evaluated by topdown.
var errPlanUnsupported = errors.New("plan not supported by Veil's evaluator")

// unplannedBuiltins read evaluation state a plan does not carry (tracing, printing, runtime,
// clock) or are not deterministic; a plan calling one is refused.
var unplannedBuiltins = map[string]bool{
	"trace": true, "print": true, "internal.print": true, "opa.runtime": true,
	"io.jwt.decode_verify": true, "io.jwt.encode_sign": true, "io.jwt.encode_sign_raw": true,
	"time.now_ns": true, "internal.test_case": true,
}

// loadProgram resolves pol for evaluation, refusing what the evaluator does not implement.
func loadProgram(pol *ir.Policy, data *ast.Term) (*program, error) {
	if pol.Plans == nil || len(pol.Plans.Plans) != 1 {
		return nil, fmt.Errorf("%w: want one plan", errPlanUnsupported)
	}
	prog := &program{
		plan:  pol.Plans.Plans[0],
		funcs: make(map[string]*vmFunc),
		calls: make(map[*ir.CallStmt]callTarget),
		data:  data,
	}
	for _, s := range pol.Static.Strings {
		prog.strings = append(prog.strings, ast.StringTerm(s.Value))
	}
	memo := 0
	if pol.Funcs != nil {
		for _, f := range pol.Funcs.Funcs {
			vf := &vmFunc{fn: f, blocks: f.Blocks, params: f.Params, ret: f.Return, memo: -1}
			if len(f.Params) == 2 { // (input, data): a rule, memoized per evaluation
				vf.memo = memo
				memo++
			}
			prog.funcs[f.Name] = vf
		}
	}
	prog.planFn = &vmFunc{blocks: prog.plan.Blocks, memo: -1, isPlan: true}
	all := []*vmFunc{prog.planFn}
	for _, f := range prog.funcs {
		all = append(all, f)
	}
	for _, f := range all {
		if err := prog.check(f); err != nil {
			return nil, err
		}
		prog.stack += f.locals
	}
	return prog, nil
}

// check walks f: it counts its locals, resolves its calls and refuses unsupported statements.
func (prog *program) check(f *vmFunc) error {
	maxLocal := ir.Data
	use := func(l ir.Local) {
		maxLocal = max(maxLocal, l)
	}
	for _, l := range f.params {
		use(l)
	}
	use(f.ret)
	var err error
	operand := func(o ir.Operand) {
		switch v := o.Value.(type) {
		case ir.Local:
			use(v)
		case ir.StringIndex:
			if int(v) >= len(prog.strings) && err == nil {
				err = fmt.Errorf("%w: string constant %d out of range", errPlanUnsupported, v)
			}
		case ir.Bool:
		default:
			if err == nil {
				err = fmt.Errorf("%w: operand %T", errPlanUnsupported, o.Value)
			}
		}
	}
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		for _, s := range b.Stmts {
			switch s := s.(type) {
			case *ir.ReturnLocalStmt:
				use(s.Source)
			case *ir.CallStmt:
				for _, a := range s.Args {
					operand(a)
				}
				use(s.Result)
				if t, ok := prog.funcs[s.Func]; ok {
					if len(s.Args) != len(t.params) && err == nil {
						err = fmt.Errorf("%w: %s called with %d arguments", errPlanUnsupported, s.Func, len(s.Args))
					}
					prog.calls[s] = callTarget{fn: t, name: s.Func}
					continue
				}
				bi, ok := ast.BuiltinMap[s.Func]
				fn := topdown.GetBuiltin(s.Func)
				if !ok || fn == nil || bi.Nondeterministic || bi.Relation || unplannedBuiltins[s.Func] || bi.Decl.Result() == nil {
					if err == nil {
						err = fmt.Errorf("%w: built-in %s", errPlanUnsupported, s.Func)
					}
					continue
				}
				prog.calls[s] = callTarget{builtin: fn, name: s.Func}
			case *ir.BlockStmt:
				for _, b := range s.Blocks {
					walk(b)
				}
			case *ir.BreakStmt, *ir.NopStmt:
			case *ir.DotStmt:
				operand(s.Source)
				operand(s.Key)
				use(s.Target)
			case *ir.LenStmt:
				operand(s.Source)
				use(s.Target)
			case *ir.ScanStmt:
				use(s.Source)
				use(s.Key)
				use(s.Value)
				walk(s.Block)
			case *ir.NotStmt:
				walk(s.Block)
			case *ir.AssignIntStmt:
				use(s.Target)
			case *ir.AssignVarStmt:
				operand(s.Source)
				use(s.Target)
			case *ir.AssignVarOnceStmt:
				operand(s.Source)
				use(s.Target)
			case *ir.ResetLocalStmt:
				use(s.Target)
			case *ir.MakeNullStmt:
				use(s.Target)
			case *ir.MakeNumberIntStmt:
				use(s.Target)
			case *ir.MakeNumberRefStmt:
				use(s.Target)
				if s.Index >= len(prog.strings) && err == nil {
					err = fmt.Errorf("%w: number constant %d out of range", errPlanUnsupported, s.Index)
				}
			case *ir.MakeArrayStmt:
				use(s.Target)
			case *ir.MakeObjectStmt:
				use(s.Target)
			case *ir.MakeSetStmt:
				use(s.Target)
			case *ir.EqualStmt:
				operand(s.A)
				operand(s.B)
			case *ir.NotEqualStmt:
				operand(s.A)
				operand(s.B)
			case *ir.IsArrayStmt:
				operand(s.Source)
			case *ir.IsObjectStmt:
				operand(s.Source)
			case *ir.IsSetStmt:
				operand(s.Source)
			case *ir.IsDefinedStmt:
				use(s.Source)
			case *ir.IsUndefinedStmt:
				use(s.Source)
			case *ir.ArrayAppendStmt:
				operand(s.Value)
				use(s.Array)
			case *ir.ObjectInsertStmt:
				operand(s.Key)
				operand(s.Value)
				use(s.Object)
			case *ir.ObjectInsertOnceStmt:
				operand(s.Key)
				operand(s.Value)
				use(s.Object)
			case *ir.SetAddStmt:
				operand(s.Value)
				use(s.Set)
			case *ir.ResultSetAddStmt:
				use(s.Value)
			default: // WithStmt, CallDynamicStmt, ObjectMergeStmt and anything new
				if err == nil {
					err = fmt.Errorf("%w: statement %T", errPlanUnsupported, s)
				}
			}
		}
	}
	for _, b := range f.blocks {
		walk(b)
	}
	f.locals = int(maxLocal) + 1
	return err
}
