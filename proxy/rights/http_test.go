package rights

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

const (
	email = "maria.rossi@example.org"
	phone = "+49 30 12345678"
)

// assertNoValues fails if any audit event field carries one of the values.
func (f *fixture) assertNoValues(values ...string) {
	f.t.Helper()
	entries, err := f.st.Range(context.Background(), audit.DefaultStream, "-", "+", 0)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range entries {
		for k, v := range e.Fields {
			for _, val := range values {
				if strings.Contains(v, val) {
					f.t.Errorf("audit field %s carries a personal value", k)
				}
			}
		}
	}
}

func TestExportJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	tokE := f.tokenize(b.subject, redact.Email, email)
	f.tokenize(b.subject, redact.Phone, phone)
	if _, err := f.cons.Set(context.Background(), b.subject, map[string]bool{"support": true}, "api"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cons.Object(context.Background(), b.subject, "marketing", "api"); err != nil {
		t.Fatal(err)
	}

	res := b.do("GET", "/.veil/me/export?format=json", "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".json") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("export may be cached")
	}
	var x Export
	if err := json.Unmarshal(res.Body, &x); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.Body, []byte(`"schema_version": 1`)) || x.Subject != b.subject {
		t.Errorf("schema_version or subject missing: %s", res.Body[:min(200, len(res.Body))])
	}
	got := map[string]string{}
	for _, e := range x.Vault {
		got[e.Type] = e.Value
		if e.Created.IsZero() || !e.Expires.After(e.Created) || e.Token == "" {
			t.Errorf("vault entry %+v lacks dates or token", e)
		}
	}
	if got["EMAIL"] != email || got["PHONE"] != phone {
		t.Errorf("vault export %v", got)
	}
	if c := x.Consent.Purposes["support"]; !c.Granted || len(x.Consent.Log) != 2 {
		t.Errorf("consent %+v log %d", x.Consent, len(x.Consent.Log))
	}
	if len(x.Objections) != 1 || x.Objections[0] != "marketing" {
		t.Errorf("objections %v", x.Objections)
	}
	if n := len(x.Requests); n != 1 || x.Requests[0].Kind != RequestAccess || x.Requests[0].Status != StatusCompleted {
		t.Errorf("requests %+v", x.Requests)
	}
	if x.Records["vault.token"] != 2 || x.Records["vault.key"] != 1 {
		t.Errorf("records %v", x.Records)
	}

	evs := f.events(audit.SubjectExported)
	if len(evs) != 1 || evs[0].Actions["vault.token"] != 2 || evs[0].Actions["channel.api"] != 1 || evs[0].Outcome != "ok" {
		t.Fatalf("subject.exported events %+v", evs)
	}
	if evs[0].Subject == b.subject || evs[0].Subject != f.aud.Pseudonym(b.subject) {
		t.Error("audit event does not carry the subject's pseudonym")
	}
	f.assertNoValues(email, phone, tokE)
	f.verifyTrail()
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	f.tokenize(b.subject, redact.Email, email)
	f.tokenize(b.subject, redact.Phone, phone)
	f.tokenize(b.subject, redact.Person, "=HYPERLINK(\"http://evil.example\")")
	f.putTranscript(b.subject, "conv1", Transcript{Version: TranscriptVersion, Started: f.clock.Now(), Updated: f.clock.Now(),
		Messages: []TranscriptMessage{{Direction: "request", Text: "@SUM(1) mail [EMAIL_abc]",
			Findings: []TranscriptFinding{{Type: redact.Email, Start: 13, End: 24}}}}}, 24*3600e9)

	res := b.do("GET", "/.veil/me/export?format=csv", "", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".zip") {
		t.Errorf("Content-Disposition %q", cd)
	}
	z, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][][]string{}
	for _, zf := range z.File {
		r, _ := zf.Open()
		rows, err := csv.NewReader(r).ReadAll()
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		files[zf.Name] = rows
	}
	for _, name := range []string{"export.csv", "vault.csv", "consent.csv", "consent_log.csv", "objections.csv", "requests.csv", "transcripts.csv", "records.csv"} {
		if len(files[name]) == 0 {
			t.Errorf("%s missing or without a header row", name)
		}
	}
	if h := files["vault.csv"][0]; strings.Join(h, ",") != "type,format,token,value,created,expires" {
		t.Errorf("vault.csv header %v", h)
	}
	values := map[string]string{}
	for _, row := range files["vault.csv"][1:] {
		values[row[0]] = row[3]
	}
	if values["EMAIL"] != email || values["PHONE"] != "'"+phone || values["PERSON"] != "'=HYPERLINK(\"http://evil.example\")" {
		t.Errorf("vault.csv values %q", values)
	}
	if tr := files["transcripts.csv"]; len(tr) != 2 || tr[1][4] != "'@SUM(1) mail [EMAIL_abc]" || tr[1][5] != "EMAIL@13-24" {
		t.Errorf("transcripts.csv %q", tr)
	}
}

