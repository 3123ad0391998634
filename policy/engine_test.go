package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// TestDecideDefaultRules runs each rule of the default pack through Decide.
func TestDecideDefaultRules(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, Config{})
	mod := func(in Input, f func(*Input)) Input { f(&in); return in }
	tests := []struct {
		desc       string
		in         Input
		allow      bool
		notice     bool
		actions    map[string]Action
		reason     string
		msgContain string
	}{
		{
			desc: "consent.missing: notice and everything redacted",
			in: mod(support("EMAIL", "PHONE", "IBAN"), func(in *Input) {
				in.Subject.Consent = nil
				in.Subject.NoticeShown = false
			}),
			allow: true, notice: true,
			actions: map[string]Action{"EMAIL": ActionRedact, "PHONE": ActionRedact, "IBAN": ActionRedact},
			reason:  "consent.missing",
		},
		{
			desc:    "consent.granted: contact data tokenized, payment data redacted",
			in:      support("EMAIL", "PHONE", "PERSON", "ADDRESS", "VAT_ID", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "DATE_OF_BIRTH"),
			allow:   true,
			actions: map[string]Action{"EMAIL": ActionTokenize, "PHONE": ActionTokenize, "PERSON": ActionTokenize, "ADDRESS": ActionTokenize, "VAT_ID": ActionTokenize, "IBAN": ActionRedact, "CREDIT_CARD": ActionRedact, "IP_ADDRESS": ActionRedact, "MAC_ADDRESS": ActionRedact, "DATE_OF_BIRTH": ActionRedact},
			reason:  "consent.granted",
		},
		{
			desc:    "consent.granted: a type the route lists is tokenized",
			in:      mod(support("IBAN", "CREDIT_CARD"), func(in *Input) { in.Route.AllowedTypes = []string{"IBAN"} }),
			allow:   true,
			actions: map[string]Action{"IBAN": ActionTokenize, "CREDIT_CARD": ActionRedact},
			reason:  "consent.granted",
		},
		{
			desc:       "minimisation.identity_number: passport blocked",
			in:         support("EMAIL", "PASSPORT"),
			allow:      false,
			actions:    map[string]Action{"PASSPORT": ActionBlock, "EMAIL": ActionTokenize},
			reason:     "minimisation.identity_number",
			msgContain: "identity numbers",
		},
		{
			desc:    "minimisation.identity_number: a route that lists national ids takes them",
			in:      mod(support("NATIONAL_ID"), func(in *Input) { in.Route.AllowedTypes = []string{"NATIONAL_ID"} }),
			allow:   true,
			actions: map[string]Action{"NATIONAL_ID": ActionTokenize},
			reason:  "consent.granted",
		},
		{
			desc:    "special_category.redacted: health redacted on an ordinary route",
			in:      support("HEALTH"),
			allow:   true,
			actions: map[string]Action{"HEALTH": ActionRedact},
			reason:  "special_category.redacted",
		},
		{
			desc:    "special_category: listed and consented health is tokenized",
			in:      mod(support("HEALTH"), func(in *Input) { in.Route.AllowedTypes = []string{"HEALTH"} }),
			allow:   true,
			actions: map[string]Action{"HEALTH": ActionTokenize},
			reason:  "consent.granted",
		},
		{
			desc: "purpose.restricted: marketing without consent blocked",
			in: mod(support("EMAIL"), func(in *Input) {
				in.Route.Purpose = "marketing"
			}),
			allow: false, notice: true,
			actions:    map[string]Action{"EMAIL": ActionBlock},
			reason:     "purpose.restricted",
			msgContain: "marketing",
		},
		{
			desc: "purpose.restricted: marketing with consent but an objection blocked",
			in: mod(support("EMAIL"), func(in *Input) {
				in.Route.Purpose = "marketing"
				in.Subject.Consent = map[string]bool{"marketing": true}
				in.Subject.Objections = []string{"marketing"}
			}),
			allow: false, notice: true,
			actions: map[string]Action{"EMAIL": ActionBlock},
			reason:  "purpose.restricted",
		},
		{
			desc: "purpose: marketing with consent and no objection forwards",
			in: mod(support("EMAIL"), func(in *Input) {
				in.Route.Purpose = "marketing"
				in.Subject.Consent = map[string]bool{"marketing": true}
			}),
			allow:   true,
			actions: map[string]Action{"EMAIL": ActionTokenize},
			reason:  "consent.granted",
		},
		{
			desc:    "residency.no_transfer_mechanism: non-EU upstream gets nothing",
			in:      mod(support("EMAIL", "PHONE"), func(in *Input) { in.Upstream.Region = "us-east-1" }),
			allow:   true,
			actions: map[string]Action{"EMAIL": ActionRedact, "PHONE": ActionRedact},
			reason:  "residency.no_transfer_mechanism",
		},
		{
			desc: "residency: non-EU upstream with SCCs",
			in: mod(support("EMAIL"), func(in *Input) {
				in.Upstream.Region = "us-east-1"
				in.Upstream.TransferMechanism = "scc"
			}),
			allow:   true,
			actions: map[string]Action{"EMAIL": ActionTokenize},
			reason:  "consent.granted",
		},
		{
			desc:    "response.not_own_data: the bot's reply is redacted",
			in:      mod(support("EMAIL", "IBAN", "PASSPORT"), func(in *Input) { in.Direction = DirectionResponse }),
			allow:   true,
			actions: map[string]Action{"EMAIL": ActionRedact, "IBAN": ActionRedact, "PASSPORT": ActionRedact},
			reason:  "response.not_own_data",
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			d, err := e.Decide(context.Background(), tc.in)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if d.Allow != tc.allow || d.ShowNotice != tc.notice {
				t.Errorf("allow %v, show_notice %v; want %v, %v", d.Allow, d.ShowNotice, tc.allow, tc.notice)
			}
			for typ, want := range tc.actions {
				if got := d.ActionFor(typ); got != want {
					t.Errorf("ActionFor(%s) = %s, want %s", typ, got, want)
				}
			}
			if !slices.Contains(d.Reasons, tc.reason) {
				t.Errorf("reasons %v, want %s among them", d.Reasons, tc.reason)
			}
			if tc.msgContain != "" && !strings.Contains(d.Message, tc.msgContain) {
				t.Errorf("message %q, want it to mention %q", d.Message, tc.msgContain)
			}
			if tc.allow && d.Message != "" {
				t.Errorf("message %q on an allowed message", d.Message)
			}
			if d.Revision != e.Revision() || d.RetentionDays != 30 || d.Transcript {
				t.Errorf("revision %q retention %d transcript %v", d.Revision, d.RetentionDays, d.Transcript)
			}
			if d.TokenFormatFor("EMAIL") != TokenSurrogate || d.TokenFormatFor("VAT_ID") != TokenPlaceholder {
				t.Errorf("token formats %v", d.TokenFormat)
			}
		})
	}
}

