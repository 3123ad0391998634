package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/veil-privacy/veil/store"
)

// Filter selects events for tail and export. The zero Filter selects every event.
type Filter struct {
	// Types keeps only these types (none: all).
	Types []Type
	// Subject keeps only events of this pseudonym (Auditor.Pseudonym or Pseudonymizer.Pseudonym).
	Subject string
}

// Match reports whether ev passes the filter.
func (f Filter) Match(ev *Event) bool {
	if f.Subject != "" && ev.Subject != f.Subject {
		return false
	}
	if len(f.Types) == 0 {
		return true
	}
	for _, t := range f.Types {
		if ev.Type == t {
			return true
		}
	}
	return false
}

// Formats Export writes.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// csvHeader is the first row of a CSV export.
var csvHeader = []string{"stream_id", "id", "seq", "time", "type", "request_id", "subject", "route",
	"policy_rev", "decision_id", "findings", "actions", "outcome", "actor", "role", "reason", "prev", "hash"}

// skew bounds how far a stream id's time may run behind the event's own time (store and Veil
// clocks disagreeing); spooled events get later stream ids, never earlier ones.
const skew = time.Hour

// Each calls fn for every event of stream with since <= Time < until that passes filter, in chain
// order. Event times never decrease along the chain, so it stops at the first event at or after
// until. A zero until means no end.
func Each(ctx context.Context, r Reader, stream string, since, until time.Time, filter Filter, fn func(Event) error) error {
	from := "-"
	if !since.IsZero() {
		from = msBound(since.Add(-skew))
	}
	return scan(ctx, r, stream, from, "+", func(e store.Entry) (bool, error) {
		ev, err := ParseEvent(e.Fields)
		if err != nil {
			return true, nil // verify reports it; readers skip what they cannot read
		}
		ev.StreamID = e.ID
		if !until.IsZero() && !ev.Time.Before(until) {
			return false, nil
		}
		if ev.Time.Before(since) || !filter.Match(&ev) {
			return true, nil
		}
		return true, fn(ev)
	})
}

// Export writes the events of stream with since <= Time < until as JSON lines or CSV. A JSON line
// holds an event's stored fields exactly as they are in the stream plus "stream_id", so an auditor
// can recompute each hash from the export alone. CSV has a header row and flattens counts to
// "EMAIL=2;PHONE=1". It returns how many events it wrote.
func Export(ctx context.Context, r Reader, stream string, since, until time.Time, format string, filter Filter, w io.Writer) (int, error) {
	n := 0
	switch format {
	case FormatJSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		err := Each(ctx, r, stream, since, until, filter, func(ev Event) error {
			f := ev.fields()
			f["stream_id"] = ev.StreamID
			n++
			return enc.Encode(f)
		})
		return n, err
	case FormatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return 0, err
		}
		err := Each(ctx, r, stream, since, until, filter, func(ev Event) error {
			n++
			return cw.Write([]string{ev.StreamID, ev.ID, strconv.FormatUint(ev.Seq, 10), ev.Time.Format(timeLayout),
				string(ev.Type), ev.RequestID, ev.Subject, ev.Route, ev.PolicyRevision, ev.DecisionID,
				FormatCounts(ev.Findings), FormatCounts(ev.Actions), ev.Outcome, ev.Actor, ev.Role, ev.Reason,
				ev.Prev, ev.Hash})
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return n, err
	}
	return 0, fmt.Errorf("unknown export format %q (want jsonl or csv)", format)
}

// Line renders an event as one line for people: time, sequence, type, then the fields it has.
func Line(ev Event) string {
	var b strings.Builder
	b.WriteString(ev.Time.Format("2006-01-02T15:04:05.000Z07:00"))
	fmt.Fprintf(&b, " #%d %s", ev.Seq, ev.Type)
	kv := func(k, v string) {
		if v != "" {
			b.WriteByte(' ')
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	kv("route", ev.Route)
	kv("subject", ev.Subject)
	kv("findings", FormatCounts(ev.Findings))
	kv("actions", FormatCounts(ev.Actions))
	kv("outcome", ev.Outcome)
	kv("actor", ev.Actor)
	kv("role", ev.Role)
	kv("reason", ev.Reason)
	kv("policy", ev.PolicyRevision)
	kv("decision", ev.DecisionID)
	kv("request", ev.RequestID)
	if c := ev.Checkpoint; c != nil {
		kv("count", strconv.FormatUint(c.Count, 10))
		kv("head", short(c.Head))
		kv("key", c.KeyID)
		if c.Final {
			kv("final", "true")
		}
	}
	kv("id", ev.ID)
	return b.String()
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Last returns the last n events of stream that pass filter, oldest first, and the stream id of
// the stream's last entry ("" for an empty stream) to follow from. It reads backwards in growing
// windows, so it does not read the whole stream for a recent tail.
func Last(ctx context.Context, r Reader, stream string, n int, filter Filter, now time.Time) ([]Event, string, error) {
	tail, err := lastEntries(ctx, r, stream, now)
	if err != nil || len(tail) == 0 {
		return nil, "", err
	}
	end := tail[len(tail)-1].ID
	endID, err := store.ParseID(end)
	if err != nil {
		return nil, "", err
	}
	first, err := r.Range(ctx, stream, "-", "+", 1)
	if err != nil || len(first) == 0 {
		return nil, end, err
	}
	firstID, err := store.ParseID(first[0].ID)
	if err != nil {
		return nil, end, err
	}
	if n <= 0 {
		return nil, end, nil
	}
	for window := uint64(60_000); ; window *= 4 {
		from := "-"
		if endID.MS > firstID.MS+window {
			from = strconv.FormatUint(endID.MS-window, 10) + "-0"
		}
		var got []Event
		err := scan(ctx, r, stream, from, end, func(e store.Entry) (bool, error) {
			ev, err := ParseEvent(e.Fields)
			if err != nil {
				return true, nil
			}
			ev.StreamID = e.ID
			if filter.Match(&ev) {
				got = append(got, ev)
				if len(got) > n {
					got = got[1:]
				}
			}
			return true, nil
		})
		if err != nil {
			return nil, end, err
		}
		if len(got) >= n || from == "-" {
			return got, end, nil
		}
	}
}

// Follow calls fn for every event after the stream id after (""/"-": from the start) that passes
// filter, polling every interval until ctx is done.
func Follow(ctx context.Context, r Reader, stream, after string, filter Filter, interval time.Duration, fn func(Event) error) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		from := "-"
		if after != "" && after != "-" {
			next, err := store.NextID(after)
			if err != nil {
				return err
			}
			from = next
		}
		err := scan(ctx, r, stream, from, "+", func(e store.Entry) (bool, error) {
			after = e.ID
			ev, err := ParseEvent(e.Fields)
			if err != nil {
				return true, nil
			}
			ev.StreamID = e.ID
			if !filter.Match(&ev) {
				return true, nil
			}
			return true, fn(ev)
		})
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
