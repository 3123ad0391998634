package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
	"github.com/veil-privacy/veil/store/redistest"
)

// writeAuditTrail records n events (two subjects, alternating) on sink with keys in dataDir.
func writeAuditTrail(t *testing.T, sink audit.Sink, dataDir string, n int) {
	t.Helper()
	a, err := audit.New(context.Background(), sink, audit.Config{CheckpointEvery: 5}, audit.Options{
		DataDir: dataDir, Logger: zerolog.Nop(), LookupEnv: func(string) (string, bool) { return "", false },
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ev := audit.Event{Type: audit.MessageForwarded, Subject: "visitor-aaaaaaaa", Route: "chat",
			Findings: map[string]int{"EMAIL": 2, "PHONE": 1}, Outcome: "ok"}
		if i%2 == 1 {
			ev = audit.Event{Type: audit.SubjectErased, Subject: "visitor-bbbbbbbb", Actor: "admin-1", Role: "dpo", Reason: "INC-42"}
		}
		if err := a.Record(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

func runVeil(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAuditCommandsEmbedded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := embedded.Open(filepath.Join(dir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	writeAuditTrail(t, s, dir, 12)
	s.Close()

	code, out, errOut := runVeil("audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "OK: the chain is intact") || !strings.Contains(out, "signatures: checked") {
		t.Fatalf("verify: %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runVeil("audit", "tail", "--data-dir", dir, "-n", "3", "--type", "subject.erased", "--subject", "visitor-bbbbbbbb")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("tail: %d %q %s", code, lines, errOut)
	}
	for _, l := range lines {
		if !strings.Contains(l, "subject.erased") || !strings.Contains(l, "reason=INC-42") || strings.Contains(l, "visitor-") {
			t.Errorf("tail line %q", l)
		}
	}
	code, out, _ = runVeil("audit", "tail", "--data-dir", dir, "-n", "2", "--json", "--subject", "visitor-aaaaaaaa")
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]string
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["type"] != "message.forwarded" || m["findings"] != "EMAIL=2;PHONE=1" || m["stream_id"] == "" {
			t.Errorf("tail --json %d: %q %v", code, l, err)
		}
	}

	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	code, out, errOut = runVeil("audit", "export", "--data-dir", dir, "--since", since, "--format", "csv", "--type", "message.forwarded")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 7 || rows[0][0] != "stream_id" || rows[1][10] != "EMAIL=2;PHONE=1" {
		t.Fatalf("csv export: %v %q", err, rows)
	}
	out = filepath.Join(t.TempDir(), "trail.jsonl")
	if code, _, errOut = runVeil("audit", "export", "--data-dir", dir, "--since", since, "--out", out); code != 0 {
		t.Fatalf("jsonl export: %s", errOut)
	}
	if !strings.Contains(errOut, "exported ") {
		t.Errorf("export summary: %q", errOut)
	}

	// The report: the chain's check, then the period's counts; the same in JSON.
	code, out, errOut = runVeil("audit", "report", "--data-dir", dir, "--since", since)
	if code != 0 || !strings.Contains(out, "OK: the chain is intact") || !regexp.MustCompile(`forwarded to the bot +6\n`).MatchString(out) ||
		!regexp.MustCompile(`erasures +6\n`).MatchString(out) || !strings.Contains(out, "no access to personal data or settings") ||
		strings.Contains(out, "visitor-") {
		t.Fatalf("report: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runVeil("audit", "report", "--data-dir", dir, "--since", since, "--format", "json")
	var rep struct {
		Integrity struct {
			Intact            bool `json:"intact"`
			SignaturesChecked bool `json:"signatures_checked"`
		} `json:"integrity"`
		Events   map[string]int `json:"events"`
		Subjects int            `json:"subjects"`
		Found    map[string]int `json:"personal_data_found"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.Integrity.Intact || !rep.Integrity.SignaturesChecked ||
		rep.Events["message.forwarded"] != 6 || rep.Subjects != 1 || rep.Found["EMAIL"] != 12 {
		t.Fatalf("report --format json: %d %v\n%s%s", code, err, out, errOut)
	}

	for _, args := range [][]string{
		{"audit"}, {"audit", "nope"}, {"audit", "export", "--data-dir", dir}, {"audit", "report", "--data-dir", dir},
	} {
		if code, _, _ := runVeil(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runVeil("audit", "verify"); code != 1 || !strings.Contains(errOut, "exactly one of") {
		t.Errorf("verify without a trail: %d %s", code, errOut)
	}
}

func TestAuditVerifyRedisTampered(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s, err := redisstore.New(srv.Client(), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeAuditTrail(t, s, dir, 10)
	url := "redis://" + srv.Addr()
	pub := filepath.Join(dir, audit.DefaultPublicKeyFile)

	code, out, errOut := runVeil("audit", "verify", "--redis", url, "--public-key", pub)
	if code != 0 {
		t.Fatalf("verify: %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runVeil("audit", "verify", "--redis", url); code != 1 || !strings.Contains(errOut, "--public-key") {
		t.Errorf("verify without a key: %d %s", code, errOut)
	}
	entries, err := s.Range(context.Background(), audit.DefaultStream, "-", "+", 0)
	if err != nil || len(entries) < 6 {
		t.Fatal(err, len(entries))
	}
	c := srv.Client()
	if err := c.XDel(context.Background(), "veil:stream:"+audit.DefaultStream, entries[4].ID).Err(); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runVeil("audit", "verify", "--redis", url, "--public-key", pub)
	if code != 1 || !strings.Contains(out, "BROKEN at seq 6") || !strings.Contains(out, entries[5].ID) {
		t.Errorf("verify after XDEL: %d\n%s", code, out)
	}
	// A report over a broken chain says so first and fails, the counts still printed: every
	// message left in the stream, after the break too.
	forwarded := 0
	for i, e := range entries {
		if i != 4 && e.Fields["type"] == string(audit.MessageForwarded) {
			forwarded++
		}
	}
	code, out, _ = runVeil("audit", "report", "--redis", url, "--public-key", pub, "--since", "2000-01-01")
	if code != 1 || !strings.HasPrefix(out, "audit stream") || !strings.Contains(out, "BROKEN at seq 6") ||
		!regexp.MustCompile(fmt.Sprintf(`forwarded to the bot +%d\n`, forwarded)).MatchString(out) {
		t.Errorf("report after XDEL: %d (want %d forwarded)\n%s", code, forwarded, out)
	}
}

// TestAuditRedisTopologies: --redis reaches a trail behind Sentinels (master_name) and on a
// Cluster (cluster=true), and a bad URL's error does not repeat its password.
func TestAuditRedisTopologies(t *testing.T) {
	t.Parallel()
	sentinel := redistest.StartSentinel(t, 0)
	cluster := redistest.StartCluster(t, 3)
	for _, tc := range []struct {
		name   string
		client redis.UniversalClient
		url    string
	}{
		{"sentinel", sentinel.Client(), "redis://" + sentinel.Sentinel.Addr() + "/0?master_name=" + redistest.SentinelMaster},
		{"cluster", cluster.Client(), "redis://" + cluster.Addrs()[0] + "?cluster=true&addr=" + cluster.Addrs()[1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.New(tc.client, "")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writeAuditTrail(t, s, dir, 7)
			code, out, errOut := runVeil("audit", "verify", "--redis", tc.url, "--public-key", filepath.Join(dir, audit.DefaultPublicKeyFile))
			if code != 0 || !strings.Contains(out, "OK: the chain is intact") {
				t.Fatalf("verify: %d\n%s%s", code, out, errOut)
			}
		})
	}
	for _, bad := range []string{"http://:s3cret@h:1", "redis://:s3cret@h:1?cluster=maybe", "redis://:s3cret@h:1?master_name=m&nope=1", "redis://:s3cret@h:1?cluster=true&nope=1"} {
		code, _, errOut := runVeil("audit", "verify", "--redis", bad)
		if code != 1 || !strings.Contains(errOut, "--redis") || strings.Contains(errOut, "s3cret") {
			t.Errorf("%s: exit %d, %q", bad, code, errOut)
		}
	}
}

func TestAuditVerifyFromConfig(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s, err := redisstore.New(srv.Client(), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeAuditTrail(t, s, dir, 6)
	cfgPath := filepath.Join(dir, "veil.yaml")
	yaml := "data_dir: " + dir + "\nupstream:\n  url: http://127.0.0.1:9\nroutes:\n  - name: chat\n    path: /chat\n    kind: chat\n    purpose: support\n" +
		"tls:\n  mode: off\nstore:\n  driver: redis\n  redis:\n    addrs: [\"" + srv.Addr() + "\"]\n"
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runVeil("audit", "verify", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "OK: the chain is intact") || !strings.Contains(out, "signatures: checked") {
		t.Fatalf("verify --config: %d\n%s%s", code, out, errOut)
	}
}
