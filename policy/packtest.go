package policy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestOptions tune a run of a pack's Rego tests.
type TestOptions struct {
	// Filter runs only tests whose name matches this regular expression.
	Filter string
	// Trace records an evaluation trace in each result (for verbose reports of failures).
	Trace bool
	// Timeout bounds each test. Default 5s.
	Timeout time.Duration
}

// Test runs the pack's Rego tests (rules named test_* in its *_test.rego files, with the pack's
// data) with OPA's tester and returns every result, in source order.
func (p *Pack) Test(ctx context.Context, opts TestOptions) ([]*tester.Result, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	store := p.newStore()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("running policy tests: %w", err)
	}
	defer store.Abort(ctx, txn)
	r := tester.NewRunner().
		SetCompiler(newCompiler(false, true)).
		SetStore(store).
		SetModules(p.modules).
		SetTimeout(opts.Timeout).
		EnableTracing(opts.Trace).
		CapturePrintOutput(true).
		Filter(opts.Filter)
	ch, err := r.RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("running policy tests: %w", err)
	}
	var out []*tester.Result
	for res := range ch {
		out = append(out, res)
	}
	sortResults(out)
	return out, nil
}

// Tests is the number of *_test.rego files in the pack.
func (p *Pack) Tests() int { return p.tests }

// sortResults orders results as they appear in the source: by file, line, then name.
func sortResults(rs []*tester.Result) {
	loc := func(r *tester.Result) (string, int) {
		if r.Location == nil {
			return "", 0
		}
		return r.Location.File, r.Location.Row
	}
	slices.SortFunc(rs, func(a, b *tester.Result) int {
		af, ar := loc(a)
		bf, br := loc(b)
		return cmp.Or(cmp.Compare(af, bf), cmp.Compare(ar, br), cmp.Compare(a.Package, b.Package), cmp.Compare(a.Name, b.Name))
	})
}

// ErrTestsFailed marks a pack refused because its own tests fail.
var ErrTestsFailed = errors.New("policy tests failed")

// verify runs the pack's tests and returns ErrTestsFailed (with the failing test names) unless
// every test passes.
func (p *Pack) verify(ctx context.Context) (passed int, err error) {
	results, err := p.Test(ctx, TestOptions{})
	if err != nil {
		return 0, err
	}
	var failed []string
	for _, r := range results {
		switch {
		case r.Skip:
		case r.Pass():
			passed++
		case r.Error != nil:
			// The pack's own test inputs, never traffic: the error may be quoted, bounded.
			failed = append(failed, fmt.Sprintf("%s.%s (error: %.200s)", r.Package, r.Name, r.Error))
		default:
			failed = append(failed, r.Package+"."+r.Name)
		}
	}
	if len(failed) > 0 {
		return passed, fmt.Errorf("%w: %d of %d: %s", ErrTestsFailed, len(failed), len(results), strings.Join(failed, ", "))
	}
	return passed, nil
}
