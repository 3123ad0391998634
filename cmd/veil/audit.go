package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/configs"
	"github.com/veil-privacy/veil/store"
	"github.com/veil-privacy/veil/store/embedded"
	"github.com/veil-privacy/veil/store/redisstore"
)

func init() {
	commands["audit"] = command{"read the audit trail: tail, verify, export, report", runAudit}
}

const auditUsage = `usage: veil audit <command> [flags]

commands:
  tail     print the latest events, one line each (or --json), and --follow new ones
  verify   recompute the hash chain and checkpoint signatures; exit 1 on the first broken link
  export   write the events of a period as JSON lines or CSV for an auditor
  report   summarize a period for a DPO or a regulator (counts, never values), with the chain's check

Every command finds the trail with one of:
  --config FILE      Veil's configuration (store, audit.stream, data_dir, keys)
  --redis URL        redis://[user:password@]host:port/db, with --stream NAME and --key-prefix;
                     Sentinel: redis://[:password@]sentinel:port/db?master_name=NAME[&addr=sentinel2:port];
                     Cluster: redis://[user:password@]node:port?cluster=true[&addr=node2:port]
  --data-dir DIR     the embedded store in DIR (stop Veil first: the file is locked while it runs)
`

// runAudit is `veil audit`: the operator's and auditor's view of the trail.
func runAudit(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	switch args[0] {
	case "tail":
		return runAuditTail(ctx, args[1:], stdout, stderr)
	case "verify":
		return runAuditVerify(ctx, args[1:], stdout, stderr)
	case "export":
		return runAuditExport(ctx, args[1:], stdout, stderr)
	case "report":
		return runAuditReport(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	fmt.Fprintf(stderr, "veil audit: unknown command %q\n\n%s", args[0], auditUsage)
	return errUsage
}

// redisClient connects to the Redis that --redis names: a server, a master behind Sentinels
// (master_name), or a Cluster (cluster=true). Errors never repeat the URL, which may hold a
// password.
func redisClient(raw string) (redis.UniversalClient, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, errors.New("--redis: not a redis:// or rediss:// URL")
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		opt, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, errors.New("--redis: not a Sentinel URL (redis://[:password@]sentinel:port/db?master_name=NAME)")
		}
		return redis.NewFailoverClient(opt), nil
	case q.Has("cluster"):
		if q.Get("cluster") != "true" {
			return nil, errors.New("--redis: cluster must be true")
		}
		q.Del("cluster")
		u.RawQuery = q.Encode()
		opt, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, errors.New("--redis: not a Cluster URL (redis://[user:password@]node:port?cluster=true)")
		}
		return redis.NewClusterClient(opt), nil
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, errors.New("--redis: not a redis:// or rediss:// URL")
	}
	return redis.NewClient(opt), nil
}

// trailFlags say where the trail is.
type trailFlags struct {
	config, redisURL, keyPrefix, stream, dataDir string
}

func addTrailFlags(fs *flag.FlagSet) *trailFlags {
	f := &trailFlags{}
	fs.StringVar(&f.config, "config", "", "Veil's configuration file")
	fs.StringVar(&f.redisURL, "redis", "", "Redis URL (redis:// or rediss://; ?master_name=NAME for Sentinel, ?cluster=true for Cluster) holding the trail")
	fs.StringVar(&f.keyPrefix, "key-prefix", store.DefaultKeyPrefix, "key prefix of Veil's Redis keys (with --redis)")
	fs.StringVar(&f.stream, "stream", "", "audit stream name (default: audit.stream, or "+audit.DefaultStream+")")
	fs.StringVar(&f.dataDir, "data-dir", "", "Veil's data directory: the embedded store and default keys")
	return f
}

// trail is an opened trail: where to read it and where its keys are by default.
type trail struct {
	r       audit.Reader
	stream  string
	paths   audit.Paths
	hasKeys bool // paths came from a config or a data directory
	close   func() error
}

