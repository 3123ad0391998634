package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/topdown"
)

// Why an evaluation failed closed. Every one comes with the refusal returned by Decide.
var (
	// ErrUndefined: the pack does not define data.veil.decision for this input.
	ErrUndefined = errors.New("policy decision undefined")
	// ErrMalformed: the decision is not an object of the documented fields and types.
	ErrMalformed = errors.New("policy decision malformed")
	// ErrTimeout: the evaluation took longer than the configured timeout.
	ErrTimeout = errors.New("policy evaluation timed out")
	// ErrCanceled: the caller's context was canceled during the evaluation.
	ErrCanceled = errors.New("policy evaluation canceled")
	// ErrEvaluation: the evaluation itself failed (a conflict between rules, a builtin error).
	ErrEvaluation = errors.New("policy evaluation failed")
)

// Error reasons, the label values of veil_policy_errors_total.
const (
	errUndefined = "undefined"
	errEval      = "eval"
	errTimeout   = "timeout"
	errCanceled  = "canceled"
	errMalformed = "malformed"
)

// evalError wraps an OPA evaluation error without its message, which may quote input values
// (builtin errors do): only the error code and the policy location are kept. timedOut says the
// evaluation timer fired.
func evalError(ctx context.Context, timedOut bool, err error) (string, error) {
	var code, loc string
	var te *topdown.Error
	if errors.As(err, &te) {
		code = te.Code
		if te.Location != nil {
			loc = te.Location.String()
		}
	}
	switch {
	case timedOut && topdown.IsCancel(err):
		return errTimeout, ErrTimeout
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errTimeout, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	case ctx.Err() != nil:
		return errCanceled, fmt.Errorf("%w: %w", ErrCanceled, ctx.Err())
	case loc != "":
		return errEval, fmt.Errorf("%w: %s at %s", ErrEvaluation, code, loc)
	case code != "":
		return errEval, fmt.Errorf("%w: %s", ErrEvaluation, code)
	}
	return errEval, ErrEvaluation
}

// reasonOf maps an error returned by Decide to its metric label.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, ErrUndefined):
		return errUndefined
	case errors.Is(err, ErrMalformed):
		return errMalformed
	case errors.Is(err, ErrTimeout):
		return errTimeout
	case errors.Is(err, ErrCanceled):
		return errCanceled
	}
	return errEval
}
