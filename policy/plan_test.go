package policy

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestPlannedDecisionsMatchRules is the differential test of the plan evaluator: for every pack
// it can run and many generated inputs, it gives exactly the value topdown gives for the rules as
// written, and fails exactly when topdown fails.
func TestPlannedDecisionsMatchRules(t *testing.T) {
	t.Parallel()
	for _, tc := range foldPacks {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := compileFoldPack(t, tc.files, tc.edits)
			if c.prog == nil {
				t.Skipf("not planned: %v", c.planErr)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for range 3000 {
				in := sampleInput(rng)
				checkPlanned(t, c, &in)
			}
		})
	}
}

// checkPlanned evaluates in with the plan and with the rules as written and fails on any
// difference in value, or when only one of them fails.
func checkPlanned(t testing.TB, c *compiled, in *Input) planOutcome {
	t.Helper()
	pc := &partCache{}
	pv, perr := c.prog.eval(context.Background(), ast.NewTerm(in.astValue(c.readsSubjectID, pc)), nil)
	wv, werr := evalAsWritten(c, in, pc)
	if (perr != nil) != (werr != nil) || (pv == nil) != (wv == nil) || (pv != nil && pv.Value.Compare(wv) != 0) {
		t.Fatalf("input %+v:\nplanned:    %v %v\nas written: %v %v", *in, pv, perr, wv, werr)
	}
	switch {
	case perr != nil:
		return planFailed
	case pv == nil:
		return planUndefined
	}
	return planDefined
}

// planOutcome is what an evaluation gave, so that a test can check its inputs reach each.
type planOutcome int

const (
	planDefined planOutcome = iota
	planUndefined
	planFailed
)

// planPacks exercise the statements the planner emits: functions, else, defaults,
// comprehensions, every, partial sets and objects, negation, conflicts, built-in errors,
// numbers, data arrays and iteration over objects.
var planPacks = []struct {
	desc  string
	files map[string]string
}{
	{desc: "functions, else and defaults", files: map[string]string{"p.rego": `package veil

size(n) := "big" if n > 2
else := "one" if n == 1
else := "small"

shout(t) := upper(t) if startswith(t, "E")

default joined := "none"

joined := concat(",", sort([f.type | some f in input.findings])) if count(input.findings) > 0

decision := {
	"allow": true,
	"size": size(count(input.findings)),
	"shout": [shout(f.type) | some f in input.findings],
	"joined": joined,
}
`}},
	{desc: "comprehensions and every", files: map[string]string{"p.rego": `package veil

types := {f.type | some f in input.findings}

counts := {t: n | some t in types; n := count([f | some f in input.findings; f.type == t])}

default contact_only := false

contact_only if every f in input.findings {
	f.type in {"EMAIL", "PHONE"}
}

firsts := [t | some i, f in input.findings; i < 2; t := f.type]

decision := {"allow": contact_only, "counts": counts, "types": types, "firsts": firsts}
`}},
	{desc: "partial sets and objects, negation, conflicts", files: map[string]string{"p.rego": `package veil

by_type[t] := n if {
	some f in input.findings
	t := f.type
	n := f.count
}

tags contains lower(f.type) if {
	some f in input.findings
	not f.type in input.route.allowed_types
}

default allow := true

allow := false if {
	some t in tags
	not startswith(t, "e")
}

decision := {"allow": allow, "by_type": by_type, "tags": tags}
`}},
	{desc: "numbers, strings and built-in errors", files: map[string]string{"p.rego": `package veil

default ratio := -1

ratio := 10 / count(input.findings)

default region_parts := []

region_parts := split(input.upstream.region, "-")

decision := {
	"allow": regex.match("^eu", input.upstream.region),
	"ratio": ratio,
	"parts": region_parts,
	"label": sprintf("%v-%d", [input.route.purpose, count(input.findings)]),
	"n": to_number("1.5") * 2,
	"sum": sum([1, 2.5, count(input.route.allowed_types)]),
	"range": numbers.range(1, 3),
	"rounded": round(2.5),
	"big": 12345678901234567890,
	"int": to_number(object.get(input.subject.consent, "missing", 0)),
}
`}},
	{desc: "a complete rule with two values", files: map[string]string{"p.rego": `package veil

x := 1 if input.direction == "request"

x := 2 if input.upstream.region == "eu-central-1"

decision := {"allow": true, "x": x}
`}},
	{desc: "data arrays and nested data", files: map[string]string{
		"data.json": `{"veil": {"list": ["EMAIL", "IBAN", "HEALTH"], "nested": {"request": {"a": [1, {"b": true}]}, "response": {"a": []}}}}`,
		"p.rego": `package veil

listed contains i if {
	some i, t in data.veil.list
	some f in input.findings
	f.type == t
}

decision := {
	"allow": true,
	"second": data.veil.list[1],
	"listed": listed,
	"a": object.get(data.veil.nested, [input.direction, "a"], "none"),
	"b": [x | x := data.veil.nested[input.direction].a[1].b],
}
`}},
	{desc: "request fields, numbers and the subject id", files: map[string]string{"p.rego": `package veil

confident contains f.type if {
	some f in input.findings
	f.confidence >= 0.8
}

default streaming := false

streaming if input.request.content_type == "text/event-stream"

default api := false

api if regex.match("^/api/", input.request.path)

decision := {
	"allow": api == false,
	"confident": confident,
	"streaming": streaming,
	"who": object.get(input.subject, "id", ""),
	"counts": sum([f.count | some f in input.findings]),
	"top": max([f.confidence | some f in input.findings]),
	"fields": {f.field: f.subtype | some f in input.findings},
}
`}},
	{desc: "sets, strings, default functions and closures", files: map[string]string{"p.rego": `package veil

types := {f.type | some f in input.findings}

contact := types & {"EMAIL", "PHONE", "ADDRESS"}

other := types - contact

default label(_) := "other"

label("EMAIL") := "mail"

label(t) := "id" if endswith(t, "_ID")

names := [n | some t in types; n := label(t)]

nested := {t: [f.count | some f in input.findings; f.type == t] | some t in types}

allowed_any if {
	some t in input.route.allowed_types
	t in types
}

default allowed_any := false

decision := {
	"allow": count(other) < 3,
	"contact": contact,
	"union": contact | {"X"},
	"names": names,
	"nested": nested,
	"allowed_any": allowed_any,
	"json": json.marshal({"p": input.route.purpose, "n": count(types)}),
	"fmt": sprintf("%s/%d/%.1f", [trim_space(upper(input.route.name)), -count(types), 1.25 * count(types)]),
	"idx": indexof(input.upstream.region, "-"),
	"has_eu": contains(input.upstream.region, "eu"),
	"cmp": [input.route.purpose < "m", 1 < 1.5, "a" < "b"],
	"each": [x | x := input.findings[_].field],
	"every_kv": every_kv,
}

default every_kv := false

every_kv if every k, v in input.subject.consent {
	is_string(k)
	is_boolean(v)
}
`}},
	{desc: "iteration over objects", files: map[string]string{"p.rego": `package veil

pairs := [[k, v] | some k, v in input.subject.consent]

default any_consent := false

any_consent if {
	some _, v in input.subject.consent
	v == true
}

decision := {"allow": any_consent, "pairs": pairs, "keys": object.keys(input.subject.consent)}
`}},
}

