package audit

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report summarizes the events of a period for a data-protection officer or a regulator: what Veil
// did with personal data, who looked at it and under which policy, in counts. Like the trail it
// is made from, it holds no personal value; subjects appear only as a number of pseudonyms.
type Report struct {
	Stream string    `json:"stream"`
	Since  time.Time `json:"since"`
	Until  time.Time `json:"until"`
	// First and Last are the times of the period's first and last events (zero when none).
	First time.Time `json:"first_event,omitzero"`
	Last  time.Time `json:"last_event,omitzero"`
	// Events counts the period's events by type, checkpoints included.
	Events map[Type]int `json:"events"`
	// Subjects is how many pseudonymous subjects sent a message.
	Subjects int `json:"subjects"`
	// Found counts the personal data detected in messages and replies, by type.
	Found map[string]int `json:"personal_data_found"`
	// Actions counts what the policy did with it (tokenize, redact, block, ...).
	Actions map[string]int `json:"actions"`
	// Consent counts the consent decisions by purpose.
	Consent map[string]*PurposeCounts `json:"consent"`
	// Policies are the revisions of the policy that decided messages, in the order they first did.
	Policies []string `json:"policy_revisions"`
	// Admins is what each administrator did, by actor and role; AdminLogins counts sign-ins by
	// outcome.
	Admins      []*AdminActivity `json:"admins"`
	AdminLogins map[string]int   `json:"admin_logins"`
}

// PurposeCounts is how often subjects granted, withdrew or objected to one processing purpose.
type PurposeCounts struct {
	Granted    int `json:"granted"`
	Withdrawn  int `json:"withdrawn"`
	Objections int `json:"objections"`
}

// AdminActivity is one administrator's accesses in the period.
type AdminActivity struct {
	Actor string `json:"actor"`
	Role  string `json:"role"`
	// Accesses counts every access, Refused those that were not allowed or failed, WithReason
	// those that gave a reason (a ticket reference).
	Accesses   int            `json:"accesses"`
	Refused    int            `json:"refused"`
	WithReason int            `json:"with_reason"`
	Actions    map[string]int `json:"actions"`
}

// Summarize reads the events of stream with since <= Time < until (a zero until: no end) into a
// Report.
func Summarize(ctx context.Context, r Reader, stream string, since, until time.Time) (*Report, error) {
	sum := NewSummary(stream, since, until)
	if err := Each(ctx, r, stream, since, until, Filter{}, sum.Add); err != nil {
		return nil, err
	}
	return sum.Report(), nil
}

// Summary builds a Report from events given one at a time, in the trail's order: what Summarize
// does, for a caller that reads the trail anyway (VerifyOptions.Each: verify and report in one
// read).
type Summary struct {
	rep      *Report
	subjects map[string]struct{}
	admins   map[[2]string]*AdminActivity
}

// NewSummary returns an empty summary of stream for the events with since <= Time < until (a
// zero until: no end).
func NewSummary(stream string, since, until time.Time) *Summary {
	return &Summary{
		rep: &Report{Stream: stream, Since: since, Until: until, Events: map[Type]int{}, Found: map[string]int{},
			Actions: map[string]int{}, Consent: map[string]*PurposeCounts{}, AdminLogins: map[string]int{}},
		subjects: map[string]struct{}{},
		admins:   map[[2]string]*AdminActivity{},
	}
}

// Add counts ev if it is in the period. It never fails; the error is for Each's signature.
func (s *Summary) Add(ev Event) error {
	rep := s.rep
	if ev.Time.Before(rep.Since) || !rep.Until.IsZero() && !ev.Time.Before(rep.Until) {
		return nil
	}
	if rep.First.IsZero() {
		rep.First = ev.Time
	}
	rep.Last = ev.Time
	rep.Events[ev.Type]++
	switch ev.Type {
	case MessageForwarded, MessageBlocked, MessageFailed, ResponseFiltered:
		if ev.Type != ResponseFiltered && ev.Subject != "" {
			s.subjects[ev.Subject] = struct{}{}
		}
		addCounts(rep.Found, ev.Findings)
		addCounts(rep.Actions, ev.Actions)
		if ev.PolicyRevision != "" && !slices.Contains(rep.Policies, ev.PolicyRevision) {
			rep.Policies = append(rep.Policies, ev.PolicyRevision)
		}
	case ConsentGranted, ConsentWithdrawn, ObjectionRecorded:
		for k := range ev.Actions {
			purpose, ok := strings.CutPrefix(k, "purpose.")
			if !ok {
				continue
			}
			pc := rep.Consent[purpose]
			if pc == nil {
				pc = &PurposeCounts{}
				rep.Consent[purpose] = pc
			}
			switch ev.Type {
			case ConsentGranted:
				pc.Granted++
			case ConsentWithdrawn:
				pc.Withdrawn++
			default:
				pc.Objections++
			}
		}
	case AdminLogin:
		rep.AdminLogins[cmp.Or(ev.Outcome, "unknown")]++
	case AdminAccess:
		key := [2]string{ev.Actor, ev.Role}
		a := s.admins[key]
		if a == nil {
			a = &AdminActivity{Actor: ev.Actor, Role: ev.Role, Actions: map[string]int{}}
			s.admins[key] = a
		}
		a.Accesses++
		if ev.Outcome != "ok" {
			a.Refused++
		}
		if ev.Reason != "" {
			a.WithReason++
		}
		addCounts(a.Actions, ev.Actions)
	}
	return nil
}

