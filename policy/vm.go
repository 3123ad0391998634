package policy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// The evaluator of a loaded plan (program.go): one run per decision.

// run is one evaluation of a program. Runs are pooled: an evaluation allocates only the values
// its plan builds.
type run struct {
	prog    *program
	cancel  topdown.Cancel
	memo    []*ast.Term
	memoSet []bool
	stack   []*ast.Term // the locals of the functions being called
	sp      int
	scratch []*ast.Term // arguments of the call being made
	result  *ast.Term
	results int
	bctx    topdown.BuiltinContext
}

// Errors of an evaluation, with topdown's codes so that they are reported alike.
var (
	errVMCancel   = &topdown.Error{Code: topdown.CancelErr, Message: "caller cancelled query execution"}
	errVMConflict = &topdown.Error{Code: topdown.ConflictErr, Message: "complete rules must not produce multiple outputs"}
	errVMObject   = &topdown.Error{Code: topdown.ConflictErr, Message: "object keys must be unique"}
	errVMInternal = &topdown.Error{Code: topdown.InternalErr, Message: "plan evaluation failed"}
)

// eval evaluates the plan for input: the value of the query's single result, nil when undefined.
// A panic (a plan the evaluator misreads) is an evaluation error: the message is refused.
func (prog *program) eval(ctx context.Context, input *ast.Term, cancel topdown.Cancel) (_ *ast.Term, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: evaluator panic: %v", errVMInternal, p)
		}
	}()
	r, _ := prog.runs.Get().(*run)
	if r == nil {
		r = &run{
			prog:    prog,
			memo:    make([]*ast.Term, len(prog.funcs)),
			memoSet: make([]bool, len(prog.funcs)),
			stack:   make([]*ast.Term, prog.stack),
		}
	}
	defer r.release()
	r.cancel = cancel
	// No built-in Veil runs keeps state in bctx.Cache: those that do are refused (program.go).
	r.bctx = topdown.BuiltinContext{Context: ctx, Metrics: noMetrics, Cancel: cancel, Capabilities: capabilities}
	r.scratch = append(r.scratch[:0], input, prog.data)
	if _, err := r.call(prog.planFn, r.scratch); err != nil {
		return nil, err
	}
	if r.results != 1 {
		return nil, nil
	}
	obj, ok := r.result.Value.(ast.Object)
	if !ok || obj.Len() != 1 {
		return nil, fmt.Errorf("%w: unexpected plan result", errPlanUnsupported)
	}
	var v *ast.Term
	obj.Foreach(func(_, val *ast.Term) { v = val })
	return v, nil
}

// release clears r, which must not keep the input or the results alive, and pools it.
func (r *run) release() {
	clear(r.memo)
	clear(r.memoSet)
	clear(r.stack)
	clear(r.scratch)
	r.sp, r.result, r.results, r.cancel, r.bctx = 0, nil, 0, nil, topdown.BuiltinContext{}
	r.prog.runs.Put(r)
}

// done is a block's outcome: normally it is how many blocks to leave beyond the current one
// (-1: the block ran to its end); ret says a ReturnLocalStmt ended the function.
type done struct {
	n   int
	ret bool
	val *ast.Term // the returned value, when ret
}

// call runs f with args; the result is nil when f is undefined.
func (r *run) call(f *vmFunc, args []*ast.Term) (*ast.Term, error) {
	if f.memo >= 0 && r.memoSet[f.memo] {
		return r.memo[f.memo], nil
	}
	if r.cancel != nil && r.cancel.Cancelled() {
		return nil, errVMCancel
	}
	locals := r.stack[r.sp : r.sp+f.locals]
	clear(locals)
	r.sp += f.locals
	defer func() { r.sp -= f.locals }()
	if f.isPlan {
		locals[ir.Input], locals[ir.Data] = args[0], args[1]
	} else {
		for i, p := range f.params {
			locals[p] = args[i]
		}
	}
	out, returned := (*ast.Term)(nil), false
	for _, b := range f.blocks {
		d, err := r.block(locals, b)
		if err != nil {
			return nil, err
		}
		if d.ret {
			out, returned = d.val, true
			break
		}
		if d.n >= 1 { // leaves the function: it returns what it has
			break
		}
	}
	if !f.isPlan && !returned {
		out = locals[f.ret]
	}
	if f.memo >= 0 {
		r.memo[f.memo], r.memoSet[f.memo] = out, true
	}
	return out, nil
}

