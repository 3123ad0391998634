package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
)

const (
	// scanChunk is the size past which plain-text mode scans what it has read at the next line end.
	scanChunk = 256 << 10
	// scanReadBuf is the read buffer; a plain-text line longer than this is cut at a space.
	scanReadBuf = 1 << 20
	// defaultMaxLine is the default longest JSONL line.
	defaultMaxLine = 16 << 20
)

// scanConfig is what the scan flags set.
type scanConfig struct {
	jsonl   bool
	opts    redact.ScanOptions
	regions []string
	maxLine int
}

// runScan is `veil scan`: it reads text (or JSONL with --jsonl) on stdin and writes it with each
// finding replaced by [TYPE] (or, for JSONL, the redacted text and the findings). It streams: memory
// stays bounded by the longest line (JSONL) or a chunk of lines (text).
func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("scan", stderr)
	jsonl := fs.Bool("jsonl", false, `read JSON lines {"id":..., "text":...} and write {"id", "text", "findings"} lines`)
	types := fs.String("types", "", "comma-separated types to detect, such as EMAIL,PHONE (default all)")
	minConf := fs.Float64("min-confidence", 0, "drop findings below this confidence (0 to 1)")
	region := fs.String("region", "", "comma-separated ISO regions whose national phone formats are tried, such as DE,FR (default: the EU set)")
	maxLine := fs.Int("max-line", defaultMaxLine, "longest JSONL line in bytes; a longer line gets an error line")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: veil scan [flags] < input\n\nRedacts personal data read on stdin.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "veil scan: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	cfg, err := newScanConfig(*jsonl, *types, *minConf, *region, *maxLine)
	if err != nil {
		fmt.Fprintf(stderr, "veil scan: %v\n", err)
		return errUsage
	}
	s := detect.NewScanner(detect.Options{PhoneRegions: cfg.regions})
	br := bufio.NewReaderSize(stdin, scanReadBuf)
	bw := bufio.NewWriterSize(stdout, 64<<10)
	if cfg.jsonl {
		err = scanJSONL(ctx, s, cfg, br, bw)
	} else {
		err = scanText(ctx, s, cfg, br, bw)
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing output: %w", ferr)
	}
	return err
}

func newScanConfig(jsonl bool, types string, minConf float64, region string, maxLine int) (scanConfig, error) {
	cfg := scanConfig{jsonl: jsonl, maxLine: maxLine}
	var errs []error
	ts, err := redact.ParseTypeSet(types)
	if err != nil {
		errs = append(errs, fmt.Errorf("--types: %w", err))
	}
	cfg.opts.Types = ts
	if !(minConf >= 0 && minConf <= 1) {
		errs = append(errs, fmt.Errorf("--min-confidence must be between 0 and 1"))
	}
	cfg.opts.MinConfidence = minConf
	for r := range strings.SplitSeq(region, ",") {
		r = strings.ToUpper(strings.TrimSpace(r))
		if r == "" {
			continue
		}
		if len(r) != 2 || r[0] < 'A' || r[0] > 'Z' || r[1] < 'A' || r[1] > 'Z' {
			errs = append(errs, fmt.Errorf("--region: %q is not a two-letter ISO 3166-1 region", r))
			continue
		}
		cfg.regions = append(cfg.regions, r)
	}
	if maxLine < 1 {
		errs = append(errs, fmt.Errorf("--max-line must be positive"))
	}
	return cfg, errors.Join(errs...)
}

// scanText redacts plain text. It scans a chunk of whole lines at a time, ending a chunk at a blank
// line or once it holds scanChunk bytes, so a finding that spans lines of one paragraph is seen whole.
func scanText(ctx context.Context, s *redact.Scanner, cfg scanConfig, br *bufio.Reader, bw *bufio.Writer) error {
	var chunk []byte
	var fs []redact.Finding
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		text := string(chunk)
		fs = s.ScanWith(text, cfg.opts, fs[:0])
		_, err := bw.WriteString(redact.Replace(text, fs, redact.Placeholder))
		chunk = chunk[:0]
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if br.Buffered() == 0 {
			// About to block on input: let the reader see what we have so far.
			if err := flush(); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
		}
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A very long line: scan up to its last space and carry the rest over.
			cut := bytes.LastIndexAny(line, " \t\r") + 1
			if cut == 0 {
				cut = len(line)
			}
			chunk = append(chunk, line[:cut]...)
			rest := append([]byte(nil), line[cut:]...)
			if ferr := flush(); ferr != nil {
				return fmt.Errorf("writing output: %w", ferr)
			}
			chunk = append(chunk, rest...)
			continue
		}
		chunk = append(chunk, line...)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading input: %w", err)
		}
		if err != nil || len(chunk) >= scanChunk || isBlankLine(line) {
			if ferr := flush(); ferr != nil {
				return fmt.Errorf("writing output: %w", ferr)
			}
		}
		if err != nil {
			return nil
		}
	}
}