func (f *trailFlags) open(ctx context.Context) (*trail, error) {
	n := 0
	for _, s := range []string{f.config, f.redisURL, f.dataDir} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("say where the trail is with exactly one of --config, --redis or --data-dir")
	}
	t := &trail{stream: f.stream}
	switch {
	case f.config != "":
		cfg, err := configs.Load(f.config)
		if err != nil {
			return nil, err
		}
		if t.stream == "" {
			t.stream = cfg.Audit.Stream
		}
		t.paths, t.hasKeys = cfg.Audit.Paths(cfg.DataDir), true
		s, err := store.Open(ctx, cfg.Store, cfg.DataDir, zerolog.Nop())
		if err != nil {
			return nil, err
		}
		t.r, t.close = s, s.Close
	case f.redisURL != "":
		c, err := redisClient(f.redisURL)
		if err != nil {
			return nil, err
		}
		s, err := redisstore.New(c, f.keyPrefix)
		if err != nil {
			c.Close()
			return nil, err
		}
		t.r, t.close = s, c.Close
	default:
		s, err := embedded.Open(filepath.Join(f.dataDir, embedded.FileName), embedded.WithSweepInterval(0))
		if err != nil {
			return nil, fmt.Errorf("opening the embedded store (is Veil running? it locks the file): %w", err)
		}
		c := audit.Config{}
		_ = c.Validate()
		t.paths, t.hasKeys = c.Paths(f.dataDir), true
		t.r, t.close = s, s.Close
	}
	if t.stream == "" {
		t.stream = audit.DefaultStream
	}
	return t, nil
}

// filterFlags select events.
type filterFlags struct {
	types, subject, keyFile string
}

func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	f := &filterFlags{}
	fs.StringVar(&f.types, "type", "", "only these event types, comma-separated (message.forwarded,subject.erased)")
	fs.StringVar(&f.subject, "subject", "", "only this data subject's events (the id is pseudonymized with the pseudonym key first)")
	fs.StringVar(&f.keyFile, "pseudonym-key-file", "", "pseudonym key for --subject (default: $"+audit.PseudonymKeyEnv+", the configured or data-dir key)")
	return f
}

func (f *filterFlags) filter(t *trail) (audit.Filter, error) {
	var out audit.Filter
	known := map[audit.Type]bool{audit.Checkpoint: true}
	for _, k := range audit.Types() {
		known[k] = true
	}
	for _, s := range strings.Split(f.types, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !known[audit.Type(s)] {
			return out, fmt.Errorf("--type: unknown event type %q", s)
		}
		out.Types = append(out.Types, audit.Type(s))
	}
	if f.subject == "" {
		return out, nil
	}
	path := f.keyFile
	if path == "" && t.hasKeys {
		path = t.paths.PseudonymKey
	}
	key, err := audit.LoadPseudonymKey(path, os.LookupEnv, false)
	if err != nil {
		return out, fmt.Errorf("--subject needs the pseudonym key (--pseudonym-key-file or $%s): %w", audit.PseudonymKeyEnv, err)
	}
	p, err := audit.NewPseudonymizer(key)
	if err != nil {
		return out, err
	}
	out.Subject = p.Pseudonym(f.subject)
	return out, nil
}

func runAuditTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit tail", stderr)
	tf := addTrailFlags(fs)
	ff := addFilterFlags(fs)
	follow := fs.Bool("follow", false, "keep printing new events until interrupted")
	asJSON := fs.Bool("json", false, "print each event as a JSON object (its stored fields and stream_id)")
	n := fs.Int("n", 20, "how many of the latest events to print first")
	interval := fs.Duration("interval", time.Second, "how often --follow polls for new events")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	t, err := tf.open(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	filter, err := ff.filter(t)
	if err != nil {
		return err
	}
	emit := func(ev audit.Event) error {
		if *asJSON {
			f := ev.Fields()
			f["stream_id"] = ev.StreamID
			b, err := json.Marshal(f)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s\n", b)
			return err
		}
		_, err := fmt.Fprintln(stdout, audit.Line(ev))
		return err
	}
	events, last, err := audit.Last(ctx, t.r, t.stream, *n, filter, time.Now())
	if err != nil {
		return err
	}
	for _, ev := range events {
		if err := emit(ev); err != nil {
			return err
		}
	}
	if !*follow {
		return nil
	}
	return audit.Follow(ctx, t.r, t.stream, last, filter, *interval, emit)
}

