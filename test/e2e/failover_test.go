package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store/redistest"
)

// TestSentinelFailover: Veil on a Redis that a Sentinel manages keeps its promises across a
// failover (checkFailover), and go-redis's messages about the new master are JSON log lines.
func TestSentinelFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	sn := redistest.StartSentinel(t, 1)
	v := checkFailover(t, redisAddrsConfig(t, sn.Addrs(), "    master_name: "+redistest.SentinelMaster+"\n"), func() { sn.Failover() })
	logs := v.Logs()
	if !strings.Contains(logs, `"component":"redis.client"`) || strings.Contains(logs, "\nredis: ") {
		t.Errorf("go-redis's messages are not in the JSON log:\n%s", logs)
	}
}

// TestClusterFailover: the same on a Redis Cluster whose every master fails over to its replica.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	cl := redistest.StartReplicatedCluster(t, 3)
	checkFailover(t, redisAddrsConfig(t, cl.Addrs(), ""), cl.Failover)
}

// checkFailover runs Veil with config and, between two messages, failover. A message during the
// switch is refused (503) or served, and nothing planted reaches the bot either way; afterwards
// the subject's values still come back (the vault's records were replicated), and the audit
// trail, written partly before and partly after, verifies with both messages' events in the
// store (not left in the local spool). It returns Veil, stopped.
func checkFailover(t *testing.T, config string, failover func()) *veil {
	t.Helper()
	b, v, c := consentedChat(t, config)
	assertRestored(t, strings.Join(rasaSay(t, v, c, plantedMessage), " "))

	failover()
	body, _ := json.Marshal(map[string]string{"sender": "s1", "message": plantedMessage})
	refused := 0
	for deadline := time.Now().Add(30 * time.Second); ; {
		res, err := c.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		reply, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			assertRestored(t, string(reply))
			break
		}
		if res.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after the failover: status %d: %s", res.StatusCode, reply)
		}
		refused++
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d messages refused while Veil's client moved to the new master", refused)
	assertNothingPlanted(t, b)
	v.stop()
	if out, err := exec.Command(veilBin, "audit", "verify", "--config", v.config).CombinedOutput(); err != nil {
		t.Fatalf("audit verify after the failover: %v\n%s", err, out)
	}
	out, err := exec.Command(veilBin, "audit", "tail", "--config", v.config, "--json", "-n", "100", "--type", "message.forwarded").CombinedOutput()
	if err != nil {
		t.Fatalf("veil audit tail: %v\n%s", err, out)
	}
	if n := bytes.Count(out, []byte(`"message.forwarded"`)); n != 2 {
		t.Fatalf("%d message.forwarded events on the new master, want 2:\n%s", n, out)
	}
	return v
}