// block runs the statements of b.
func (r *run) block(l []*ast.Term, b *ir.Block) (done, error) {
	undefined := done{n: 0}
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ir.DotStmt:
			src := r.operand(l, s.Source)
			if src == nil {
				return undefined, nil
			}
			v := dot(src, r.operand(l, s.Key))
			if v == nil {
				return undefined, nil
			}
			l[s.Target] = v
		case *ir.AssignVarStmt:
			l[s.Target] = r.operand(l, s.Source)
		case *ir.AssignVarOnceStmt:
			v := r.operand(l, s.Source)
			if v == nil {
				return undefined, nil
			}
			if old := l[s.Target]; old != nil {
				if old.Value.Compare(v.Value) != 0 {
					return undefined, locate(errVMConflict, s.Location)
				}
				continue
			}
			l[s.Target] = v
		case *ir.CallStmt:
			v, err := r.callStmt(l, s)
			if err != nil {
				return undefined, err
			}
			if v == nil {
				return undefined, nil
			}
			l[s.Result] = v
		case *ir.BlockStmt:
			for _, nb := range s.Blocks {
				d, err := r.block(l, nb)
				if err != nil || d.ret {
					return d, err
				}
				if d.n >= 1 {
					return done{n: d.n - 1}, nil
				}
			}
		case *ir.BreakStmt:
			return done{n: int(s.Index)}, nil
		case *ir.ReturnLocalStmt:
			return done{ret: true, val: l[s.Source]}, nil
		case *ir.ScanStmt:
			d, err := r.scan(l, s)
			if err != nil || d.ret || d.n >= 0 {
				return d, err
			}
		case *ir.NotStmt:
			d, err := r.block(l, s.Block)
			if err != nil || d.ret {
				return d, err
			}
			switch {
			case d.n < 0: // the body holds: not is undefined
				return undefined, nil
			case d.n >= 1:
				return done{n: d.n - 1}, nil
			}
		case *ir.EqualStmt:
			a, b := r.operand(l, s.A), r.operand(l, s.B)
			if a == nil || b == nil || a.Value.Compare(b.Value) != 0 {
				return undefined, nil
			}
		case *ir.NotEqualStmt:
			a, b := r.operand(l, s.A), r.operand(l, s.B)
			if a == nil || b == nil || a.Value.Compare(b.Value) == 0 {
				return undefined, nil
			}
		case *ir.IsDefinedStmt:
			if l[s.Source] == nil {
				return undefined, nil
			}
		case *ir.IsUndefinedStmt:
			if l[s.Source] != nil {
				return undefined, nil
			}
		case *ir.ResetLocalStmt:
			l[s.Target] = nil
		case *ir.MakeObjectStmt:
			l[s.Target] = ast.NewTerm(ast.NewObject())
		case *ir.MakeArrayStmt:
			l[s.Target] = ast.NewTerm(ast.NewArrayWithCapacity(int(s.Capacity)))
		case *ir.MakeSetStmt:
			l[s.Target] = ast.NewTerm(ast.NewSet())
		case *ir.MakeNullStmt:
			l[s.Target] = ast.NullTerm()
		case *ir.MakeNumberIntStmt:
			l[s.Target] = ast.InternedTerm(int(s.Value))
		case *ir.MakeNumberRefStmt:
			l[s.Target] = ast.NewTerm(ast.Number(r.prog.strings[s.Index].Value.(ast.String)))
		case *ir.AssignIntStmt:
			l[s.Target] = ast.InternedTerm(int(s.Value))
		case *ir.LenStmt:
			n, ok := length(r.operand(l, s.Source))
			if !ok {
				return undefined, nil
			}
			l[s.Target] = ast.InternedTerm(n)
		case *ir.ObjectInsertStmt:
			obj, ok := valueOf(l[s.Object]).(ast.Object)
			k, v := r.operand(l, s.Key), r.operand(l, s.Value)
			if !ok || k == nil || v == nil {
				return undefined, nil
			}
			obj.Insert(k, v)
		case *ir.ObjectInsertOnceStmt:
			obj, ok := valueOf(l[s.Object]).(ast.Object)
			k, v := r.operand(l, s.Key), r.operand(l, s.Value)
			if !ok || k == nil || v == nil {
				return undefined, nil
			}
			if old := obj.Get(k); old != nil {
				if old.Value.Compare(v.Value) != 0 {
					return undefined, locate(errVMObject, s.Location)
				}
				continue
			}
			obj.Insert(k, v)
		case *ir.SetAddStmt:
			set, ok := valueOf(l[s.Set]).(ast.Set)
			v := r.operand(l, s.Value)
			if !ok || v == nil {
				return undefined, nil
			}
			set.Add(v)
		case *ir.ArrayAppendStmt:
			arr, ok := valueOf(l[s.Array]).(*ast.Array)
			v := r.operand(l, s.Value)
			if !ok || v == nil {
				return undefined, nil
			}
			*arr = *arr.Append(v) // in place, as the plan expects: locals may share the array
		case *ir.IsArrayStmt:
			if v := r.operand(l, s.Source); v == nil || !isArray(v.Value) {
				return undefined, nil
			}
		case *ir.IsObjectStmt:
			if v := r.operand(l, s.Source); v == nil || !isObject(v.Value) {
				return undefined, nil
			}
		case *ir.IsSetStmt:
			if v := r.operand(l, s.Source); v == nil || !isSet(v.Value) {
				return undefined, nil
			}
		case *ir.ResultSetAddStmt:
			r.result = l[s.Value]
			r.results++
		case *ir.NopStmt:
		default:
			return undefined, fmt.Errorf("%w: statement %T", errPlanUnsupported, s)
		}
	}
	return done{n: -1}, nil
}

