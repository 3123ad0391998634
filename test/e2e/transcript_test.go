package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// policyWithTranscripts copies the default pack and turns transcripts on, as a compliance team
// would: the data file and the pack's own test that pins the default change together.
func policyWithTranscripts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "policies")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".rego") && !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		s = strings.Replace(s, `"transcript": false`, `"transcript": true`, 1)
		s = strings.Replace(s, "d.transcript == false", "d.transcript == true", 1)
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTranscriptLifecycle: with a policy that keeps transcripts, the subject's export holds the
// conversation (the message as forwarded, the reply as shown); after erasure it is gone.
func TestTranscriptLifecycle(t *testing.T) {
	_, v, c := consentedChat(t, "policy:\n  dir: "+policyWithTranscripts(t)+"\n  watch: false\n")
	body, _ := json.Marshal(map[string]string{"sender": "s1", "message": plantedMessage})
	res, err := c.Post(v.publicURL+"/webhooks/rest/webhook", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	export := func() string {
		res, err := c.Get(v.publicURL + "/.veil/me/export?format=json")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("export: %d %s", res.StatusCode, b)
		}
		return string(b)
	}
	x := export()
	var doc struct {
		Transcripts []struct {
			Messages []struct{ Direction, Text string }
		}
	}
	if err := json.Unmarshal([]byte(x), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Transcripts) != 1 || len(doc.Transcripts[0].Messages) != 2 {
		t.Fatalf("export transcripts: %.800s", x)
	}
	msgs := doc.Transcripts[0].Messages
	if msgs[0].Direction != "request" || strings.Contains(msgs[0].Text, "maria.rossi@example.org") ||
		msgs[1].Direction != "response" || !strings.Contains(msgs[1].Text, "maria.rossi@example.org") {
		t.Fatalf("transcript messages %+v: want the message as forwarded (tokens) and the reply as shown (values)", msgs)
	}
	if st, body := postMe(t, v, c, "/.veil/me/erase", ""); st != 200 {
		t.Fatalf("erase: %d %s", st, body)
	}
	if x := export(); strings.Contains(x, "Maria") || strings.Contains(x, "direction") {
		t.Fatalf("export after erasure still holds the conversation: %.400s", x)
	}
}
