package e2e

import (
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstart runs the README's first command, `veil quickstart` (the demo bot and Veil in one
// process, the embedded store, a development CA), and walks what the README says happens: the
// widget's page, a first message redacted with the consent notice in the reply, then the user's
// values tokenized and restored through the Rasa, OpenAI and Anthropic routes (streamed too), and
// an audit trail that verifies once it stops.
func TestQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	v := startQuickstart(t)
	c := subjectClient(t, v)

	res, err := c.Get(v.publicURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), `id="chat-input"`) {
		t.Fatalf("the widget's page: %d %.300s", res.StatusCode, page)
	}

	first := strings.Join(rasaSay(t, v, c, plantedMessage), " ")
	if !strings.Contains(first, "protected by Veil") || !strings.Contains(first, "[EMAIL]") {
		t.Fatalf("first reply %q: want the notice and redacted values", first)
	}
	// The default policy tokenizes contact data and redacts bank details on these routes.
	contact := planted[:3]
	restored := func(reply string) {
		t.Helper()
		for _, p := range contact {
			if !strings.Contains(reply, p) {
				t.Errorf("reply lacks the user's own %q: %s", p, reply)
			}
		}
		if !strings.Contains(reply, "[IBAN]") {
			t.Errorf("reply has no redacted IBAN: %s", reply)
		}
	}
	restored(strings.Join(rasaSay(t, v, c, plantedMessage), " "))
	for _, stream := range []bool{false, true} {
		restored(openAIChat(t, v, c, plantedMessage, stream))
		restored(openAIToolCall(t, v, c, plantedMessage, stream))
		restored(responsesChat(t, v, c, plantedMessage, stream))
		restored(responsesToolCall(t, v, c, plantedMessage, stream))
		restored(anthropicChat(t, v, c, plantedMessage, stream))
	}

	v.stop()
	<-v.exited
	if v.exitErr != nil {
		t.Fatalf("quickstart exited with %v\n%s", v.exitErr, v.Logs())
	}
	out, err := exec.Command(veilBin, "audit", "verify", "--data-dir", filepath.Join(v.dir, "data")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK: the chain is intact") {
		t.Fatalf("veil audit verify: %v\n%s", err, out)
	}
}