func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit verify", stderr)
	tf := addTrailFlags(fs)
	from := fs.String("from", "", "start at this stream id (the first event checked is trusted as the anchor)")
	kf := addKeyFlags(fs)
	strict := fs.Bool("strict", false, "also fail when a later checkpoint was expected and is missing (truncated tail)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	t, err := tf.open(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	pub, err := kf.publicKey(t)
	if err != nil {
		return err
	}
	res, err := audit.Verify(ctx, t.r, t.stream, audit.VerifyOptions{From: *from, PublicKey: pub})
	if err != nil {
		return err
	}
	printVerify(stdout, t.stream, res, pub)
	if !res.OK() {
		return errors.New("audit trail verification failed")
	}
	if *strict && res.TailWarning != "" {
		return errors.New("audit trail verification: a checkpoint is missing at the end")
	}
	return nil
}

// keyFlags say which public key checks the checkpoints' signatures.
type keyFlags struct {
	file string
	skip bool
}

func addKeyFlags(fs *flag.FlagSet) *keyFlags {
	kf := &keyFlags{}
	fs.StringVar(&kf.file, "public-key", "", "Ed25519 public key (PEM) checkpoints are verified with (default: the configured or data-dir key)")
	fs.BoolVar(&kf.skip, "skip-signatures", false, "check the hash chain only, without the public key")
	return kf
}

// publicKey loads the key the flags name, or the trail's own; nil with --skip-signatures.
func (kf *keyFlags) publicKey(t *trail) (ed25519.PublicKey, error) {
	if kf.skip {
		return nil, nil
	}
	path := kf.file
	if path == "" && t.hasKeys {
		path = t.paths.SigningKey
		if _, err := os.Stat(path); err != nil {
			path = strings.TrimSuffix(path, filepath.Ext(path)) + ".pub"
		}
	}
	if path == "" {
		return nil, errors.New("no public key: pass --public-key FILE (or --skip-signatures to check the chain only)")
	}
	return audit.LoadPublicKey(path)
}

func printVerify(w io.Writer, stream string, res *audit.Result, pub ed25519.PublicKey) {
	if res.Events == 0 {
		fmt.Fprintf(w, "audit stream %s is empty\n", stream)
		return
	}
	fmt.Fprintf(w, "audit stream %s: %d entries checked (seq %d to %d, %s to %s), %d checkpoints\n", stream, res.Events,
		res.First.Seq, res.Last.Seq, res.First.Time.Format(time.RFC3339), res.Last.Time.Format(time.RFC3339), res.Checkpoints)
	if pub != nil {
		fmt.Fprintf(w, "signatures: checked against key %s\n", audit.KeyID(pub))
	} else {
		fmt.Fprintln(w, "signatures: NOT checked (--skip-signatures): a rewritten chain would pass")
	}
	if res.StartsMidChain {
		fmt.Fprintf(w, "start: the chain continues from earlier entries (trimmed by retention, or before --from); proven from seq %d on\n", res.First.Seq)
	}
	if res.Break != nil {
		b := res.Break
		fmt.Fprintf(w, "BROKEN at seq %d (event id %s, stream id %s): %s\n", b.Seq, b.EventID, b.StreamID, b.Problem)
		return
	}
	if cp := res.LastCheckpoint; cp != nil {
		kind := "checkpoint"
		if res.FinalCheckpoint {
			kind = "final checkpoint (clean shutdown)"
		}
		fmt.Fprintf(w, "last %s: seq %d at %s covers %d events; %d after it not yet covered\n",
			kind, cp.Seq, cp.Time.Format(time.RFC3339), cp.Seq-1, res.Uncovered)
	}
	if res.TailWarning != "" {
		fmt.Fprintf(w, "WARNING: %s\n", res.TailWarning)
	}
	fmt.Fprintln(w, "OK: the chain is intact")
}

func runAuditExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit export", stderr)
	tf := addTrailFlags(fs)
	ff := addFilterFlags(fs)
	pf := addPeriodFlags(fs)
	format := fs.String("format", audit.FormatJSONL, "jsonl or csv")
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	s, u, err := pf.period("veil audit export", stderr)
	if err != nil {
		return err
	}
	if *format != audit.FormatJSONL && *format != audit.FormatCSV {
		return fmt.Errorf("--format: want jsonl or csv, got %q", *format)
	}
	t, err := tf.open(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	filter, err := ff.filter(t)
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return err
		}
		w = f
	}
	n, err := audit.Export(ctx, t.r, t.stream, s, u, *format, filter, w)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d events from %s to %s\n", n, s.Format(time.RFC3339), u.Format(time.RFC3339))
	return nil
}