// TestFailClosed checks that every way of not getting a valid decision refuses the message,
// counts it and says why.
func TestFailClosed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		rego    string
		timeout bool
		want    error
		reason  string
	}{
		{desc: "undefined decision", rego: `decision := {"allow": true} if input.direction == "sideways"`, want: ErrUndefined, reason: errUndefined},
		{desc: "evaluation error", rego: "decision := {\"allow\": true}\n\ndecision := {\"allow\": false} if input.direction == \"request\"", want: ErrEvaluation, reason: errEval},
		{desc: "unknown action", rego: `decision := {"allow": true, "actions": {"EMAIL": "zap"}}`, want: ErrMalformed, reason: errMalformed},
		{desc: "allow not a boolean", rego: `decision := {"allow": "yes"}`, want: ErrMalformed, reason: errMalformed},
		{desc: "allow missing", rego: `decision := {"actions": {"*": "redact"}}`, want: ErrMalformed, reason: errMalformed},
		{desc: "unknown field", rego: `decision := {"allow": true, "alow": false}`, want: ErrMalformed, reason: errMalformed},
		{desc: "not an object", rego: `decision := true`, want: ErrMalformed, reason: errMalformed},
		{desc: "negative retention", rego: `decision := {"allow": true, "retention_days": -1}`, want: ErrMalformed, reason: errMalformed},
		{desc: "header with a newline", rego: `decision := {"allow": true, "strip_headers": ["X-A\nB"]}`, want: ErrMalformed, reason: errMalformed},
		{
			desc: "timeout on a deliberately slow policy", timeout: true, want: ErrTimeout, reason: errTimeout,
			rego: "decision := {\"allow\": true} if slow\n\nslow if {\n\tevery i in numbers.range(1, 100000000) {\n\t\ti > 0\n\t}\n}",
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writePack(t, dir, map[string]string{"p.rego": "package veil\n\n" + tc.rego + "\n"})
			cfg := Config{Dir: dir}
			if tc.timeout {
				cfg.Timeout = 1e6 // 1ms
			}
			e, _ := newTestEngine(t, cfg)
			d, err := e.Decide(context.Background(), support("EMAIL"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if d.Allow || d.ActionFor("EMAIL") != ActionBlock || d.Message == "" || d.Revision != e.Revision() {
				t.Errorf("decision %+v is not a refusal", d)
			}
			if !reflect.DeepEqual(d.Reasons, []string{FailClosedReason}) {
				t.Errorf("reasons %v", d.Reasons)
			}
			if got := value(e.m.errors.WithLabelValues(tc.reason)); got != 1 {
				t.Errorf("errors_total{reason=%s} = %v, want 1", tc.reason, got)
			}
			if got := value(e.m.failedClosed); got != 1 {
				t.Errorf("decisions_total{outcome=fail_closed} = %v, want 1", got)
			}
			// A failure is never cached: the next call evaluates (and fails) again.
			if _, err := e.Decide(context.Background(), support("EMAIL")); !errors.Is(err, tc.want) {
				t.Errorf("second call: %v", err)
			}
		})
	}
}

