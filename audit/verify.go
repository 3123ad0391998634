package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/veil-privacy/veil/store"
)

// VerifyOptions say what part of a trail to check and against which key.
type VerifyOptions struct {
	// From is the stream id to start at; "" is the beginning. The first event checked is trusted
	// as the anchor: the chain is proven from there on.
	From string
	// PublicKey verifies checkpoint signatures. Without it signatures are not checked, and a chain
	// rewritten from some event on (hashes recomputed) cannot be told from the original.
	PublicKey ed25519.PublicKey
	// Now is the time the tail is judged at (default time.Now()).
	Now time.Time
	// Each, if set, is called with every event that passed its checks, in order (a Summary's Add:
	// verify and summarize in one read). An error it returns stops Verify and is returned.
	Each func(Event) error
}

// Position locates an event of the trail.
type Position struct {
	StreamID string
	EventID  string
	Seq      uint64
	Time     time.Time
}

// Break is the first place where the trail is not what the writer wrote.
type Break struct {
	Position
	// Problem says what is wrong, in terms of the chain; it never quotes field values.
	Problem string
}

// Result is what Verify found.
type Result struct {
	// Events is how many entries were checked, checkpoints included.
	Events int
	// Checkpoints is how many of them were checkpoints; SignaturesChecked says whether their
	// signatures were verified.
	Checkpoints       int
	SignaturesChecked bool
	// First and Last are the first and last entries checked (nil for an empty stream).
	First, Last *Position
	// StartsMidChain is set when the first entry checked links to an earlier one (trimmed by
	// retention, or before From).
	StartsMidChain bool
	// LastCheckpoint is the last valid checkpoint, FinalCheckpoint whether it was written on a
	// clean shutdown, and Uncovered how many events follow it.
	LastCheckpoint     *Position
	FinalCheckpoint    bool
	CheckpointEvery    int
	CheckpointInterval time.Duration
	Uncovered          int
	// Break is the first broken link; nil when the chain holds.
	Break *Break
	// TailWarning is set when a later checkpoint was expected by now and is missing: Veil is not
	// running, or the tail of the trail was removed.
	TailWarning string
}

// OK reports whether the chain and every checkpoint checked hold.
func (r *Result) OK() bool { return r.Break == nil }

// Verify recomputes the hash chain of stream and the signature of every checkpoint, stopping at the
// first broken link. It returns an error only when the stream cannot be read.
func Verify(ctx context.Context, r Reader, stream string, opts VerifyOptions) (*Result, error) {
	res := &Result{SignaturesChecked: opts.PublicKey != nil}
	from := opts.From
	if from == "" {
		from = "-"
	}
	var prev *Event
	var lastCP *Event
	err := scan(ctx, r, stream, from, "+", func(e store.Entry) (bool, error) {
		ev, perr := ParseEvent(e.Fields)
		ev.StreamID = e.ID
		pos := Position{StreamID: e.ID, EventID: ev.ID, Seq: ev.Seq, Time: ev.Time}
		fail := func(format string, args ...any) (bool, error) {
			res.Break = &Break{Position: pos, Problem: fmt.Sprintf(format, args...)}
			return false, nil
		}
		res.Events++
		if res.First == nil {
			p := pos
			res.First = &p
		}
		res.Last = &pos
		if perr != nil {
			return fail("not a valid audit event: %v", perr)
		}
		if HashFields(e.Fields) != ev.Hash {
			return fail("content does not match its hash: the event was edited")
		}
		switch {
		case prev != nil && ev.Prev != prev.Hash:
			return fail("does not link to the previous entry (seq %d, stream id %s): an event was deleted, inserted or edited in between", prev.Seq, prev.StreamID)
		case prev != nil && ev.Seq != prev.Seq+1:
			return fail("sequence number %d follows %d: events are missing or were inserted", ev.Seq, prev.Seq)
		case prev != nil && ev.Time.Before(prev.Time):
			return fail("time goes backwards from the previous entry")
		case prev == nil && ev.Seq == 1 && ev.Prev != "":
			return fail("the first event of the chain names a predecessor")
		case prev == nil && ev.Seq > 1 && ev.Prev == "":
			return fail("event %d of the chain names no predecessor", ev.Seq)
		case prev == nil && ev.Seq > 1:
			res.StartsMidChain = true
		}
		if ev.Type == Checkpoint {
			c := ev.Checkpoint
			switch {
			case c.Head != ev.Prev || c.Count != ev.Seq-1:
				return fail("checkpoint names a head or count that is not its place in the chain")
			case c.Every <= 0 || c.Interval <= 0:
				return fail("checkpoint has no checkpoint policy")
			}
			if opts.PublicKey != nil {
				if err := checkSignature(e.Fields, opts.PublicKey); err != nil {
					return fail("checkpoint: %v", err)
				}
			}
			res.Checkpoints++
			res.Uncovered = 0
			lastCP = &ev
		} else {
			res.Uncovered++
		}
		prev = &ev
		if opts.Each != nil {
			if err := opts.Each(ev); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return res, err
	}
	if lastCP != nil {
		c := lastCP.Checkpoint
		res.LastCheckpoint = &Position{StreamID: lastCP.StreamID, EventID: lastCP.ID, Seq: lastCP.Seq, Time: lastCP.Time}
		res.FinalCheckpoint, res.CheckpointEvery, res.CheckpointInterval = c.Final, c.Every, c.Interval
	}
	if res.Break == nil {
		res.TailWarning = tailWarning(res, prev, opts.Now)
	}
	return res, nil
}

// tailWarning says whether a checkpoint should have been written after the last one by now. A
// running writer writes one at least every interval, with or without traffic, and a final one when
// it stops cleanly; after a crash it writes one as soon as it starts again.
func tailWarning(res *Result, last *Event, now time.Time) string {
	if last == nil {
		return ""
	}
	if now.IsZero() {
		now = time.Now()
	}
	if res.LastCheckpoint == nil {
		if res.Events > 0 && now.Sub(res.First.Time) > 2*DefaultCheckpointInterval && !res.StartsMidChain {
			return "no checkpoint at all: the signing writer never covered these events"
		}
		if res.StartsMidChain {
			return "no checkpoint in the range checked: nothing is signed"
		}
		return ""
	}
	if res.FinalCheckpoint && res.Uncovered == 0 {
		return ""
	}
	grace := 2 * res.CheckpointInterval
	if now.Sub(res.LastCheckpoint.Time) > grace {
		return fmt.Sprintf("the last checkpoint (seq %d, %s) is older than twice the checkpoint interval (%s) and %d event(s) follow it unsigned: Veil is not running (or stopped uncleanly), or the tail of the trail was removed",
			res.LastCheckpoint.Seq, res.LastCheckpoint.Time.Format(time.RFC3339), res.CheckpointInterval, res.Uncovered)
	}
	return ""
}
