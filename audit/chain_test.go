package audit

import (
	"bytes"
	"crypto/ed25519"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenEvent is a fixed event whose encoding and hash must never change: stored chains depend on it.
func goldenEvent() *Event {
	return &Event{
		Type: MessageForwarded, RequestID: "req-1", Subject: "9f2c3b0a5e7d1c4b8a6f0e2d4c6b8a0f",
		Route: "rasa-rest", PolicyRevision: "r42", DecisionID: "dec-7",
		Findings: map[string]int{"PHONE": 1, "EMAIL": 2}, Actions: map[string]int{"tokenize": 3},
		Outcome: "ok", ID: "0011223344556677-1",
	}
}

func TestCanonicalGolden(t *testing.T) {
	t.Parallel()
	h := head{Seq: 41, Hash: "ab" + string(bytes.Repeat([]byte("0"), 62)), Time: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := goldenEvent()
	fields, _ := h.link(e, time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC), nil)
	got := append(Canonical(fields), '\n')
	got = append(got, fields[fHash]+"\n"...)

	// A checkpoint signed with a fixed key is deterministic too (Ed25519 signatures are).
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	cp := Event{Type: Checkpoint, ID: "0011223344556677-2", Checkpoint: &CheckpointInfo{Every: 1000, Interval: time.Minute}}
	h2 := head{Seq: e.Seq, Hash: e.Hash, Time: e.Time}
	cpf, _ := h2.link(&cp, e.Time.Add(time.Second), newSigner(key))
	got = append(got, Canonical(cpf)...)
	got = append(got, '\n')
	got = append(got, cpf[fHash]+"\n"...)

	path := filepath.Join("testdata", "canonical.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCanonicalGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("canonical encoding changed: stored chains would no longer verify\ngot:\n%s\nwant:\n%s", got, want)
	}
	if err := checkSignature(cpf, key.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("golden checkpoint signature: %v", err)
	}
}

func TestCanonicalEscaping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		in   string
		want string
	}{
		{"plain", "abc", `"abc"`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other controls", "\x00\x1f", `"\u0000\u001f"`},
		{"html is not escaped", "<&>", `"<&>"`},
		{"utf-8 kept", "é€😀", `"é€😀"`},
		{"invalid utf-8 replaced", "a\xffb", "\"a\uFFFDb\""},
		{"DEL kept", "\x7f", "\"\x7f\""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := string(appendJSONString(nil, tc.in)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCanonicalSortsKeysAndSkipsHash(t *testing.T) {
	t.Parallel()
	got := string(Canonical(map[string]string{"b": "2", "a": "1", "hash": "x", "ab": "3"}))
	if want := `{"a":"1","ab":"3","b":"2"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestLinkTimeNeverGoesBack(t *testing.T) {
	t.Parallel()
	h := head{Seq: 1, Hash: "x", Time: time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC)}
	e := Event{Type: MessageForwarded, ID: "i"}
	_, h2 := h.link(&e, h.Time.Add(-time.Hour), nil)
	if !h2.Time.Equal(h.Time) {
		t.Errorf("time went back to %v", h2.Time)
	}
	if h2.Seq != 2 || e.Prev != "x" {
		t.Errorf("seq %d prev %q", h2.Seq, e.Prev)
	}
}
