package policy

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	dto "github.com/prometheus/client_model/go"
)

// foldPacks are packs that exercise folding: the default pack, edits of its data, and packs
// whose data paths meet rules, arrays, missing keys or `with`.
var foldPacks = []struct {
	desc   string
	files  map[string]string // nil: the default pack
	edits  [][2]string       // applied to the default pack's data.json
	folded bool
}{
	{desc: "default pack", folded: true},
	{desc: "phones masked, marketing not restricted, unset region not EEA", folded: true, edits: [][2]string{
		{`"PHONE": "tokenize", "PERSON"`, `"PHONE": "mask", "PERSON"`},
		{`"marketing": true,`, `"marketing": false,`},
		{`"assume_eea_when_unset": true`, `"assume_eea_when_unset": false`},
	}},
	{desc: "a rule beside data in the same package", folded: true, files: map[string]string{
		"data.json": `{"veil": {"limits": {"max": 2, "types": ["EMAIL", "PHONE"]}, "names": {"a": 1}}}`,
		"p.rego": `package veil

names.b := 2

too_many if count(input.findings) > data.veil.limits.max

decision := {
	"allow": not_too_many,
	"reasons": {t | some f in input.findings; t := f.type; t in data.veil.limits.types},
	"message": sprintf("%v %v %v", [data.veil.limits.types[0], object.get(data.veil.limits, "max", 0), names]),
	"retention_days": object.get(data.veil.limits, input.route.purpose, 7),
	"transcript": data.veil.missing.key == 1,
}

default not_too_many := true

not_too_many := false if too_many
`}},
	{desc: "data overridden with `with`", folded: false, files: map[string]string{
		"data.json": `{"veil": {"cfg": {"allow": false}}}`,
		"p.rego": `package veil

decision := {"allow": a}

a := x if {
	input.direction == "request"
	x := data.veil.cfg.allow with data.veil.cfg.allow as true
}
else := data.veil.cfg.allow
`}},
}

// TestFoldedDecisionsMatchRules is the differential test of folding: for every pack and many
// generated inputs, the folded query Decide evaluates gives exactly the value the rules as
// written give, errors included.
func TestFoldedDecisionsMatchRules(t *testing.T) {
	t.Parallel()
	for _, tc := range foldPacks {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := compileFoldPack(t, tc.files, tc.edits)
			if got := c.foldErr == nil; got != tc.folded {
				t.Fatalf("folded = %v (%v), want %v", got, c.foldErr, tc.folded)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for range 3000 {
				in := sampleInput(rng)
				checkFolded(t, c, &in)
			}
		})
	}
}