// scan runs s's body for every element of its source. Its outcome is that of the block holding
// the scan: -1 to go on after it.
func (r *run) scan(l []*ast.Term, s *ir.ScanStmt) (done, error) {
	src := l[s.Source]
	if src == nil {
		return done{n: 0}, nil
	}
	var d done
	var err error
	body := func(k, v *ast.Term) bool {
		if r.cancel != nil && r.cancel.Cancelled() {
			err = errVMCancel
			return true
		}
		l[s.Key], l[s.Value] = k, v
		d, err = r.block(l, s.Block)
		return err != nil || d.ret || d.n >= 1
	}
	switch c := src.Value.(type) {
	case *ast.Array:
		for i := range c.Len() {
			if body(ast.InternedTerm(i), c.Elem(i)) {
				break
			}
		}
	case ast.Object:
		c.Until(body)
	case ast.Set:
		c.Until(func(x *ast.Term) bool { return body(x, x) })
	default:
		return done{n: -1}, nil
	}
	switch {
	case err != nil || d.ret:
		return d, err
	case d.n == 1: // ends the scan
		return done{n: -1}, nil
	case d.n >= 2:
		return done{n: d.n - 2}, nil
	}
	return done{n: -1}, nil
}

// callStmt calls a plan function or a built-in; nil is undefined.
func (r *run) callStmt(l []*ast.Term, s *ir.CallStmt) (*ast.Term, error) {
	t := r.prog.calls[s]
	// A function copies its arguments into its locals, so one scratch slice serves every call of
	// one. A built-in gets a slice of its own: it may keep it (in an array it returns).
	var args []*ast.Term
	if t.fn != nil {
		args = r.scratch[:0]
	} else {
		args = make([]*ast.Term, 0, len(s.Args))
	}
	for _, a := range s.Args {
		v := r.operand(l, a)
		if v == nil {
			return nil, nil
		}
		args = append(args, v)
	}
	if t.fn != nil {
		r.scratch = args
	}
	if t.fn != nil {
		return r.call(t.fn, args)
	}
	var out *ast.Term
	err := t.builtin(r.bctx, args, func(t *ast.Term) error { out = t; return nil })
	if err != nil {
		// As topdown without strict built-in errors: a built-in error is undefined, a halt stops.
		var h topdown.Halt
		if errors.As(err, &h) {
			return nil, h.Err
		}
		return nil, nil
	}
	return out, nil
}

func (r *run) operand(l []*ast.Term, o ir.Operand) *ast.Term {
	switch v := o.Value.(type) {
	case ir.Local:
		return l[v]
	case ir.StringIndex:
		return r.prog.strings[v]
	case ir.Bool:
		return ast.InternedTerm(bool(v))
	}
	return nil
}

// dot is src[key]: an object's value, an array's element or a set's member; nil when undefined.
func dot(src, key *ast.Term) *ast.Term {
	if key == nil {
		return nil
	}
	switch c := src.Value.(type) {
	case ast.Object:
		return c.Get(key)
	case *ast.Array:
		n, ok := key.Value.(ast.Number)
		if !ok {
			return nil
		}
		i, ok := n.Int()
		if !ok || i < 0 || i >= c.Len() {
			return nil
		}
		return c.Elem(i)
	case ast.Set:
		if c.Contains(key) {
			return key
		}
	}
	return nil
}

func length(t *ast.Term) (int, bool) {
	if t == nil {
		return 0, false
	}
	switch c := t.Value.(type) {
	case ast.Object:
		return c.Len(), true
	case *ast.Array:
		return c.Len(), true
	case ast.Set:
		return c.Len(), true
	case ast.String:
		return utf8.RuneCountInString(string(c)), true
	}
	return 0, false
}

// valueOf is t's value, nil for an undefined local.
func valueOf(t *ast.Term) ast.Value {
	if t == nil {
		return nil
	}
	return t.Value
}

func isArray(v ast.Value) bool  { _, ok := v.(*ast.Array); return ok }
func isObject(v ast.Value) bool { _, ok := v.(ast.Object); return ok }
func isSet(v ast.Value) bool    { _, ok := v.(ast.Set); return ok }

// locate copies a topdown error with the plan location of the statement that raised it.
func locate(e *topdown.Error, loc ir.Location) error {
	out := *e
	if loc.File >= 0 {
		out.Message = e.Message + " (row " + strconv.Itoa(loc.Row) + ")"
	}
	return &out
}
