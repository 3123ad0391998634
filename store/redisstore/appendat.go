package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/veil-privacy/veil/store"
)

// lostScript tells whether a stream has lost the entry with id ARGV[1] and every later one (its
// last id is below ARGV[1]): it adds an entry at that id, which Redis refuses unless so, and
// deletes it again in the same atomic step, so that nothing of it stays in the stream (the stream's
// last id becomes ARGV[1], the caller's own). KEYS: stream. Returns 1 if lost, else 0.
var lostScript = redis.NewScript(`
local r = redis.pcall('XADD', KEYS[1], ARGV[1], 'veil_probe', '1')
if type(r) == 'table' and r.err then return 0 end
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
`)

// AppendAt is Append for a stream's one writer, which chooses each entry's id (above the ids it
// wrote before) so that no entry is ever written twice: Redis refuses an id at or below the
// stream's last id, so a write the client gave up on that Redis executed late, or a client's retry
// after a lost reply, adds nothing the second time. An entry Redis refused is reported false in
// added; the caller decides, by reading the stream at its id, whether it is there already.
//
// If after is not "", it is the id of the last entry the caller wrote, and AppendAt also tells
// whether the stream has lost it (lost): a failover before the entry was replicated, or a restart
// without persistence. An entry deleted with XDEL is not lost in this sense: the stream still
// remembers its id. The test (lostScript) writes nothing that stays; if the reply to a round trip
// that found the loss is itself lost and go-redis sends it again, the second answer is "not lost".
//
// Everything goes in one pipelined round trip without MULTI/EXEC: with one writer per stream
// nothing can come between the commands that matters. The script is sent whole (EVAL, which Redis
// caches by its hash), because a Redis that lost its data has lost its script cache too.
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
	var probe *redis.Cmd
	cmds := make([]*redis.StringCmd, len(entries))
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		if after != "" {
			probe = lostScript.Eval(ctx, p, []string{key}, after)
		}
		for i, e := range entries {
			cmds[i] = p.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: ids[i], Values: e})
		}
		return nil
	})
	if err != nil && !isIDRefused(err) {
		return nil, false, fmt.Errorf("appending to stream: %w", err)
	}
	if probe != nil {
		n, err := probe.Int()
		if err != nil {
			return nil, false, fmt.Errorf("appending to stream: %w", err)
		}
		lost = n == 1
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
	return added, lost, nil
}

// LastID returns the stream's last id: that of the last entry ever added, even if it was deleted
// since, or set with XSETID; "" for a stream that does not exist.
func (s *Store) LastID(ctx context.Context, stream string) (string, error) {
	if err := store.CheckStream(stream); err != nil {
		return "", err
	}
	info, err := s.c.XInfoStream(ctx, s.k.stream(stream)).Result()
	switch {
	case err == nil:
		return info.LastGeneratedID, nil
	case strings.Contains(err.Error(), "no such key"):
		return "", nil
	}
	return "", fmt.Errorf("reading stream info: %w", err)
}

// isIDRefused reports whether err is Redis refusing an XADD id at or below the stream's last id.
func isIDRefused(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.Contains(rerr.Error(), "equal or smaller than the target stream top item")
}