func TestSafeCell(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, in, want string }{
		{desc: "plain", in: "hello", want: "hello"},
		{desc: "empty", in: "", want: ""},
		{desc: "formula", in: "=1+2", want: "'=1+2"},
		{desc: "plus", in: "+49 30", want: "'+49 30"},
		{desc: "minus", in: "-2+3", want: "'-2+3"},
		{desc: "at", in: "@SUM(A1)", want: "'@SUM(A1)"},
		{desc: "tab", in: "\t=1", want: "'\t=1"},
		{desc: "carriage return", in: "\r=1", want: "'\r=1"},
		{desc: "inner equals", in: "a=b", want: "a=b"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := safeCell(tc.in); got != tc.want {
				t.Fatalf("safeCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestErase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	ctx := context.Background()
	tok := f.tokenize(b.subject, redact.Email, email)
	f.tokenize(b.subject, redact.Phone, phone)
	if _, err := f.cons.Set(ctx, b.subject, map[string]bool{"support": true}, "api"); err != nil {
		t.Fatal(err)
	}
	other := f.newBrowser()
	otherTok := f.tokenize(other.subject, redact.Email, email)

	res := b.do("POST", "/.veil/me/erase", "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("erase: %d %s", res.StatusCode, res.Body)
	}
	var rc Receipt
	if err := json.Unmarshal(res.Body, &rc); err != nil {
		t.Fatal(err)
	}
	if !rc.KeyDestroyed || rc.Mode != ModeErase || rc.RequestID == "" || rc.Completed.IsZero() {
		t.Errorf("receipt %+v", rc)
	}
	if rc.Erased["vault.token"] != 2 || rc.Erased["vault.key"] != 1 || rc.Erased["consent"] != 1 || rc.Records < 6 {
		t.Errorf("receipt counts %+v", rc)
	}
	if res.Header.Get("X-Request-Id") != rc.RequestID {
		t.Error("the receipt does not carry the request id")
	}

	// The old token never turns back into the value; the other subject keeps theirs.
	if _, ok, err := f.vault.Reveal(ctx, b.subject, tok); err != nil || ok {
		t.Fatalf("erased token revealed: ok=%v err=%v", ok, err)
	}
	if v, ok, _ := f.vault.Reveal(ctx, other.subject, otherTok); !ok || v != email {
		t.Fatal("another subject's token was touched")
	}
	if tok2 := f.tokenize(b.subject, redact.Email, email); tok2 == tok {
		t.Error("a new token for the same value equals the erased one")
	}

	f.clock.Advance(time.Second)
	res = b.do("GET", "/.veil/me/export", "", nil)
	var x Export
	_ = json.Unmarshal(res.Body, &x)
	if len(x.Vault) != 1 || len(x.Consent.Purposes) != 0 || len(x.Consent.Log) != 0 {
		t.Errorf("after erasure the export holds %d values, consent %+v", len(x.Vault), x.Consent)
	}
	if len(x.Requests) != 2 || x.Requests[0].Kind != RequestErasure || x.Requests[0].Receipt == nil || !x.Requests[0].Receipt.KeyDestroyed {
		t.Errorf("requests after erasure %+v", x.Requests)
	}

	evs := f.events(audit.SubjectErased)
	if len(evs) != 1 || evs[0].Actions["vault.token"] != 2 || evs[0].Outcome != "ok" || evs[0].RequestID != rc.RequestID {
		t.Fatalf("subject.erased events %+v", evs)
	}
	f.assertNoValues(email, phone, tok)
	f.verifyTrail()
}

func TestEraseAnonymize(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	ctx := context.Background()
	tok := f.tokenize(b.subject, redact.Email, email)
	text := "my mail is " + tok + ", thanks"
	f.putTranscript(b.subject, "conv-1", Transcript{Version: TranscriptVersion, Route: "chat", Started: f.clock.Now(), Updated: f.clock.Now(),
		Messages: []TranscriptMessage{
			{Time: f.clock.Now(), Direction: "request", Text: text, Findings: []TranscriptFinding{{Type: redact.Email, Start: 11, End: 11 + len(tok)}}},
			{Time: f.clock.Now(), Direction: "response", Text: "noted"},
		}}, 48*3600e9)
	if err := f.st.Put(ctx, store.Record{Subject: b.subject, Kind: KindTranscript, Key: "broken", Value: []byte("{")}); err != nil {
		t.Fatal(err)
	}

	res := b.do("POST", "/.veil/me/erase?mode=anonymize", "", nil)
	var rc Receipt
	if res.StatusCode != 200 || json.Unmarshal(res.Body, &rc) != nil {
		t.Fatalf("erase: %d %s", res.StatusCode, res.Body)
	}
	if rc.Anonymized != 1 || rc.Erased[KindTranscript] != 2 || rc.Mode != ModeAnonymize {
		t.Fatalf("receipt %+v", rc)
	}
	var kept []store.Record
	_ = f.st.Walk(ctx, KindTranscript, func(r store.Record) error {
		kept = append(kept, r)
		return nil
	})
	if len(kept) != 1 {
		t.Fatalf("%d transcripts left, want the anonymised one", len(kept))
	}
	r := kept[0]
	if !strings.HasPrefix(r.Subject, anonymousPrefix) || r.Subject == b.subject || r.Key == "conv-1" {
		t.Errorf("anonymised copy still linked: subject %q key %q", r.Subject, r.Key)
	}
	if r.ExpiresAt.IsZero() {
		t.Error("the copy lost the conversation's retention")
	}
	tr, err := ParseTranscript(r.Value)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Anonymized || len(tr.Messages) != 2 || tr.Messages[0].Text != "my mail is [EMAIL], thanks" || tr.Messages[1].Text != "noted" {
		t.Errorf("anonymised %+v", tr)
	}
	if bytes.Contains(r.Value, []byte(tok)) || bytes.Contains(r.Value, []byte(b.subject)) {
		t.Error("the anonymised copy carries the token or the subject")
	}
	if recs, _ := f.st.List(ctx, b.subject, KindTranscript); len(recs) != 0 {
		t.Error("the subject still has transcripts")
	}
}

func TestRectify(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	ctx := context.Background()
	tok := f.tokenize(b.subject, redact.Email, email)
	const fixed = "maria.rossi@example.net"
	tests := []struct {
		desc string
		body string
		want int
	}{
		{desc: "unknown type", body: `{"type":"SHOE_SIZE","old":"a","new":"b"}`, want: 400},
		{desc: "missing new", body: `{"type":"EMAIL","old":"` + email + `"}`, want: 400},
		{desc: "unknown field", body: `{"type":"EMAIL","old":"a","new":"b","x":1}`, want: 400},
		{desc: "not stored", body: `{"type":"EMAIL","old":"nobody@example.org","new":"b@example.org"}`, want: 404},
		{desc: "stored under another type", body: `{"type":"PHONE","old":"` + email + `","new":"` + fixed + `"}`, want: 404},
		{desc: "rectified", body: `{"type":"email","old":"` + email + `","new":"` + fixed + `"}`, want: 200},
		{desc: "old value is gone", body: `{"type":"EMAIL","old":"` + email + `","new":"` + fixed + `"}`, want: 404},
	}
	for _, tc := range tests {
		res := b.do("POST", "/.veil/me/rectify", tc.body, nil)
		if res.StatusCode != tc.want {
			t.Fatalf("%s: status %d, want %d: %s", tc.desc, res.StatusCode, tc.want, res.Body)
		}
	}
	if v, ok, _ := f.vault.Reveal(ctx, b.subject, tok); !ok || v != fixed {
		t.Fatalf("token now reveals %q, want the rectified value", v)
	}
	evs := f.events(audit.SubjectRectified)
	okEvents := 0
	for _, ev := range evs {
		if ev.Outcome == "ok" {
			okEvents++
			if ev.Actions["EMAIL"] != 1 {
				t.Errorf("rectified event %+v", ev)
			}
		}
	}
	if okEvents != 1 {
		t.Fatalf("%d subject.rectified ok events, want 1", okEvents)
	}
	reqs, _ := f.svc.Requests(ctx, b.subject)
	if len(reqs) != 1 || reqs[0].Kind != RequestRectification || reqs[0].Status != StatusCompleted {
		t.Errorf("register %+v", reqs)
	}
	f.assertNoValues(email, fixed, "nobody@example.org")
}

func TestRequestsRegister(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *Config) { c.DeadlineDays = 20 })
	b := f.newBrowser()
	b.do("GET", "/.veil/me/export", "", nil)
	res := b.do("GET", "/.veil/me/requests", "", nil)
	var out struct {
		Requests     []Request `json:"requests"`
		DeadlineDays int       `json:"deadline_days"`
	}
	if err := json.Unmarshal(res.Body, &out); err != nil {
		t.Fatal(err)
	}
	if out.DeadlineDays != 20 || len(out.Requests) != 1 {
		t.Fatalf("requests %s", res.Body)
	}
	r := out.Requests[0]
	if r.Channel != ChannelAPI || r.Status != StatusCompleted || r.Completed == nil || r.ID == "" ||
		!r.Deadline.Equal(r.Received.Add(20*24*3600e9)) {
		t.Errorf("request %+v", r)
	}
}

func TestEndpointsRefuse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	tok := f.tokenize(b.subject, redact.Email, email)
	tests := []struct {
		desc   string
		method string
		path   string
		body   string
		hdr    map[string]string
		want   int
	}{
		{desc: "cross-site erase", method: "POST", path: "/.veil/me/erase", hdr: map[string]string{"Origin": "https://evil.example"}, want: 403},
		{desc: "fetch metadata cross-site erase", method: "POST", path: "/.veil/me/erase", hdr: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},
		{desc: "cross-site export", method: "GET", path: "/.veil/me/export", hdr: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},
		{desc: "same-site rectify", method: "POST", path: "/.veil/me/rectify", body: `{"type":"EMAIL","old":"a","new":"b"}`, hdr: map[string]string{"Sec-Fetch-Site": "same-site"}, want: 403},
		{desc: "form erase", method: "POST", path: "/.veil/me/erase", body: "mode=erase", hdr: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: 415},
		{desc: "text erase", method: "POST", path: "/.veil/me/erase", body: "{}", hdr: map[string]string{"Content-Type": "text/plain"}, want: 415},
		{desc: "bad mode", method: "POST", path: "/.veil/me/erase?mode=shred", want: 400},
		{desc: "bad body", method: "POST", path: "/.veil/me/erase", body: `{"mode":"x"}`, want: 400},
		{desc: "bad format", method: "GET", path: "/.veil/me/export?format=xml", want: 400},
		{desc: "erase by GET", method: "GET", path: "/.veil/me/erase", want: 405},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if res := b.do(tc.method, tc.path, tc.body, tc.hdr); res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
	if v, ok, _ := f.vault.Reveal(context.Background(), b.subject, tok); !ok || v != email {
		t.Fatal("a refused request erased data")
	}
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.newBrowser()
	limited := false
	for range limitBurst + 2 {
		res := b.do("GET", "/.veil/me/requests", "", nil)
		if res.StatusCode == 429 {
			limited = res.Header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Fatal("never rate-limited")
	}
	// Another subject is not affected.
	if res := f.newBrowser().do("GET", "/.veil/me/requests", "", nil); res.StatusCode != 200 {
		t.Fatalf("another subject: %d", res.StatusCode)
	}
}
