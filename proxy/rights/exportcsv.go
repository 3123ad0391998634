package rights

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veil-privacy/veil/audit"
)

// WriteCSV writes the export as a zip archive with one CSV file per record kind, each with a
// header row. Cells a spreadsheet would run as a formula are neutralised (see safeCell).
func (x *Export) WriteCSV(w io.Writer) error {
	z := zip.NewWriter(w)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	files := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{name: "export.csv", header: []string{"schema_version", "generated", "subject"},
			rows: [][]string{{strconv.Itoa(x.SchemaVersion), ts(x.Generated), x.Subject}}},
		{name: "vault.csv", header: []string{"type", "format", "token", "value", "created", "expires"}},
		{name: "consent.csv", header: []string{"purpose", "granted", "since", "notice_version", "channel"}},
		{name: "consent_log.csv", header: []string{"time", "action", "purpose", "notice_version", "channel"}},
		{name: "objections.csv", header: []string{"purpose"}},
		{name: "requests.csv", header: []string{"id", "kind", "channel", "status", "received", "deadline", "completed", "erased"}},
		{name: "transcripts.csv", header: []string{"transcript", "message", "time", "direction", "text", "findings"}},
		{name: "records.csv", header: []string{"kind", "count"}},
	}
	for _, e := range x.Vault {
		files[1].rows = append(files[1].rows, []string{e.Type, e.Format, e.Token, e.Value, ts(e.Created), ts(e.Expires)})
	}
	purposes := make([]string, 0, len(x.Consent.Purposes))
	for p := range x.Consent.Purposes {
		purposes = append(purposes, p)
	}
	slices.Sort(purposes)
	for _, p := range purposes {
		c := x.Consent.Purposes[p]
		files[2].rows = append(files[2].rows, []string{p, strconv.FormatBool(c.Granted), ts(c.Time), c.NoticeVersion, string(c.Channel)})
	}
	for _, c := range x.Consent.Log {
		files[3].rows = append(files[3].rows, []string{ts(c.Time), c.Action, c.Purpose, c.NoticeVersion, string(c.Channel)})
	}
	for _, o := range x.Objections {
		files[4].rows = append(files[4].rows, []string{o})
	}
	for _, r := range x.Requests {
		var done, erased string
		if r.Completed != nil {
			done = ts(*r.Completed)
		}
		if r.Receipt != nil {
			erased = audit.FormatCounts(r.Receipt.Erased)
		}
		files[5].rows = append(files[5].rows, []string{r.ID, string(r.Kind), string(r.Channel), string(r.Status),
			ts(r.Received), ts(r.Deadline), done, erased})
	}
	for _, t := range x.Transcripts {
		for i, m := range t.Messages {
			var fs []string
			for _, f := range m.Findings {
				fs = append(fs, f.Type.String()+"@"+strconv.Itoa(f.Start)+"-"+strconv.Itoa(f.End))
			}
			files[6].rows = append(files[6].rows, []string{t.ID, strconv.Itoa(i), ts(m.Time), m.Direction, m.Text, strings.Join(fs, " ")})
		}
	}
	kinds := make([]string, 0, len(x.Records))
	for k := range x.Records {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		files[7].rows = append(files[7].rows, []string{k, strconv.Itoa(x.Records[k])})
	}
	for _, f := range files {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: x.Generated})
		if err != nil {
			return err
		}
		cw := csv.NewWriter(fw)
		_ = cw.Write(f.header)
		for _, row := range f.rows {
			for i := range row {
				row[i] = safeCell(row[i])
			}
			_ = cw.Write(row)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return z.Close()
}

// safeCell neutralises spreadsheet formula injection (CWE-1236): a cell that starts with
// = + - @ (or a tab or carriage return, which some spreadsheets skip before one) is prefixed with
// a single quote, so it is shown as text rather than evaluated. The value stays readable: a
// phone number "+49 …" becomes "'+49 …".
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