func TestCanceledContextFailsClosed(t *testing.T) {
	t.Parallel()
	e, _ := newTestEngine(t, Config{CacheSize: -1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err := e.Decide(ctx, support("EMAIL"))
	if err == nil {
		// A fast evaluation may finish before it looks at the context; it is still a valid decision.
		return
	}
	if !errors.Is(err, ErrCanceled) || d.Allow {
		t.Errorf("error %v, allow %v", err, d.Allow)
	}
}

func TestNewRefusesPackWithFailingTests(t *testing.T) {
	t.Parallel()
	dir := copyDefaultPack(t, [2]string{`"PHONE": "tokenize"`, `"PHONE": "allow"`})
	off := false
	_, err := New(context.Background(), Config{Dir: dir, Watch: &off}, nopLog, nil)
	if !errors.Is(err, ErrTestsFailed) {
		t.Fatalf("New: %v, want ErrTestsFailed", err)
	}
}

func TestNewRefusesBadPacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		files map[string]string
	}{
		{desc: "syntax error", files: map[string]string{"p.rego": "package veil\n\ndecision := {\n"}},
		{desc: "strict mode: unused variable", files: map[string]string{"p.rego": "package veil\n\ndecision := {\"allow\": true} if {\n\tx := 1\n}\n"}},
		{desc: "no decision rule", files: map[string]string{"p.rego": "package veil\n\nallow := true\n"}},
		{desc: "non-deterministic builtin", files: map[string]string{"p.rego": "package veil\n\ndecision := {\"allow\": time.now_ns() > 0}\n"}},
		{desc: "only tests", files: map[string]string{"p_test.rego": "package veil_test\n\ntest_x if true\n"}},
		{desc: "bad data", files: map[string]string{"p.rego": "package veil\n\ndecision := {\"allow\": true}\n", "data.json": "{"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writePack(t, dir, tc.files)
			off := false
			if _, err := New(context.Background(), Config{Dir: dir, Watch: &off}, nopLog, nil); err == nil {
				t.Fatal("New accepted the pack")
			}
		})
	}
}

