package rights

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/veil-privacy/veil/redact"
)

const (
	subjA = "c0123456789abcdef0123456789abcdef"
	subjB = "hfedcba9876543210fedcba9876543210"
)

var admin = Requester{Channel: ChannelLetter, Actor: "token:0123456789abcdef", Role: "compliance", Reason: "DSR-1"}

// gaugeValues reads the register's gauges.
func gaugeValues(s *Service) (open, overdue float64) {
	c := s.Collectors()
	return gaugeValue(c[0]), gaugeValue(c[1])
}

func gaugeValue(c prometheus.Collector) float64 {
	var m dto.Metric
	if err := c.(prometheus.Gauge).Write(&m); err != nil {
		return -1
	}
	return m.GetGauge().GetValue()
}

// TestRegisterOverdueComplete: a request registered from a letter runs its deadline from the
// letter's date, shows as overdue once past it (listing, gauges, sweeper), and the export that
// answers it completes it.
func TestRegisterOverdueComplete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	received := f.clock.Now().Add(-20 * 24 * time.Hour)
	acc, err := f.svc.Register(ctx, subjA, RequestAccess, received, admin)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Status != StatusReceived || !acc.Deadline.Equal(received.UTC().Add(30*24*time.Hour)) || acc.Channel != ChannelLetter {
		t.Fatalf("registered %+v", acc)
	}
	obj, err := f.svc.Register(ctx, subjB, RequestObjection, f.clock.Now(), Requester{Channel: ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}

	b, err := f.svc.Backlog(ctx, BacklogFilter{Overdue: true})
	if err != nil || len(b.Requests) != 0 || b.Open != 2 || b.Overdue != 0 {
		t.Fatalf("before the deadline: %+v %v", b, err)
	}

	f.clock.Advance(11 * 24 * time.Hour) // the access request is now a day late
	b, err = f.svc.Backlog(ctx, BacklogFilter{Overdue: true})
	if err != nil || len(b.Requests) != 1 || b.Requests[0].ID != acc.ID || b.Requests[0].Subject != subjA || !b.Requests[0].Overdue {
		t.Fatalf("overdue listing: %+v %v", b, err)
	}
	if open, late := gaugeValues(f.svc); open != 2 || late != 1 {
		t.Fatalf("gauges after listing: open %v overdue %v", open, late)
	}
	b, _ = f.svc.Backlog(ctx, BacklogFilter{Status: StatusReceived})
	if len(b.Requests) != 2 || b.Requests[0].ID != acc.ID {
		t.Fatalf("open listing, oldest deadline first: %+v", b.Requests)
	}

	// The sweeper counts the same, from its scan.
	rep, err := f.svc.Sweeper().Pass(ctx)
	if err != nil || rep.Open != 2 || rep.Overdue != 1 {
		t.Fatalf("sweeper: %+v %v", rep, err)
	}

	x, err := f.svc.Export(ctx, subjA, Requester{Channel: ChannelAdmin, Actor: admin.Actor, Role: admin.Role, Reason: "DSR-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Requests) != 1 || x.Requests[0].ID != acc.ID || x.Requests[0].Status != StatusCompleted {
		t.Fatalf("the export did not complete the registered request: %+v", x.Requests)
	}
	// The sweeper learns of the completion without a new scan.
	f.clock.Advance(2 * time.Hour)
	if rep, _ = f.svc.Sweeper().Pass(ctx); rep.Scanned || rep.Open != 1 || rep.Overdue != 0 {
		t.Fatalf("sweeper after the export: %+v", rep)
	}
	if open, late := gaugeValues(f.svc); open != 1 || late != 0 {
		t.Fatalf("gauges after the export: open %v overdue %v", open, late)
	}

	// An objection is closed by hand.
	if _, err := f.svc.Complete(ctx, subjB, "nope"); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("unknown id: %v", err)
	}
	done, err := f.svc.Complete(ctx, subjB, obj.ID)
	if err != nil || done.Status != StatusCompleted || done.Completed == nil {
		t.Fatalf("complete: %+v %v", done, err)
	}
	b, _ = f.svc.Backlog(ctx, BacklogFilter{Status: StatusReceived})
	if len(b.Requests) != 0 || b.Open != 0 {
		t.Fatalf("still open: %+v", b)
	}
}

// TestRegisterErasure: an erasure answers the registered erasure request (its id and date on the
// receipt) and keeps the subject's other open requests in the register.
func TestRegisterErasure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.tokenize(subjA, redact.Email, email)
	received := f.clock.Now().Add(-3 * 24 * time.Hour)
	er, err := f.svc.Register(ctx, subjA, RequestErasure, received, admin)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := f.svc.Register(ctx, subjA, RequestRestriction, received, admin)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.svc.Erase(ctx, subjA, ModeErase, Requester{Channel: ChannelAdmin, Actor: admin.Actor, Role: admin.Role, Reason: "DSR-1"})
	if err != nil {
		t.Fatal(err)
	}
	if rc.RequestID != er.ID || !rc.Received.Equal(er.Received) || !rc.KeyDestroyed {
		t.Fatalf("receipt %+v for %+v", rc, er)
	}
	reqs, err := f.svc.Requests(ctx, subjA)
	if err != nil || len(reqs) != 2 {
		t.Fatalf("register after erasure: %+v %v", reqs, err)
	}
	for _, r := range reqs {
		switch r.ID {
		case er.ID:
			if r.Status != StatusCompleted || r.Receipt == nil {
				t.Errorf("erasure request %+v", r)
			}
		case rest.ID:
			if r.Status != StatusReceived {
				t.Errorf("restriction request %+v", r)
			}
		default:
			t.Errorf("unexpected request %+v", r)
		}
	}
	f.assertNoValues(email)
}

func TestRegisterRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := f.clock.Now()
	for _, tc := range []struct {
		desc     string
		subject  string
		kind     RequestKind
		received time.Time
	}{
		{desc: "reserved subject", subject: "_rights", kind: RequestAccess, received: now},
		{desc: "anonymous subject", subject: "anon-1", kind: RequestAccess, received: now},
		{desc: "unknown kind", subject: subjA, kind: "portability", received: now},
		{desc: "in the future", subject: subjA, kind: RequestAccess, received: now.Add(72 * time.Hour)},
		{desc: "older than the register keeps", subject: subjA, kind: RequestAccess, received: now.Add(-4 * 365 * 24 * time.Hour)},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if _, err := f.svc.Register(ctx, tc.subject, tc.kind, tc.received, admin); !errors.Is(err, ErrBadInput) {
				t.Fatalf("err %v, want ErrBadInput", err)
			}
		})
	}
}

func TestParseRequestKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, in string
		want     RequestKind
		ok       bool
	}{
		{desc: "export", in: "export", want: RequestAccess, ok: true},
		{desc: "access", in: "access", want: RequestAccess, ok: true},
		{desc: "erase", in: "erase", want: RequestErasure, ok: true},
		{desc: "rectify", in: "rectify", want: RequestRectification, ok: true},
		{desc: "objection", in: "objection", want: RequestObjection, ok: true},
		{desc: "restriction", in: "restriction", want: RequestRestriction, ok: true},
		{desc: "unknown", in: "delete"},
		{desc: "empty", in: ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := ParseRequestKind(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseRequestKind(%q) = %q, %v", tc.in, got, err)
			}
		})
	}
}