// runAuditReport is `veil audit report`: a period's summary, after the whole chain is checked. A
// broken chain is reported at the top and makes the command fail, the report still printed.
func runAuditReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit report", stderr)
	tf := addTrailFlags(fs)
	kf := addKeyFlags(fs)
	pf := addPeriodFlags(fs)
	format := fs.String("format", "text", "text or json")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	s, u, err := pf.period("veil audit report", stderr)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format: want text or json, got %q", *format)
	}
	t, err := tf.open(ctx)
	if err != nil {
		return err
	}
	defer t.close()
	pub, err := kf.publicKey(t)
	if err != nil {
		return err
	}
	// One read of the trail verifies it and counts the period; only a broken chain, where verify
	// stops, takes a second read for the events after the break.
	sum := audit.NewSummary(t.stream, s, u)
	res, err := audit.Verify(ctx, t.r, t.stream, audit.VerifyOptions{PublicKey: pub, Each: sum.Add})
	if err != nil {
		return err
	}
	rep := sum.Report()
	if !res.OK() {
		if rep, err = audit.Summarize(ctx, t.r, t.stream, s, u); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(struct {
			Integrity integrity `json:"integrity"`
			*audit.Report
		}{integrityOf(res, pub), rep})
	} else {
		printVerify(stdout, t.stream, res, pub)
		fmt.Fprintln(stdout)
		err = rep.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if !res.OK() {
		return errors.New("audit trail verification failed: the report covers a broken chain")
	}
	return nil
}

// integrity is the chain check in a JSON report.
type integrity struct {
	Intact            bool   `json:"intact"`
	Entries           int    `json:"entries_checked"`
	Checkpoints       int    `json:"checkpoints"`
	SignaturesChecked bool   `json:"signatures_checked"`
	KeyID             string `json:"key_id,omitempty"`
	Broken            string `json:"broken,omitempty"`
	Warning           string `json:"warning,omitempty"`
}

func integrityOf(res *audit.Result, pub ed25519.PublicKey) integrity {
	in := integrity{Intact: res.OK(), Entries: res.Events, Checkpoints: res.Checkpoints, SignaturesChecked: pub != nil,
		Warning: res.TailWarning}
	if pub != nil {
		in.KeyID = audit.KeyID(pub)
	}
	if b := res.Break; b != nil {
		in.Broken = fmt.Sprintf("seq %d (event id %s, stream id %s): %s", b.Seq, b.EventID, b.StreamID, b.Problem)
	}
	return in
}

// periodFlags are --since (required) and --until (default: now).
type periodFlags struct{ since, until string }

func addPeriodFlags(fs *flag.FlagSet) *periodFlags {
	pf := &periodFlags{}
	fs.StringVar(&pf.since, "since", "", "first day or instant (2025-03-01 or RFC 3339), required")
	fs.StringVar(&pf.until, "until", "", "end, exclusive (default: now)")
	return pf
}

// period returns the period the flags give; without --since it says so on stderr and returns
// errUsage.
func (pf *periodFlags) period(cmd string, stderr io.Writer) (time.Time, time.Time, error) {
	var s, u time.Time
	if pf.since == "" {
		fmt.Fprintf(stderr, "%s: --since is required\n", cmd)
		return s, u, errUsage
	}
	s, err := parseWhen(pf.since)
	if err != nil {
		return s, u, fmt.Errorf("--since: %w", err)
	}
	u = time.Now()
	if pf.until != "" {
		if u, err = parseWhen(pf.until); err != nil {
			return s, u, fmt.Errorf("--until: %w", err)
		}
	}
	return s, u, nil
}

// parseWhen reads a date (UTC midnight) or an RFC 3339 instant.
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("want a date (2025-03-01) or an RFC 3339 time (2025-03-01T12:00:00Z)")
}
