package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// probeField is the one field of the entry AppendAt adds to test a stream's last id. It stays only
// when the stream had lost entries, and only until AppendAt deletes it, in the next round trip.
const probeField = "veil_probe"

// AppendAt is Append for a stream's one writer, which chooses each entry's id (above the ids it
// wrote before) so that no entry is ever written twice: Redis refuses an id at or below the
// stream's last id, so a write the client gave up on that Redis executed late, or a client's retry
// after a lost reply, adds nothing the second time. An entry Redis refused is reported false in
// added; the caller decides, by reading the stream at its id, whether it is there already.
//
// If after is not "", it is the id of the last entry the caller wrote, and AppendAt also tells
// whether the stream has lost it (lost): a failover before the entry was replicated, or a restart
// without persistence. An entry deleted with XDEL is not lost in this sense: the stream still
// remembers its id. The test is one more XADD in the same round trip, at id after, which Redis
// refuses unless the stream's last id is below it; when it is written (the stream has lost
// entries), AppendAt deletes it again.
//
// Everything goes in one pipelined round trip without MULTI/EXEC: with one writer per stream
// nothing can come between the commands that matters.
func (s *Store) AppendAt(ctx context.Context, stream, after string, ids []string, entries ...map[string]string) (added []bool, lost bool, err error) {
	if err := store.CheckAppend(stream, entries); err != nil {
		return nil, false, err
	}
	if len(ids) != len(entries) {
		return nil, false, fmt.Errorf("appending to stream: %d ids for %d entries", len(ids), len(entries))
	}
	if len(entries) == 0 {
		return nil, false, nil
	}
	key := s.k.stream(stream)
	var probe *redis.StringCmd
	cmds := make([]*redis.StringCmd, len(entries))
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		if after != "" {
			probe = p.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: after, Values: []string{probeField, "1"}})
		}
		for i, e := range entries {
			cmds[i] = p.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: ids[i], Values: e})
		}
		return nil
	})
	if err != nil && !isIDRefused(err) {
		return nil, false, fmt.Errorf("appending to stream: %w", err)
	}
	added = make([]bool, len(entries))
	for i, c := range cmds {
		switch err := c.Err(); {
		case err == nil:
			added[i] = true
		case !isIDRefused(err):
			return nil, false, fmt.Errorf("appending to stream: %w", err)
		}
	}
	if probe != nil {
		switch err := probe.Err(); {
		case err == nil:
			lost = true
			if err := s.c.XDel(ctx, key, after).Err(); err != nil {
				return nil, false, fmt.Errorf("deleting a stream probe: %w", err)
			}
		case !isIDRefused(err):
			return nil, false, fmt.Errorf("appending to stream: %w", err)
		}
	}
	return added, lost, nil
}

// isIDRefused reports whether err is Redis refusing an XADD id at or below the stream's last id.
func isIDRefused(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.Contains(rerr.Error(), "equal or smaller than the target stream top item")
}