func isBlankLine(line []byte) bool {
	return len(bytes.TrimSpace(line)) == 0
}

// scanRequest is one JSONL input line; other fields are ignored.
type scanRequest struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

// scanResult is one JSONL output line.
type scanResult struct {
	ID       json.RawMessage `json:"id"`
	Text     *string         `json:"text,omitempty"`
	Findings *[]scanFinding  `json:"findings,omitempty"` // a pointer so that none is [] and an error line has none
	Error    string          `json:"error,omitempty"`
}

// scanFinding is a finding in JSONL output; start and end are byte offsets into the input text.
type scanFinding struct {
	Type       redact.Type `json:"type"`
	Subtype    string      `json:"subtype"`
	Start      int         `json:"start"`
	End        int         `json:"end"`
	Confidence float64     `json:"confidence"`
}

var jsonNull = json.RawMessage("null")

// scanJSONL redacts JSON lines. A line that cannot be used gets an error line (with its id when it
// could be read) and scanning goes on. Error messages never quote the line.
func scanJSONL(ctx context.Context, s *redact.Scanner, cfg scanConfig, br *bufio.Reader, bw *bufio.Writer) error {
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var (
		line []byte
		fs   []redact.Finding
		out  []scanFinding
	)
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
		}
		var tooLong bool
		var err error
		line, tooLong, err = readLine(br, line[:0], cfg.maxLine)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading input line %d: %w", lineNo, err)
		}
		eof := err != nil
		var res scanResult
		switch {
		case tooLong:
			res = scanResult{ID: jsonNull, Error: fmt.Sprintf("line %d is longer than %d bytes", lineNo, cfg.maxLine)}
		case len(bytes.TrimSpace(line)) == 0:
			if eof {
				return nil
			}
			continue
		default:
			res = scanLine(s, cfg.opts, line, lineNo, &fs, &out)
		}
		if err := enc.Encode(&res); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		if eof {
			return nil
		}
	}
}

// scanLine handles one non-empty JSONL line.
func scanLine(s *redact.Scanner, opts redact.ScanOptions, line []byte, lineNo int, fs *[]redact.Finding, out *[]scanFinding) scanResult {
	var req scanRequest
	if err := json.Unmarshal(line, &req); err != nil {
		msg := fmt.Sprintf("line %d is not a JSON object", lineNo)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			msg = fmt.Sprintf("line %d is not valid JSON (at byte %d)", lineNo, se.Offset)
		case errors.As(err, &te) && te.Field != "":
			msg = fmt.Sprintf("line %d: field %q must be a string", lineNo, te.Field)
		}
		// The id may still be readable when only another field is wrong.
		return scanResult{ID: idOf(line), Error: msg}
	}
	id := req.ID
	if len(id) == 0 || bytes.Equal(id, jsonNull) {
		id = jsonNull
	} else if c := id[0]; c != '"' && c != '-' && (c < '0' || c > '9') {
		return scanResult{ID: jsonNull, Error: fmt.Sprintf("line %d: id must be a string or a number", lineNo)}
	}
	if req.Text == nil {
		return scanResult{ID: id, Error: fmt.Sprintf("line %d: missing \"text\" string field", lineNo)}
	}
	text := *req.Text
	*fs = s.ScanWith(text, opts, (*fs)[:0])
	findings := (*out)[:0]
	for _, f := range *fs {
		findings = append(findings, scanFinding{f.Type, f.Subtype, f.Start, f.End, f.Confidence})
	}
	*out = findings
	red := redact.Replace(text, *fs, redact.Placeholder)
	if findings == nil {
		findings = []scanFinding{}
	}
	return scanResult{ID: id, Text: &red, Findings: &findings}
}

// idOf returns the id of a line whose other fields are unusable, or null. It reads the top-level
// object up to the "id" member, so an id that comes before the broken part is still found.
func idOf(line []byte) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return jsonNull
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return jsonNull
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonNull
		}
		if key != "id" {
			continue
		}
		if c := v[0]; c != '"' && c != '-' && (c < '0' || c > '9') {
			return jsonNull
		}
		return v
	}
	return jsonNull
}

// readLine reads one line (without its end) into buf. A line longer than max is consumed and
// dropped, with tooLong set, so memory stays bounded.
func readLine(br *bufio.Reader, buf []byte, max int) (line []byte, tooLong bool, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(frag) > max+2 { // +2: the line end itself
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimRight(buf, "\r\n")
		return buf, tooLong, err
	}
}
