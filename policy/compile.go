package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// DecisionQuery is the one query Veil asks a pack: package veil, rule decision.
const DecisionQuery = "data.veil.decision"

var decisionQuery = ast.MustParseBody(DecisionQuery)

// capabilities are OPA's builtins minus the non-deterministic ones (http.send, time.now_ns,
// rand.intn, uuid.rfc4122, ...): a decision must be a function of input and data alone, which is
// also what makes caching decisions by input correct. Network access is denied.
var capabilities = func() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := c.Builtins[:0]
	for _, b := range c.Builtins {
		if !b.Nondeterministic {
			kept = append(kept, b)
		}
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}()

// compiled is one pack ready to evaluate: compiled once, prepared once, evaluated per message.
type compiled struct {
	pack *Pack
	// query is what Decide evaluates when the pack is not planned (prog is nil): the pack with
	// its data folded into its rules (see fold.go), or asWritten when it cannot be folded.
	query rego.PreparedEvalQuery
	// asWritten is the pack's rules as written, for traces (Explain): a trace must show the rules
	// a compliance team reads.
	asWritten rego.PreparedEvalQuery
	// foldErr says why the pack is evaluated as written (nil when its data is folded).
	foldErr error
	// prog is the pack's plan, which Decide evaluates instead of query when it is not nil
	// (see plan.go); planErr says why there is none.
	prog    *program
	planErr error
	// txn is one read transaction on the pack's private store, shared by every evaluation: the
	// store is never written, and reads in a read transaction only traverse immutable data. It
	// saves opening a transaction (and taking a lock) per message.
	txn storage.Transaction
	// compiler and store are kept for tools (Explain), never used per message.
	compiler *ast.Compiler
	store    storage.Store
	// readsSubjectID is false when no policy module can read input.subject.id; the id is then left
	// out of the input and of the cache key, so decisions are shared across subjects.
	readsSubjectID bool
}

// newCompiler returns the compiler every pack is compiled with.
func newCompiler(strict, print bool) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(capabilities).
		WithStrict(strict).
		WithEnablePrintStatements(print).
		WithDefaultRegoVersion(ast.RegoV1)
}

// newStore returns a read-only-by-convention store holding the pack's data as AST values.
func (p *Pack) newStore() storage.Store {
	return inmem.NewFromObjectWithOpts(p.data, inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))
}

// compile compiles the pack's policy modules in strict mode and prepares the decision query.
func (p *Pack) compile(ctx context.Context) (*compiled, error) {
	mods := p.policyModules()
	c := newCompiler(true, false)
	if c.Compile(mods); c.Failed() {
		return nil, fmt.Errorf("compiling policy: %w", c.Errors)
	}
	if !definesDecision(c) {
		return nil, fmt.Errorf("compiling policy: no rule %s (package veil, rule decision)", DecisionQuery)
	}
	store := p.newStore()
	q, err := prepare(ctx, c, store)
	if err != nil {
		return nil, fmt.Errorf("preparing policy: %w", err)
	}
	folded, foldErr := p.prepareFolded(ctx, mods, store)
	if foldErr != nil {
		folded = q
	}
	prog, planErr := p.plan(ctx, mods, store)
	// Opened after every PrepareForEval, never committed or aborted: see compiled.txn.
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing policy: %w", err)
	}
	withID := readsSubjectID(mods)
	if planErr == nil {
		if planErr = checkAgreement(ctx, prog, q, txn, withID); planErr != nil {
			prog = nil
		}
	}
	return &compiled{
		pack: p, query: folded, asWritten: q, foldErr: foldErr, prog: prog, planErr: planErr,
		txn: txn, compiler: c, store: store,
		readsSubjectID: withID,
	}, nil
}

// prepare prepares the decision query against a compiled pack.
func prepare(ctx context.Context, c *ast.Compiler, store storage.Store) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.ParsedQuery(decisionQuery),
		rego.Compiler(c),
		rego.Store(store),
		rego.StoreReadAST(true),
		rego.Strict(true),
		rego.Capabilities(capabilities),
		rego.SetRegoVersion(ast.RegoV1),
		rego.GenerateJSON(passTerm),
	).PrepareForEval(ctx)
}

// prepareFolded compiles the policy modules (which compiled as written) again with the pack's
// data folded into them, and prepares the decision query on the result. An error says why the
// pack must be evaluated as written.
func (p *Pack) prepareFolded(ctx context.Context, mods map[string]*ast.Module, store storage.Store) (rego.PreparedEvalQuery, error) {
	if err := foldable(mods); err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	data, err := ast.InterfaceToValue(p.data)
	if err != nil {
		return rego.PreparedEvalQuery{}, fmt.Errorf("folding data: %w", err)
	}
	obj, ok := data.(ast.Object)
	if !ok {
		return rego.PreparedEvalQuery{}, errors.New("folding data: data is not an object")
	}
	// Not strict: the modules passed the strict compile already, and a folded import is unused.
	c := newCompiler(false, false).WithStageAfterID(ast.StageResolveRefs, foldStage(obj))
	if c.Compile(mods); c.Failed() {
		return rego.PreparedEvalQuery{}, fmt.Errorf("compiling folded policy: %w", c.Errors)
	}
	q, err := prepare(ctx, c, store)
	if err != nil {
		return rego.PreparedEvalQuery{}, fmt.Errorf("preparing folded policy: %w", err)
	}
	return q, nil
}

// passTerm hands results back as AST terms: the decision is parsed from them directly.
func passTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

func definesDecision(c *ast.Compiler) bool {
	return len(c.GetRulesExact(ast.MustParseRef(DecisionQuery))) > 0
}

// readsSubjectID reports whether any module might read input.subject.id: a reference to input,
// input.subject, input.subject.id or input.subject[x] (a variable) counts, as does any alias of
// those by import.
func readsSubjectID(mods map[string]*ast.Module) bool {
	found := false
	for _, m := range mods {
		ast.WalkRefs(m, func(r ast.Ref) bool {
			if found || !r.HasPrefix(ast.InputRootRef) {
				return found
			}
			if len(r) < 2 || !stringTerm(r[1], "subject", true) {
				found = len(r) < 2 || !isString(r[1])
				return found
			}
			found = len(r) < 3 || !isString(r[2]) || stringTerm(r[2], "id", true)
			return found
		})
		if found {
			return true
		}
	}
	return false
}

func isString(t *ast.Term) bool {
	_, ok := t.Value.(ast.String)
	return ok
}

// stringTerm reports whether t is the string s (ignoring case when fold is set: the check is
// conservative, never the reverse).
func stringTerm(t *ast.Term, s string, fold bool) bool {
	v, ok := t.Value.(ast.String)
	if !ok {
		return false
	}
	if fold {
		return strings.EqualFold(string(v), s)
	}
	return string(v) == s
}
