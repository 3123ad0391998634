package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("lorem ipsum dolor ", 80_000) // 1.4 MB on one line, longer than the read buffer
	tests := []struct {
		desc string
		args []string
		in   string
		want string
	}{
		{desc: "email and iban", in: "Mail anna.schmidt@example.de now.\nIBAN DE44 5001 0517 5407 3249 31\n",
			want: "Mail [EMAIL] now.\nIBAN [IBAN]\n"},
		{desc: "no personal data is byte-identical", in: "Order ORD-2025-004512 ships today\r\n\n  ok", want: "Order ORD-2025-004512 ships today\r\n\n  ok"},
		{desc: "empty input", in: "", want: ""},
		{desc: "types filter", args: []string{"--types", "IBAN"}, in: "a.b@example.com DE44500105175407324931",
			want: "a.b@example.com [IBAN]"},
		{desc: "paragraphs", in: "Hi,\n\nwrite to x.y@example.org\n\nthanks\n", want: "Hi,\n\nwrite to [EMAIL]\n\nthanks\n"},
		{desc: "line longer than the read buffer", in: long + "mail q.r@example.com end\n", want: long + "mail [EMAIL] end\n"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			if err := runScan(context.Background(), tc.args, strings.NewReader(tc.in), &out, &errOut); err != nil {
				t.Fatalf("runScan: %v (stderr %s)", err, errOut.String())
			}
			if out.String() != tc.want {
				got, want := out.String(), tc.want
				if len(got) > 200 {
					got, want = got[len(got)-100:], want[max(len(want)-100, 0):]
				}
				t.Errorf("output %q, want %q", got, want)
			}
		})
	}
}

func TestScanJSONL(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("filler text without data. ", 120_000) // about 3 MB
	tests := []struct {
		desc string
		args []string
		in   string
		want []string // expected output lines (JSON compared semantically)
	}{
		{
			desc: "string id and findings with offsets",
			in:   `{"id":"m1","text":"write to a.b@example.com please","lang":"en"}` + "\n",
			want: []string{`{"id":"m1","text":"write to [EMAIL] please","findings":[{"type":"EMAIL","start":9,"end":24}]}`},
		},
		{
			desc: "number id echoed as given",
			in:   `{"id": 12345678901234567890, "text": "none here"}` + "\n" + `{"id":1.5e3,"text":""}`,
			want: []string{`{"id":12345678901234567890,"text":"none here","findings":[]}`, `{"id":1.5e3,"text":"","findings":[]}`},
		},
		{
			desc: "bad lines get errors and scanning goes on",
			in: `{"id":"a","text":"c.d@example.com` + "\n" + // truncated JSON
				`not json at all c.d@example.com` + "\n" +
				`{"id":"b","text":42}` + "\n" +
				`{"id":"c"}` + "\n" +
				`{"id":{"x":1},"text":"y"}` + "\n" +
				`[1,2]` + "\n" +
				`{"id":"d","text":"ok e.f@example.net"}` + "\n",
			want: []string{
				`{"id":"a","error":"line 1 is not valid JSON (at byte 33)"}`,
				`{"id":null,"error":"line 2 is not valid JSON (at byte 2)"}`,
				`{"id":"b","error":"line 3: field \"text\" must be a string"}`,
				`{"id":"c","error":"line 4: missing \"text\" string field"}`,
				`{"id":null,"error":"line 5: id must be a string or a number"}`,
				`{"id":null,"error":"line 6 is not a JSON object"}`,
				`{"id":"d","text":"ok [EMAIL]","findings":[{"type":"EMAIL","start":3,"end":18}]}`,
			},
		},
		{
			desc: "empty lines and CRLF",
			in:   "\n\r\n" + `{"id":1,"text":"x"}` + "\r\n\n",
			want: []string{`{"id":1,"text":"x","findings":[]}`},
		},
		{
			desc: "missing id is null",
			in:   `{"text":"x"}`,
			want: []string{`{"id":null,"text":"x","findings":[]}`},
		},
		{
			desc: "types filter",
			args: []string{"--types", "iban"},
			in:   `{"id":1,"text":"a.b@example.com DE44500105175407324931"}`,
			want: []string{`{"id":1,"text":"a.b@example.com [IBAN]","findings":[{"type":"IBAN","start":16,"end":38}]}`},
		},
		{
			desc: "line of a few megabytes",
			in:   `{"id":"big","text":"` + big + `g.h@example.com"}` + "\n" + `{"id":"after","text":"x"}`,
			want: []string{
				`{"id":"big","text":"` + big + `[EMAIL]","findings":[{"type":"EMAIL","start":` + itoa(len(big)) + `,"end":` + itoa(len(big)+15) + `}]}`,
				`{"id":"after","text":"x","findings":[]}`,
			},
		},
		{
			desc: "line over --max-line",
			args: []string{"--max-line", "64"},
			in:   `{"id":"long","text":"` + strings.Repeat("x", 100) + `"}` + "\n" + `{"id":"short","text":"y"}` + "\n",
			want: []string{`{"id":null,"error":"line 1 is longer than 64 bytes"}`, `{"id":"short","text":"y","findings":[]}`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			args := append([]string{"--jsonl"}, tc.args...)
			if err := runScan(context.Background(), args, strings.NewReader(tc.in), &out, &errOut); err != nil {
				t.Fatalf("runScan: %v (stderr %s)", err, errOut.String())
			}
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if out.Len() == 0 {
				got = nil
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(got), len(tc.want), truncate(out.String()))
			}
			for i := range got {
				if !jsonSubset(t, tc.want[i], got[i]) {
					t.Errorf("line %d = %s\nwant (subset) %s", i+1, truncate(got[i]), truncate(tc.want[i]))
				}
			}
			if strings.Contains(out.String(), "c.d@example.com") {
				t.Error("an error line echoes the input")
			}
		})
	}
}