func TestReloadKeepsLastGoodPolicy(t *testing.T) {
	t.Parallel()
	dir := copyDefaultPack(t)
	e, _ := newTestEngine(t, Config{Dir: dir})
	rev := e.Revision()

	// Bad Rego: rejected, the old revision stays and keeps deciding.
	writePack(t, dir, map[string]string{"broken.rego": "package veil\n\nbroken := {\n"})
	if err := e.Reload(); err == nil {
		t.Fatal("Reload accepted broken Rego")
	}
	if e.Revision() != rev {
		t.Fatalf("revision changed to %s", e.Revision())
	}
	st := e.Status()
	if st.LastError == "" || st.Revision != rev {
		t.Errorf("status %+v does not report the rejection", st)
	}
	if got := value(e.m.reloads.WithLabelValues(packActive, "rejected")); got != 1 {
		t.Errorf("reloads rejected = %v", got)
	}
	if d, err := e.Decide(context.Background(), support("EMAIL")); err != nil || d.ActionFor("EMAIL") != ActionTokenize {
		t.Errorf("after a rejected reload: %v %v", d.ActionFor("EMAIL"), err)
	}

	// A change that breaks the pack's own tests: rejected as well.
	if err := os.Remove(filepath.Join(dir, "broken.rego")); err != nil {
		t.Fatal(err)
	}
	edited := copyDefaultPack(t, [2]string{`"EMAIL": "tokenize"`, `"EMAIL": "allow"`})
	data, _ := os.ReadFile(filepath.Join(edited, "data.json"))
	writePack(t, dir, map[string]string{"data.json": string(data)})
	if err := e.Reload(); !errors.Is(err, ErrTestsFailed) {
		t.Fatalf("Reload: %v, want ErrTestsFailed", err)
	}
	if e.Revision() != rev {
		t.Fatal("a pack with failing tests was swapped in")
	}

	// A good change is swapped in.
	good := copyDefaultPack(t, stripVia)
	data, _ = os.ReadFile(filepath.Join(good, "data.json"))
	writePack(t, dir, map[string]string{"data.json": string(data)})
	if err := e.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if e.Revision() == rev || e.Status().LastError != "" {
		t.Fatalf("revision %s status %+v", e.Revision(), e.Status())
	}
	d, err := e.Decide(context.Background(), support("EMAIL"))
	if err != nil || !slices.Contains(d.StripHeaders, "Via") || d.Revision != e.Revision() {
		t.Errorf("after reload: strip_headers %v revision %s err %v", d.StripHeaders, d.Revision, err)
	}
}

func TestReloadUnchanged(t *testing.T) {
	t.Parallel()
	dir := copyDefaultPack(t)
	e, _ := newTestEngine(t, Config{Dir: dir})
	in := support("EMAIL")
	_, _ = e.Decide(context.Background(), in)
	st := e.state.Load()
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if e.state.Load() != st {
		t.Error("an unchanged pack replaced the state (and cleared the cache)")
	}
	if got := value(e.m.reloads.WithLabelValues(packActive, "unchanged")); got != 1 {
		t.Errorf("reloads unchanged = %v", got)
	}
}

// stripVia is a data.json edit that the default pack's tests accept.
var stripVia = [2]string{`"X-Real-Ip"`, `"X-Real-Ip", "Via"`}

