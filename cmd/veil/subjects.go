package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/veil-privacy/veil/proxy/admin"
	"github.com/veil-privacy/veil/proxy/rights"
)

func init() {
	commands["subjects"] = command{"act on data-subject requests received by letter or e-mail, through the admin API", runSubjects}
}

const subjectsUsage = `usage: veil subjects <command> [flags]

commands:
  export ID --out FILE [--format json|csv]     everything Veil keeps about the subject
  erase ID --yes [--mode anonymize]            erase the subject now (irreversible)
  rectify ID --type TYPE [--old V --new V]     correct a stored value; without --old/--new,
                                               reads the old and the new value from the first
                                               two lines of stdin (keeps them out of the shell
                                               history and the process list)
  requests [--overdue] [--status S] [--json]   list the request register across subjects
  requests register ID --kind K [--received YYYY-MM-DD] [--channel letter|email]
                                               enter a request received by letter or e-mail;
                                               its deadline runs from --received
  requests complete REQUEST-ID --subject ID    close an objection, a restriction or a request
                                               answered outside Veil

Every command needs --reason (a ticket reference such as DSR-2026-17, recorded in the audit
trail) and goes through the running Veil's admin API with a compliance token: --token or
$VEIL_ADMIN_TOKEN, --admin-url (default http://127.0.0.1:9090, or admin.listen of --config),
--ca-file, --client-cert and --client-key for TLS and mTLS. ID is Veil's subject id, as shown in
exports and in the subject's /.veil/me/requests.

See docs/DSAR-RUNBOOK.md.
`

func runSubjects(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, subjectsUsage)
		return errUsage
	}
	switch args[0] {
	case "export":
		return runSubjectsExport(ctx, args[1:], stdout, stderr)
	case "erase":
		return runSubjectsErase(ctx, args[1:], stdout, stderr)
	case "rectify":
		return runSubjectsRectify(ctx, args[1:], stdin, stdout, stderr)
	case "requests":
		if len(args) > 1 {
			switch args[1] {
			case "register":
				return runRequestsRegister(ctx, args[2:], stdout, stderr)
			case "complete":
				return runRequestsComplete(ctx, args[2:], stdout, stderr)
			case "list":
				return runRequestsList(ctx, args[2:], stdout, stderr)
			}
		}
		return runRequestsList(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stderr, subjectsUsage)
		return errUsage
	}
	fmt.Fprintf(stderr, "veil subjects: unknown command %q\n\n%s", args[0], subjectsUsage)
	return errUsage
}

// subjectsCmd is what every subjects command shares: where the API is and the reason.
type subjectsCmd struct {
	name   string
	fs     *flag.FlagSet
	where  *adminWhere
	reason *string
	stderr io.Writer
}

func newSubjectsCmd(name string, stderr io.Writer) *subjectsCmd {
	fs := newFlags("subjects "+name, stderr)
	return &subjectsCmd{name: name, fs: fs, where: addAdminWhere(fs, true), stderr: stderr,
		reason: fs.String("reason", "", "the ticket reference of the request (required; 1-64 of A-Z a-z 0-9 - _ . : / #)")}
}

// parse reads the flags with one optional positional argument before or after them (an id).
func (c *subjectsCmd) parse(args []string, wantArg string) (string, error) {
	var arg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := c.fs.Parse(args); err != nil {
		return "", errUsage
	}
	if arg == "" && c.fs.NArg() == 1 {
		arg = c.fs.Arg(0)
	} else if c.fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "veil subjects %s: unexpected argument %q\n", c.name, c.fs.Arg(0))
		return "", errUsage
	}
	if wantArg != "" && arg == "" {
		fmt.Fprintf(c.stderr, "veil subjects %s: give the %s\n", c.name, wantArg)
		return "", errUsage
	}
	if wantArg == "" && arg != "" {
		fmt.Fprintf(c.stderr, "veil subjects %s: unexpected argument %q\n", c.name, arg)
		return "", errUsage
	}
	if *c.reason == "" {
		fmt.Fprintf(c.stderr, "veil subjects %s: --reason is required (a ticket reference)\n", c.name)
		return "", errUsage
	}
	return arg, nil
}

// client is the admin API client; these commands never open the store themselves.
func (c *subjectsCmd) client() (*apiClient, error) {
	cl, ok, err := c.where.client()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("a compliance token is required: --token or $VEIL_ADMIN_TOKEN (these commands act through the running Veil's admin API)")
	}
	cl.reason = *c.reason
	return cl, nil
}

func subjectPath(id, action string) string {
	return "/admin/v1/subjects/" + url.PathEscape(id) + "/" + action
}

func runSubjectsExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("export", stderr)
	out := c.fs.String("out", "", "file to write the export to (created with mode 0600; never overwritten)")
	format := c.fs.String("format", "json", "json, or csv (a zip of CSV files)")
	id, err := c.parse(args, "subject id")
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "veil subjects export: --out is required (the export holds personal data: it goes to a file)")
		return errUsage
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	// Created before the call, so that a file in the way does not cost an audited export.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(*out)
		}
	}()
	res, err := cl.send(ctx, http.MethodPost, subjectPath(id, "export")+"?format="+url.QueryEscape(*format), nil, http.StatusOK)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	n, err := io.Copy(f, res.Body)
	if err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	ok = true
	fmt.Fprintf(stdout, "exported subject %s to %s (%d bytes, %s); send it to the subject by a secure channel and delete your copy\n",
		id, *out, n, *format)
	return nil
}

func runSubjectsErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("erase", stderr)
	mode := c.fs.String("mode", "erase", "erase, or anonymize (keep anonymised conversations for analytics)")
	yes := c.fs.Bool("yes", false, "confirm: the erasure cannot be undone")
	id, err := c.parse(args, "subject id")
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprintln(stderr, "veil subjects erase: the erasure cannot be undone; add --yes")
		return errUsage
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	var rc rights.Receipt
	if err := cl.call(ctx, http.MethodPost, subjectPath(id, "erase")+"?mode="+url.QueryEscape(*mode), nil, http.StatusOK, &rc); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "erased subject %s: request %s, mode %s, data key destroyed: %t, %d records deleted",
		id, rc.RequestID, rc.Mode, rc.KeyDestroyed, rc.Records)
	if rc.Anonymized > 0 {
		fmt.Fprintf(stdout, ", %d conversations kept anonymised", rc.Anonymized)
	}
	fmt.Fprintln(stdout)
	return nil
}

func runSubjectsRectify(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("rectify", stderr)
	typ := c.fs.String("type", "", "the personal-data type of the value (EMAIL, PHONE, …)")
	oldV := c.fs.String("old", "", "the stored value (default: first line of stdin)")
	newV := c.fs.String("new", "", "the corrected value (default: second line of stdin)")
	id, err := c.parse(args, "subject id")
	if err != nil {
		return err
	}
	if *typ == "" {
		fmt.Fprintln(stderr, "veil subjects rectify: --type is required")
		return errUsage
	}
	body := admin.RectifyRequest{Type: *typ, Old: *oldV, New: *newV}
	if body.Old == "" && body.New == "" {
		sc := bufio.NewScanner(stdin)
		for _, v := range []*string{&body.Old, &body.New} {
			if sc.Scan() {
				*v = strings.TrimRight(sc.Text(), "\r")
			}
		}
	}
	if body.Old == "" || body.New == "" {
		fmt.Fprintln(stderr, "veil subjects rectify: give the old and the new value (--old and --new, or two lines on stdin)")
		return errUsage
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	if err := cl.call(ctx, http.MethodPost, subjectPath(id, "rectify"), body, http.StatusOK, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rectified a %s value of subject %s\n", strings.ToUpper(*typ), id)
	return nil
}

func runRequestsList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("requests", stderr)
	overdue := c.fs.Bool("overdue", false, "only open requests past their deadline")
	status := c.fs.String("status", "", "open, completed or failed (default: all)")
	asJSON := c.fs.Bool("json", false, "print the API's JSON answer")
	if _, err := c.parse(args, ""); err != nil {
		return err
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	q := url.Values{}
	if *overdue {
		q.Set("overdue", "true")
	}
	if *status != "" {
		q.Set("status", *status)
	}
	path := "/admin/v1/requests"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var b rights.Backlog
	if err := cl.call(ctx, http.MethodGet, path, nil, http.StatusOK, &b); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tSUBJECT\tKIND\tCHANNEL\tSTATUS\tRECEIVED\tDEADLINE\t")
	for _, r := range b.Requests {
		st := string(r.Status)
		if r.Overdue {
			st = "OVERDUE"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.ID, r.Subject, r.Kind, r.Channel, st,
			r.Received.Format(time.DateOnly), r.Deadline.Format(time.DateOnly))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d open, %d overdue", b.Open, b.Overdue)
	if b.Truncated {
		fmt.Fprint(stdout, " (list truncated)")
	}
	fmt.Fprintln(stdout)
	return nil
}

func runRequestsRegister(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("requests register", stderr)
	kind := c.fs.String("kind", "", "export, erase, rectify, objection or restriction")
	received := c.fs.String("received", "", "the day the request was received, YYYY-MM-DD (default today)")
	channel := c.fs.String("channel", "letter", "letter or email")
	id, err := c.parse(args, "subject id")
	if err != nil {
		return err
	}
	if *kind == "" {
		fmt.Fprintln(stderr, "veil subjects requests register: --kind is required")
		return errUsage
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	var r rights.SubjectRequest
	body := admin.RegisterRequest{Subject: id, Kind: *kind, Received: *received, Channel: *channel}
	if err := cl.call(ctx, http.MethodPost, "/admin/v1/requests", body, http.StatusCreated, &r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "registered request %s (%s by %s) for subject %s: received %s, due %s\n",
		r.ID, r.Kind, r.Channel, r.Subject, r.Received.Format(time.DateOnly), r.Deadline.Format(time.DateOnly))
	return nil
}

func runRequestsComplete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newSubjectsCmd("requests complete", stderr)
	subject := c.fs.String("subject", "", "the subject id the request belongs to")
	id, err := c.parse(args, "request id")
	if err != nil {
		return err
	}
	if *subject == "" {
		fmt.Fprintln(stderr, "veil subjects requests complete: --subject is required")
		return errUsage
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	var r rights.SubjectRequest
	body := admin.CompleteRequest{Subject: *subject}
	if err := cl.call(ctx, http.MethodPost, "/admin/v1/requests/"+url.PathEscape(id)+"/complete", body, http.StatusOK, &r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "request %s (%s) of subject %s: %s\n", r.ID, r.Kind, r.Subject, r.Status)
	return nil
}
