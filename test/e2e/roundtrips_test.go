package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store/redistest"
)

// TestPipelineRedisReadsOnce: on Redis, a chat message from a subject with consent and tokens
// reads the store once: one MGET brings the pending data-subject request, the consent state, the
// data key and the token index entries its steps need (they would otherwise be four round trips),
// and the script that lists the subject's tokens for the reply rides in the same pipeline, so it
// comes before the audit write instead of after; the audit write is one round trip (an XADD
// under the writer's own id, pipelined with the script that tests the stream's last id). Counted with MONITOR on a real redis-server; commands Lua scripts
// run are left out, since they cost no round trip.
func TestPipelineRedisReadsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	srv := redistest.Start(t)
	_, v, c := consentedChat(t, redisConfig(t, srv, ""))
	send := func() { t.Helper(); rasaSay(t, v, c, plantedMessage) }
	send() // creates the tokens
	send()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// redis-cli comes with redis-server (Debian's redis-tools).
	host, port, _ := net.SplitHostPort(srv.Addr())
	mon := exec.CommandContext(ctx, "redis-cli", "-h", host, "-p", port, "monitor")
	out, err := mon.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mon.Process.Kill(); _ = mon.Wait() }()
	lines := bufio.NewScanner(out)
	// MONITOR answers OK once it is on; commands before that are not seen.
	if !lines.Scan() || lines.Text() != "OK" {
		t.Fatalf("redis-cli monitor: %q, %v", lines.Text(), lines.Err())
	}
	send()
	// Everything Veil sent for the message precedes the reply; a marker sent afterwards closes
	// the window.
	const marker = "e2e-window-closed"
	rc := srv.Client()
	defer rc.Close()
	if err := rc.Echo(ctx, marker).Err(); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var seen []string
	for lines.Scan() {
		l := lines.Text()
		if strings.Contains(l, marker) {
			break
		}
		if strings.Contains(l, " lua]") { // run inside a script: no round trip of its own
			continue
		}
		f := strings.Fields(l)
		if len(f) < 4 {
			continue
		}
		cmd := strings.ToUpper(strings.Trim(f[3], `"`))
		if cmd == "HELLO" || cmd == "CLIENT" {
			continue // a new connection's setup (the marker's client's, here), once per connection
		}
		if strings.Contains(l, "veil_probe") {
			continue // the audit append's script that tests the stream's last id, in the same round trip
		}
		if cmd == "XADD" && len(f) > 4 && strings.Contains(f[4], ":stream:") {
			cmd = "APPEND"
		}
		counts[cmd]++
		seen = append(seen, cmd)
	}
	if counts["MGET"] != 1 || counts["GET"] != 0 {
		t.Errorf("request reads: %d MGET and %d GET, want one MGET; commands: %v", counts["MGET"], counts["GET"], seen)
	}
	if counts["APPEND"] < 1 {
		t.Errorf("no audit append among %v", seen)
	}
	if want := []string{"MGET", "EVALSHA", "APPEND"}; strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("commands for one message: %v, want %v (the reply's tokens read with the request's records)", seen, want)
	}
	t.Logf("commands for one message: %v", seen)

	// The client's connection pool is on /metrics.
	res, err := http.Get(v.adminURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !regexp.MustCompile(`(?m)^veil_redis_pool_connections [1-9]`).Match(metrics) {
		t.Errorf("no veil_redis_pool_connections on /metrics")
	}
}