// TestScanFindingSpans checks that JSONL findings index the input text.
func TestScanFindingSpans(t *testing.T) {
	t.Parallel()
	text := "Grüße! Mail ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ or IBAN DE44 5001 0517 5407 3249 31."
	in, _ := json.Marshal(map[string]any{"id": "u", "text": text})
	var out bytes.Buffer
	if err := runScan(context.Background(), []string{"--jsonl"}, bytes.NewReader(in), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Findings []struct {
			Type       string  `json:"type"`
			Start      int     `json:"start"`
			End        int     `json:"end"`
			Confidence float64 `json:"confidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"EMAIL": "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "IBAN": "DE44 5001 0517 5407 3249 31"}
	if len(res.Findings) != len(want) {
		t.Fatalf("findings %+v", res.Findings)
	}
	for _, f := range res.Findings {
		if got := text[f.Start:f.End]; got != want[f.Type] {
			t.Errorf("%s span = %q, want %q", f.Type, got, want[f.Type])
		}
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Errorf("%s confidence %v", f.Type, f.Confidence)
		}
	}
}

func TestScanFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		args    []string
		wantErr error
	}{
		{desc: "unknown type", args: []string{"--types", "EMAIL,SHOE"}, wantErr: errUsage},
		{desc: "confidence out of range", args: []string{"--min-confidence", "1.5"}, wantErr: errUsage},
		{desc: "bad region", args: []string{"--region", "DE,GER"}, wantErr: errUsage},
		{desc: "bad max line", args: []string{"--max-line", "0"}, wantErr: errUsage},
		{desc: "unknown flag", args: []string{"--nope"}, wantErr: errUsage},
		{desc: "positional argument", args: []string{"file.txt"}, wantErr: errUsage},
		{desc: "regions", args: []string{"--region", "de, fr", "--min-confidence", "0.5"}, wantErr: nil},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var errOut bytes.Buffer
			err := runScan(context.Background(), tc.args, strings.NewReader(""), &bytes.Buffer{}, &errOut)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil && errOut.Len() == 0 {
				t.Error("no message on stderr")
			}
		})
	}
}

func TestScanCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := runScan(ctx, []string{"--jsonl"}, strings.NewReader(`{"id":1,"text":"x"}`), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestScanRegistered(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"scan"}, strings.NewReader("a.b@example.com\n"), &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if out.String() != "[EMAIL]\n" {
		t.Errorf("output %q", out.String())
	}
}

// jsonSubset reports whether every field of want appears in got with the same value (arrays
// element by element); numbers are compared by their text so ids echo exactly.
func jsonSubset(t *testing.T, want, got string) bool {
	t.Helper()
	dw := json.NewDecoder(strings.NewReader(want))
	dw.UseNumber()
	dg := json.NewDecoder(strings.NewReader(got))
	dg.UseNumber()
	var w, g any
	if err := dw.Decode(&w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	if err := dg.Decode(&g); err != nil {
		t.Fatalf("output line is not JSON: %v", err)
	}
	if strings.Contains(want, `"id":`) && !strings.Contains(got, `"id":`+rawID(want)) {
		return false
	}
	return subset(w, g)
}

func rawID(line string) string {
	var m map[string]json.RawMessage
	json.Unmarshal([]byte(line), &m)
	return string(m["id"])
}

func subset(w, g any) bool {
	switch w := w.(type) {
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !subset(v, gm[k]) {
				return false
			}
		}
		return true
	case []any:
		ga, ok := g.([]any)
		if !ok || len(ga) != len(w) {
			return false
		}
		for i := range w {
			if !subset(w[i], ga[i]) {
				return false
			}
		}
		return true
	default:
		return w == g
	}
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:150] + "…" + s[len(s)-150:]
	}
	return s
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// FuzzScanJSONL feeds arbitrary input to --jsonl: it must not fail or panic, every output line must
// be a JSON object with an id, and offsets must index the text that was read.
func FuzzScanJSONL(f *testing.F) {
	f.Add(`{"id":1,"text":"mail a.b@example.com"}` + "\n" + `{bad`)
	f.Add(`{"id":"x","text":"IBAN DE44 5001 0517 5407 3249 31","more":[1,{"a":null}]}`)
	f.Add("\n\n{\"text\":\"\\u00e9\\u200b\"}\r\n[]\nnull\n\"str\"\n")
	f.Add(`{"id":-1.5e-3,"text":"\ud800 broken surrogate"}`)
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		if err := runScan(context.Background(), []string{"--jsonl", "--max-line", "4096"}, strings.NewReader(in), &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("runScan: %v", err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if line == "" {
				continue
			}
			var res struct {
				ID       json.RawMessage `json:"id"`
				Text     *string         `json:"text"`
				Error    string          `json:"error"`
				Findings []struct {
					Start, End int
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				t.Fatalf("output line is not JSON: %v", err)
			}
			if len(res.ID) == 0 {
				t.Fatalf("output line without id: %s", line)
			}
			if (res.Text == nil) == (res.Error == "") {
				t.Fatalf("output line needs exactly one of text and error: %s", line)
			}
		}
	})
}

// BenchmarkScanJSONL measures `veil scan --jsonl` in-process on the labelled corpus when present
// (JSON decoding, scanning, encoding).
func BenchmarkScanJSONL(b *testing.B) {
	path := os.Getenv("VEIL_CORPUS")
	if path == "" {
		path = filepath.Join("..", "..", "..", "shared", "corpus", "pii-dev.jsonl")
	}
	in, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("corpus not found at %s; set VEIL_CORPUS", path)
	}
	msgs := bytes.Count(in, []byte("\n"))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := runScan(context.Background(), []string{"--jsonl"}, bytes.NewReader(in), io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
