package policy

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// shadowQueue bounds the messages waiting for the shadow policy. Shadow evaluation is
// asynchronous: the active decision is returned at once, and the candidate is evaluated by one
// background worker; when the queue is full the comparison is skipped and counted as dropped.
const shadowQueue = 1024

// shadowJob is one message to evaluate with the shadow policy and compare.
type shadowJob struct {
	st     *state
	in     Input
	active Decision
	entry  *cacheEntry // the active decision's cache entry, which records the verdict; may be nil
}

func (e *Engine) enqueueShadow(st *state, in *Input, active Decision, entry *cacheEntry) {
	select {
	case e.shadowQ <- shadowJob{st: st, in: copyInput(in), active: active, entry: entry}:
	default:
		e.m.shadowDropped.Inc()
	}
}

func (e *Engine) shadowWorker() {
	defer e.wg.Done()
	for {
		select {
		case <-e.done:
			return
		case job := <-e.shadowQ:
			e.compareShadow(&job)
		}
	}
}

// compareShadow evaluates the shadow policy for one message and counts and logs (rule ids and
// types only) where it disagrees with the active decision.
func (e *Engine) compareShadow(job *shadowJob) {
	sh := job.st.shadow
	d, err := e.eval(context.Background(), sh, &job.in, nil)
	if err != nil {
		e.m.shadowError.Inc()
		if ok, suppressed := e.shadowLog.allow(); ok {
			e.log.Warn().Err(err).Str(fieldShadowRevision, sh.pack.revision).Str(fieldRoute, job.in.Route.Name).
				Int64(fieldSuppressed, suppressed).Msg("shadow policy failed closed")
		}
		d = failClosed(sh.pack.revision)
	}
	fields, types := diffDecisions(&job.active, &d, &job.in)
	if len(fields) == 0 {
		e.m.shadowAgree.Inc()
		if job.entry != nil {
			job.entry.shadow.Store(shadowAgree)
		}
		return
	}
	e.m.shadowDisagree.Inc()
	if job.entry != nil {
		job.entry.shadow.Store(shadowDisagree)
	}
	if ok, suppressed := e.shadowLog.allow(); ok {
		e.log.Info().Str(fieldRevision, job.active.Revision).Str(fieldShadowRevision, sh.pack.revision).
			Str(fieldRoute, job.in.Route.Name).Str(fieldDirection, string(job.in.Direction)).
			Strs(fieldFields, fields).Strs(fieldTypes, types).
			Strs(fieldActiveReasons, job.active.Reasons).Strs(fieldShadowReasons, d.Reasons).
			Int64(fieldSuppressed, suppressed).Msg("shadow policy disagrees with the active policy")
	}
}

// diffDecisions lists the decision fields where a and b differ for in, and for actions and token
// formats the types that differ ("PHONE:tokenize>mask"). Reasons are not compared: renaming a
// rule changes nothing for the data.
func diffDecisions(a, b *Decision, in *Input) (fields, types []string) {
	if a.Allow != b.Allow {
		fields = append(fields, "allow")
	}
	if !a.Allow && !b.Allow && a.Message != b.Message {
		fields = append(fields, "message")
	}
	if a.ShowNotice != b.ShowNotice {
		fields = append(fields, "show_notice")
	}
	if a.Transcript != b.Transcript {
		fields = append(fields, "transcript")
	}
	if a.RetentionDays != b.RetentionDays {
		fields = append(fields, "retention_days")
	}
	if !sameSet(a.StripHeaders, b.StripHeaders) {
		fields = append(fields, "strip_headers")
	}
	seen := make(map[string]bool, len(in.Findings)+1)
	var actionDiff, formatDiff bool
	names := make([]string, 0, len(in.Findings)+1)
	for i := range in.Findings {
		names = append(names, in.Findings[i].Type)
	}
	for _, t := range append(names, Wildcard) {
		if seen[t] {
			continue
		}
		seen[t] = true
		label := t
		if t != Wildcard && !knownType(t) {
			label = "OTHER" // an unknown type name comes from input, not from a rule: never logged
		}
		if x, y := a.ActionFor(t), b.ActionFor(t); x != y {
			actionDiff = true
			types = append(types, label+":"+string(x)+">"+string(y))
		}
		if x, y := a.TokenFormatFor(t), b.TokenFormatFor(t); x != y {
			formatDiff = true
			types = append(types, label+":"+string(x)+">"+string(y))
		}
	}
	if actionDiff {
		fields = append(fields, "actions")
	}
	if formatDiff {
		fields = append(fields, "token_format")
	}
	return fields, types
}

func knownType(t string) bool { return slices.Contains(findingTypes[:], t) }

func sameSet(a, b []string) bool {
	x := make(map[string]bool, len(a))
	for _, s := range a {
		x[strings.ToLower(s)] = true
	}
	y := make(map[string]bool, len(b))
	for _, s := range b {
		y[strings.ToLower(s)] = true
	}
	return maps.Equal(x, y)
}
