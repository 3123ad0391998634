package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// slot is Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag, or of the key without one.
func slot(key string) uint16 {
	if s := strings.IndexByte(key, '{'); s >= 0 {
		if e := strings.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc ^= uint16(key[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc % 16384
}

// slotChecker is a go-redis hook that records every command whose keys (declared, or key
// prefixes passed to scripts) span more than one Cluster slot, and every MULTI that does.
type slotChecker struct {
	prefix string
	mu     sync.Mutex
	errs   []string
	multi  int // multi-key commands and transactions checked
}

func (h *slotChecker) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *slotChecker) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.check([]redis.Cmder{cmd}, false)
		return next(ctx, cmd)
	}
}

func (h *slotChecker) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		tx := false
		for _, c := range cmds {
			if c.Name() == "multi" {
				tx = true
			}
		}
		h.check(cmds, tx)
		return next(ctx, cmds)
	}
}

func (h *slotChecker) check(cmds []redis.Cmder, tx bool) {
	var all []string
	for _, c := range cmds {
		keys := h.keysOf(c)
		if len(keys) > 1 {
			h.sameSlot(c.Name(), keys)
		}
		all = append(all, keys...)
	}
	if tx && len(all) > 1 {
		h.sameSlot("multi", all)
	}
}

func (h *slotChecker) sameSlot(name string, keys []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.multi++
	for _, k := range keys[1:] {
		if slot(k) != slot(keys[0]) {
			h.errs = append(h.errs, fmt.Sprintf("%s spans slots: %q and %q", name, keys[0], k))
			return
		}
	}
}

// keysOf returns the keys a command touches, including key prefixes a script extends.
func (h *slotChecker) keysOf(c redis.Cmder) []string {
	args := make([]string, 0, len(c.Args()))
	for _, a := range c.Args() {
		args = append(args, fmt.Sprint(a))
	}
	if len(args) < 2 {
		return nil
	}
	switch strings.ToLower(args[0]) {
	case "evalsha", "eval", "evalsha_ro", "eval_ro":
		n, _ := strconv.Atoi(args[2])
		keys := append([]string{}, args[3:3+n]...)
		for _, a := range args[3+n:] {
			if strings.HasPrefix(a, h.prefix+"{") {
				keys = append(keys, a+"x")
			}
		}
		return keys
	case "mget", "del", "exists", "unlink":
		return args[1:]
	case "ping", "config", "script", "hello", "client", "multi", "exec", "select", "auth":
		return nil
	}
	return args[1:2]
}

func (h *slotChecker) problems() ([]string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string{}, h.errs...), h.multi
}

var _ redis.Hook = (*slotChecker)(nil)