// Report returns the summary of the events added so far.
func (s *Summary) Report() *Report {
	s.rep.Subjects = len(s.subjects)
	s.rep.Admins = slices.SortedFunc(maps.Values(s.admins), func(a, b *AdminActivity) int {
		return cmp.Or(cmp.Compare(a.Actor, b.Actor), cmp.Compare(a.Role, b.Role))
	})
	return s.rep
}

func addCounts(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// WriteText writes the report as aligned sections of plain text.
func (rep *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	until := "now"
	if !rep.Until.IsZero() {
		until = rep.Until.Format(time.RFC3339)
	}
	p("Audit report of stream %s, %s to %s\n", rep.Stream, rep.Since.Format(time.RFC3339), until)
	total := 0
	for _, n := range rep.Events {
		total += n
	}
	if total == 0 {
		p("No events in this period.\n")
		return tw.Flush()
	}
	p("%d events, the first at %s, the last at %s\n", total, rep.First.Format(time.RFC3339), rep.Last.Format(time.RFC3339))

	p("\nMessages\n")
	for _, r := range []struct {
		label string
		t     Type
	}{{"forwarded to the bot", MessageForwarded}, {"blocked by the policy", MessageBlocked},
		{"refused (Veil could not protect them)", MessageFailed}, {"bot replies filtered", ResponseFiltered}} {
		p("  %s\t%d\n", r.label, rep.Events[r.t])
	}
	p("  subjects who wrote (pseudonymous)\t%d\n", rep.Subjects)
	writeCounts(tw, "\nPersonal data found, by type\n", rep.Found)
	writeCounts(tw, "\nWhat the policy did with it\n", rep.Actions)

	p("\nConsent\n  notices shown\t%d\n", rep.Events[ConsentShown])
	if len(rep.Consent) > 0 {
		p("  purpose\tgranted\twithdrawn\tobjections\n")
		for _, name := range slices.Sorted(maps.Keys(rep.Consent)) {
			c := rep.Consent[name]
			p("  %s\t%d\t%d\t%d\n", name, c.Granted, c.Withdrawn, c.Objections)
		}
	}

	p("\nData-subject rights and retention\n")
	for _, r := range []struct {
		label string
		t     Type
	}{{"access requests (exports)", SubjectExported}, {"erasures", SubjectErased}, {"rectifications", SubjectRectified},
		{"deletions at the end of retention", RetentionExpired}, {"tokens created", TokenCreated}, {"tokens revealed to their subject", TokenRevealed}} {
		p("  %s\t%d\n", r.label, rep.Events[r.t])
	}

	p("\nPolicy and configuration\n")
	p("  revisions that decided\t%s\n", cmp.Or(strings.Join(rep.Policies, ", "), "none"))
	p("  policies loaded\t%d\n  policies rejected\t%d\n  configuration reloads\t%d\n",
		rep.Events[PolicyLoaded], rep.Events[PolicyRejected], rep.Events[ConfigReloaded])

	p("\nAdministrators\n")
	if len(rep.AdminLogins) > 0 {
		p("  sign-ins\t%s\n", formatCounts(rep.AdminLogins))
	}
	if len(rep.Admins) == 0 {
		p("  no access to personal data or settings\n")
	} else {
		p("  actor\trole\taccesses\trefused\twith a reason\twhat\n")
		for _, a := range rep.Admins {
			p("  %s\t%s\t%d\t%d\t%d\t%s\n", a.Actor, a.Role, a.Accesses, a.Refused, a.WithReason, formatCounts(a.Actions))
		}
	}
	return tw.Flush()
}

// writeCounts writes a titled section of counts by key, largest first.
func writeCounts(w io.Writer, title string, m map[string]int) {
	fmt.Fprint(w, title)
	if len(m) == 0 {
		fmt.Fprint(w, "  none\n")
		return
	}
	for _, k := range byCount(m) {
		fmt.Fprintf(w, "  %s\t%d\n", k, m[k])
	}
}

// formatCounts is "a 2, b 1", largest first.
func formatCounts(m map[string]int) string {
	keys := byCount(m)
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(keys, ", ")
}

// byCount returns m's keys, largest count first, then in order.
func byCount(m map[string]int) []string {
	return slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
}