// FuzzFoldedDecision is the differential test of folding and of the plan evaluator on inputs a
// fuzzer chooses.
func FuzzFoldedDecision(f *testing.F) {
	f.Add("request", "support", true, false, "eu-central-1", "", "EMAIL,PHONE,IBAN", "")
	f.Add("request", "marketing", false, true, "us-east-1", "scc", "NATIONAL_ID,HEALTH", "HEALTH")
	f.Add("response", "support", true, false, "", "", "PASSPORT,FOO", "PASSPORT")
	f.Add("sideways", "profiling", true, true, "local", "bcr", "", "")
	c := compileFoldPack(f, nil, nil)
	f.Fuzz(func(t *testing.T, dir, purpose string, consent, objects bool, region, transfer, types, allowed string) {
		in := Input{
			Direction: Direction(dir),
			Route:     Route{Name: "r", Kind: "chat", Purpose: purpose, AllowedTypes: split(allowed)},
			Subject:   Subject{Consent: map[string]bool{purpose: consent}},
			Upstream:  Upstream{Name: "bot", Region: region, TransferMechanism: transfer},
		}
		if objects {
			in.Subject.Objections = []string{purpose}
		}
		for _, ty := range split(types) {
			in.Findings = append(in.Findings, Finding{Type: ty, Confidence: 0.9, Field: "message", Count: 1})
		}
		checkFolded(t, c, &in)
		checkPlanned(t, c, &in)
	})
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func TestFoldFallsBackAndSaysWhy(t *testing.T) {
	t.Parallel()
	for _, tc := range foldPacks {
		if tc.folded {
			continue
		}
		c := compileFoldPack(t, tc.files, tc.edits)
		if !errors.Is(c.foldErr, errFoldWith) {
			t.Errorf("%s: fold error %v, want %v", tc.desc, c.foldErr, errFoldWith)
		}
	}
}

func TestFastPathMetrics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc            string
		files           map[string]string
		planned, folded float64
	}{
		{desc: "default pack", planned: 1, folded: 1},
		{desc: "with on data", files: foldPacks[len(foldPacks)-1].files, planned: 0, folded: 0},
		{desc: "a rule beside data", files: foldPacks[len(foldPacks)-2].files, planned: 0, folded: 1},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var dir string
			if tc.files != nil {
				dir = t.TempDir()
				writePack(t, dir, tc.files)
			}
			e, _ := newTestEngine(t, Config{Dir: dir})
			for name, g := range map[string]struct {
				m    interface{ Write(*dto.Metric) error }
				want float64
			}{"veil_policy_planned": {e.m.planned, tc.planned}, "veil_policy_data_folded": {e.m.folded, tc.folded}} {
				var m dto.Metric
				if err := g.m.Write(&m); err != nil {
					t.Fatal(err)
				}
				if got := m.GetGauge().GetValue(); got != g.want {
					t.Errorf("%s = %v, want %v", name, got, g.want)
				}
			}
		})
	}
}

// compileFoldPack compiles the default pack (with data edits), or the pack made of files.
func compileFoldPack(t testing.TB, files map[string]string, edits [][2]string) *compiled {
	t.Helper()
	var dir string
	if files != nil {
		dir = t.TempDir()
		writePack(t, dir, files)
	} else if edits != nil {
		dir = copyDefaultPack(t, edits...)
	}
	p, err := LoadPack(PackFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.compile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkFolded evaluates in with the folded query and the rules as written and fails on any
// difference in value or error.
func checkFolded(t testing.TB, c *compiled, in *Input) {
	t.Helper()
	pc := &partCache{}
	fv, ferr := evalQuery(c, c.query, in, pc)
	wv, werr := evalQuery(c, c.asWritten, in, pc)
	if errString(ferr) != errString(werr) || (fv == nil) != (wv == nil) || (fv != nil && fv.Compare(wv) != 0) {
		t.Fatalf("input %+v:\nfolded:     %v %v\nas written: %v %v", *in, fv, ferr, wv, werr)
	}
}

// evalAsWritten evaluates the rules as written for in: the decision's value, nil when undefined.
func evalAsWritten(c *compiled, in *Input, pc *partCache) (ast.Value, error) {
	return evalQuery(c, c.asWritten, in, pc)
}

func evalQuery(c *compiled, q rego.PreparedEvalQuery, in *Input, pc *partCache) (ast.Value, error) {
	rs, err := q.Eval(context.Background(), rego.EvalParsedInput(in.astValue(c.readsSubjectID, pc)), rego.EvalTransaction(c.txn))
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return rs[0].Expressions[0].Value.(*ast.Term).Value, nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestExplainTracesRulesAsWritten: Decide evaluates the folded rules, but a trace must show the
// rules a compliance team reads, data references included.
func TestExplainTracesRulesAsWritten(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, Config{})
	x, err := e.Explain(context.Background(), support("EMAIL", "PASSPORT"))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	x.WriteTrace(&sb)
	if !strings.Contains(sb.String(), "data.veil.config.") {
		t.Errorf("trace does not read data.veil.config: it traced the folded rules")
	}
	d, err := e.Decide(context.Background(), support("EMAIL", "PASSPORT"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, x.Decision) {
		t.Errorf("explained decision %+v differs from the decided one %+v", x.Decision, d)
	}
	if len(x.Fired()) == 0 {
		t.Error("no rule fired")
	}
}
