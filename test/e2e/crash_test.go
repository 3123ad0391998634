package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestKilledVeilKeepsItsAuditTrail kills Veil (SIGKILL, no shutdown) right after a burst of chat
// messages on the embedded store: every message that was answered has its audit event after the
// restart (the store's journal is replayed into the store file), and the chain still verifies.
func TestKilledVeilKeepsItsAuditTrail(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	_, v, c := consentedChat(t, "")
	const n = 40
	for i := range n {
		rasaSay(t, v, c, fmt.Sprintf("Message %d: write to me at crash.test%d@example.org", i, i))
	}
	if err := v.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-v.exited
	if fi, err := os.Stat(filepath.Join(v.dir, "data", "veil.db.journal")); err != nil || fi.Size() == 0 {
		t.Fatalf("no store journal after the crash: %v", err)
	}

	// The audit tools open the store like Veil does: the journal goes into the store file first.
	out, err := exec.Command(veilBin, "audit", "tail", "--config", v.config, "--json", "-n", "1000",
		"--type", "message.forwarded").CombinedOutput()
	if err != nil {
		t.Fatalf("veil audit tail: %v\n%s", err, out)
	}
	if got := bytes.Count(out, []byte(`"message.forwarded"`)); got != n {
		t.Fatalf("%d message.forwarded events after the crash, want %d", got, n)
	}
	if bytes.Contains(out, []byte("crash.test")) {
		t.Fatal("the trail carries an e-mail address")
	}
	if out, err := exec.Command(veilBin, "audit", "verify", "--config", v.config).CombinedOutput(); err != nil {
		t.Fatalf("veil audit verify after the crash: %v\n%s", err, out)
	}
}
