package policy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// agreementSamples is how many generated inputs a plan must decide exactly as topdown does
// before Veil uses it (about 20 ms for the default pack). A pack too slow to check is evaluated by
// topdown: one evaluation may take agreementEvalBudget, all of them agreementBudget. Both are
// hundreds of times what the default pack needs, even under the race detector on a busy machine,
// so whether a pack is planned does not depend on the machine; they exist for packs that take
// seconds per decision, which must not hold a reload for long.
const (
	agreementSamples    = 256
	agreementEvalBudget = time.Second
	agreementBudget     = 10 * time.Second
)

// errPlanUnchecked is why a plan whose agreement check ran out of time is not used.
var errPlanUnchecked = errors.New("checking the plan against topdown took too long")

// errPlanDisagrees is why a plan that decided a sample input differently from topdown is not used.
var errPlanDisagrees = errors.New("the plan evaluator and topdown disagree on a generated input")

// checkAgreement evaluates generated inputs with prog and with the rules as written (q) and
// reports the first input on which they differ in value, or where only one of them fails. The
// inputs are the same on every load (a fixed seed), so a pack is planned or not deterministically.
func checkAgreement(ctx context.Context, prog *program, q rego.PreparedEvalQuery, txn storage.Transaction, withID bool) error {
	start := time.Now()
	rng := rand.New(rand.NewPCG(0x7665696c, 0x706c616e))
	pc := &partCache{}
	for i := range agreementSamples {
		if time.Since(start) > agreementBudget {
			return errPlanUnchecked
		}
		in := sampleInput(rng)
		input := in.astValue(withID, pc)
		cancel := topdown.NewCancel()
		timer := time.AfterFunc(agreementEvalBudget, cancel.Cancel)
		pv, perr := prog.eval(ctx, ast.NewTerm(input), cancel)
		rs, werr := q.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTransaction(txn), rego.EvalMetrics(noMetrics),
			rego.EvalExternalCancel(cancel))
		timer.Stop()
		if cancel.Cancelled() {
			return errPlanUnchecked
		}
		var wv *ast.Term
		if werr == nil && len(rs) > 0 && len(rs[0].Expressions) > 0 {
			wv, _ = rs[0].Expressions[0].Value.(*ast.Term)
		}
		if (perr != nil) != (werr != nil) || (pv == nil) != (wv == nil) || (pv != nil && pv.Value.Compare(wv.Value) != 0) {
			return fmt.Errorf("%w (sample %d)", errPlanDisagrees, i)
		}
	}
	return nil
}

// sampleInput draws an input from small pools that reach every branch of the default pack (every
// finding type and an unknown one, known and unknown purposes, directions, regions and transfer
// mechanisms, with and without consent, objections and listed types) and vary every other field.
func sampleInput(rng *rand.Rand) Input {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	types := append(findingTypes[:], "FOO", "")
	purpose := pick("support", "marketing", "profiling", "sales", "")
	in := Input{
		Direction: Direction(pick("request", "request", "response", "sideways", "")),
		Route:     Route{Name: pick("chat", "ws", "api"), Kind: pick("chat", "websocket", "rest"), Purpose: purpose},
		Subject:   Subject{Consent: map[string]bool{}, NoticeShown: rng.IntN(2) == 0},
		Request: Request{
			Method:      pick("POST", "GET", "PUT"),
			Path:        pick("/webhooks/rest/webhook", "/socket.io/", "/", "/api/v1/chat"),
			ContentType: pick("application/json", "text/event-stream", "", "text/plain; charset=utf-8"),
		},
		Upstream: Upstream{
			Name:              pick("bot", "llm"),
			Region:            pick("eu-central-1", "westeurope", "de", "", "us-east-1", "ap-south-1"),
			TransferMechanism: pick("", "", "scc", "dpf", "none"),
		},
	}
	if rng.IntN(2) == 0 {
		in.Subject.ID = pick("s-1", "s-2")
	}
	for _, p := range []string{"support", "marketing", "profiling"} {
		if rng.IntN(3) > 0 {
			in.Subject.Consent[p] = rng.IntN(3) > 0
		}
	}
	if rng.IntN(4) == 0 {
		in.Subject.Objections = []string{pick("support", "marketing", "profiling")}
	}
	for range rng.IntN(3) {
		in.Route.AllowedTypes = append(in.Route.AllowedTypes, pick(types...))
	}
	for range rng.IntN(5) {
		in.Findings = append(in.Findings, Finding{
			Type: pick(types...), Subtype: pick("", "", "DE", "FR"), Confidence: float64(50+rng.IntN(51)) / 100,
			Field: pick("message", "text", "metadata.name"), Count: 1 + rng.IntN(3),
		})
	}
	return in
}