func TestWatchReloadsOnChange(t *testing.T) {
	t.Parallel()
	dir := copyDefaultPack(t)
	on := true
	e, _ := newTestEngine(t, Config{Dir: dir, Watch: &on})
	rev := e.Revision()
	good := copyDefaultPack(t, [2]string{`"PHONE": "tokenize"`, `"PHONE": "tokenize" `})
	data, _ := os.ReadFile(filepath.Join(good, "data.json"))
	writePack(t, dir, map[string]string{"data.json": string(data)})
	if !eventually(1000, func() bool { return e.Revision() != rev }) {
		t.Fatal("the watcher did not reload the changed pack")
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	dir := copyDefaultPack(t)
	e, _ := newTestEngine(t, Config{Dir: dir})
	ctx := context.Background()
	in := support("EMAIL", "PHONE", "IBAN")
	first, err := e.Decide(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	// The same input with findings in another order and another subject id (the default pack
	// does not read it) is a hit with an identical decision.
	again := support("IBAN", "EMAIL", "PHONE")
	again.Subject.ID = "s-2"
	second, err := e.Decide(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("cached decision differs:\n%+v\n%+v", first, second)
	}
	if h, m := value(e.m.hits), value(e.m.misses); h != 1 || m != 1 {
		t.Errorf("hits %v misses %v, want 1 and 1", h, m)
	}
	// A different input misses.
	other := support("EMAIL", "PHONE", "IBAN")
	other.Findings[0].Count = 2
	if _, err := e.Decide(ctx, other); err != nil {
		t.Fatal(err)
	}
	if m := value(e.m.misses); m != 2 {
		t.Errorf("misses %v, want 2", m)
	}
	// The caller's slices may change after the call without touching the cache.
	in.Findings[0].Type = "PASSPORT"
	if d, _ := e.Decide(ctx, support("EMAIL", "PHONE", "IBAN")); !d.Allow {
		t.Error("the cached input aliased the caller's findings")
	}

	// A reload clears it.
	if c := e.state.Load().cache.len(); c != 2 {
		t.Errorf("cache holds %d entries, want 2", c)
	}
	good := copyDefaultPack(t, stripVia)
	data, _ := os.ReadFile(filepath.Join(good, "data.json"))
	writePack(t, dir, map[string]string{"data.json": string(data)})
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if c := e.state.Load().cache.len(); c != 0 {
		t.Errorf("cache holds %d entries after reload", c)
	}
	d, _ := e.Decide(ctx, support("EMAIL", "PHONE", "IBAN"))
	if !slices.Contains(d.StripHeaders, "Via") {
		t.Errorf("strip_headers %v after reload: a stale cached decision", d.StripHeaders)
	}
}

func TestCacheKeepsSubjectIDWhenPolicyReadsIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writePack(t, dir, map[string]string{"p.rego": "package veil\n\ndecision := {\"allow\": input.subject.id != \"blocked\"}\n"})
	e, _ := newTestEngine(t, Config{Dir: dir})
	if !e.state.Load().active.readsSubjectID {
		t.Fatal("the policy reads input.subject.id, but the engine thinks it does not")
	}
	in := support("EMAIL")
	if d, _ := e.Decide(context.Background(), in); !d.Allow {
		t.Fatal("refused")
	}
	in.Subject.ID = "blocked"
	if d, _ := e.Decide(context.Background(), in); d.Allow {
		t.Fatal("a decision for another subject was served from the cache")
	}
}

func TestReadsSubjectID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		body string
		want bool
	}{
		{desc: "id", body: `x if input.subject.id == "a"`, want: true},
		{desc: "whole input", body: `x if count(input) > 0`, want: true},
		{desc: "whole subject", body: `x if count(input.subject) > 0`, want: true},
		{desc: "dynamic subject key", body: `x if { some k; input.subject[k] }`, want: true},
		{desc: "dynamic top key", body: `x if { some k; input[k].id }`, want: true},
		{desc: "import alias", body: "import input.subject as s\n\nx if s.id", want: true},
		{desc: "consent only", body: `x if input.subject.consent.support`, want: false},
		{desc: "other fields", body: `x if input.route.purpose == "support"`, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			body := tc.body
			src := "package veil\n\n" + body + "\n"
			if len(body) > 6 && body[:6] == "import" {
				src = "package veil\n\n" + body + "\n"
			}
			p, err := LoadPack(mapFS(map[string]string{"p.rego": src}))
			if err != nil {
				t.Fatal(err)
			}
			if got := readsSubjectID(p.policyModules()); got != tc.want {
				t.Errorf("readsSubjectID = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestShadowDisagreementCounted(t *testing.T) {
	t.Parallel()
	shadow := copyDefaultPack(t, [2]string{`"PHONE": "tokenize"`, `"PHONE": "mask"`})
	// The default pack's tests pin PHONE to tokenize; this candidate comes without tests.
	if err := os.Remove(filepath.Join(shadow, "veil_test.rego")); err != nil {
		t.Fatal(err)
	}
	e, _ := newTestEngine(t, Config{ShadowDir: shadow})
	ctx := context.Background()
	d, err := e.Decide(ctx, support("PHONE"))
	if err != nil || d.ActionFor("PHONE") != ActionTokenize {
		t.Fatalf("the active policy was not enforced: %v %v", d.ActionFor("PHONE"), err)
	}
	if !eventually(1000, func() bool { return value(e.m.shadowDisagree) == 1 }) {
		t.Fatalf("shadow disagreements %v, want 1", value(e.m.shadowDisagree))
	}
	// An input both agree on.
	if _, err := e.Decide(ctx, support("IBAN")); err != nil {
		t.Fatal(err)
	}
	if !eventually(1000, func() bool { return value(e.m.shadowAgree) == 1 }) {
		t.Fatalf("shadow agreements %v, want 1", value(e.m.shadowAgree))
	}
	// A cache hit counts the verdict recorded for its entry.
	if _, err := e.Decide(ctx, support("PHONE")); err != nil {
		t.Fatal(err)
	}
	if got := value(e.m.shadowDisagree); got != 2 {
		t.Errorf("shadow disagreements after a cache hit %v, want 2", got)
	}
	if e.ShadowRevision() == "" || e.ShadowRevision() == e.Revision() {
		t.Errorf("shadow revision %q, active %q", e.ShadowRevision(), e.Revision())
	}
}

func TestDiffDecisions(t *testing.T) {
	t.Parallel()
	in := support("PHONE", "EMAIL")
	in.Findings = append(in.Findings, Finding{Type: "a.b@example.com"}) // a type name that is really a value
	a := Decision{Allow: true, Actions: map[string]Action{"PHONE": ActionTokenize, "*": ActionRedact}}
	b := Decision{Allow: true, Actions: map[string]Action{"PHONE": ActionMask, "*": ActionRedact, "a.b@example.com": ActionAllow}, RetentionDays: 3}
	fields, types := diffDecisions(&a, &b, &in)
	if !reflect.DeepEqual(fields, []string{"retention_days", "actions"}) {
		t.Errorf("fields %v", fields)
	}
	if !reflect.DeepEqual(types, []string{"PHONE:tokenize>mask", "OTHER:redact>allow"}) {
		t.Errorf("types %v", types)
	}
}

func TestFindingTypesMatchRedact(t *testing.T) {
	t.Parallel()
	var want []string
	for _, typ := range redact.AllTypes() {
		want = append(want, typ.String())
	}
	if !reflect.DeepEqual(findingTypes[:], want) {
		t.Errorf("findingTypes %v, redact.AllTypes %v", findingTypes, want)
	}
}

func TestInputKey(t *testing.T) {
	t.Parallel()
	a := support("EMAIL", "PHONE")
	b := support("PHONE", "EMAIL")
	if inputKey(&a, true) != inputKey(&b, true) || !equalInput(&a, &b, true) {
		t.Error("finding order changed the key")
	}
	b.Subject.ID = "other"
	if inputKey(&a, true) == inputKey(&b, true) || equalInput(&a, &b, true) {
		t.Error("the subject id is ignored when the policy reads it")
	}
	if inputKey(&a, false) != inputKey(&b, false) || !equalInput(&a, &b, false) {
		t.Error("the subject id counts when the policy does not read it")
	}
	c := support("EMAIL", "EMAIL")
	d := support("EMAIL", "PHONE")
	if equalInput(&c, &d, true) {
		t.Error("findings compared as sets, not multisets")
	}
	e := support("EMAIL")
	e.Subject.Consent = map[string]bool{"support": false}
	if equalInput(&a, &e, true) {
		t.Error("consent ignored")
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	var c Config
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Timeout != DefaultTimeout || c.CacheSize != DefaultCacheSize || c.Watch == nil || !*c.Watch {
		t.Errorf("defaults not filled: %+v", c)
	}
	bad := Config{Dir: "/nonexistent/veil-policy", Timeout: -1, CacheSize: -2}
	err := bad.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"dir: ", "timeout: ", "cache_size: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