func TestPlannedPacksMatchRules(t *testing.T) {
	t.Parallel()
	for _, tc := range planPacks {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := compileFoldPack(t, tc.files, nil)
			if c.prog == nil {
				t.Fatalf("not planned: %v", c.planErr)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			var seen [3]int
			for range 2000 {
				in := sampleInput(rng)
				seen[checkPlanned(t, c, &in)]++
			}
			t.Logf("defined %d, undefined %d, failed %d", seen[planDefined], seen[planUndefined], seen[planFailed])
			if seen[planDefined] == 0 {
				t.Error("no input gave a decision")
			}
		})
	}
}

// TestPlanUsedOnlyWhenItAgrees: a plan is used only after it decided the generated samples
// exactly as topdown; a plan that disagrees, or cannot be checked in time, is not.
func TestPlanUsedOnlyWhenItAgrees(t *testing.T) {
	t.Parallel()
	def := compileFoldPack(t, nil, nil)
	if def.prog == nil {
		t.Fatalf("default pack not planned: %v", def.planErr)
	}
	other := compileFoldPack(t, planPacks[0].files, nil)
	if err := checkAgreement(context.Background(), def.prog, other.asWritten, other.txn, false); !errors.Is(err, errPlanDisagrees) {
		t.Errorf("another pack's plan: %v, want %v", err, errPlanDisagrees)
	}
	slow := compileFoldPack(t, map[string]string{"p.rego": "package veil\n\ndecision := {\"allow\": true} if slow\n\nslow if {\n\tevery i in numbers.range(1, 100000000) {\n\t\ti > 0\n\t}\n}\n"}, nil)
	if slow.prog != nil || !errors.Is(slow.planErr, errPlanUnchecked) {
		t.Errorf("slow pack: planned %v, %v; want %v", slow.prog != nil, slow.planErr, errPlanUnchecked)
	}
}

// TestConcurrentPlannedDecisions: runs are pooled and data is shared, so evaluations in parallel
// must decide as one at a time does (run it with -race).
func TestConcurrentPlannedDecisions(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, Config{CacheSize: -1})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 9))
	ins := make([]Input, 200)
	want := make([]Decision, len(ins))
	for i := range ins {
		ins[i] = sampleInput(rng)
		want[i], _ = e.Decide(ctx, ins[i])
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range ins {
				i := (k + g*50) % len(ins)
				got, _ := e.Decide(ctx, ins[i])
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("input %d: %+v, want %+v", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
