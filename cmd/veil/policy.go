package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/policy"
)

func init() {
	commands["policy"] = command{"test, evaluate and explain a Rego policy pack", runPolicy}
}

// maxPolicyInput bounds the input document read by eval and explain.
const maxPolicyInput = 1 << 20

// runPolicy is `veil policy test|eval|explain`.
func runPolicy(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprint(stderr, `usage: veil policy <command> [flags]

commands:
  test [-v] [-run REGEX] [DIR]           run the pack's Rego tests (default: the embedded pack)
  eval [-dir DIR] -input FILE|-          print the decision for an input document
  explain [-dir DIR] -input FILE|- [-full]  print the rules that fired for an input document
`)
	}
	if len(args) == 0 {
		usage()
		return errUsage
	}
	switch args[0] {
	case "test":
		return runPolicyTest(ctx, args[1:], stdout, stderr)
	case "eval":
		return runPolicyEval(ctx, args[1:], stdin, stdout, stderr, false)
	case "explain":
		return runPolicyEval(ctx, args[1:], stdin, stdout, stderr, true)
	case "-h", "--help", "help":
		usage()
		return flag.ErrHelp
	}
	fmt.Fprintf(stderr, "veil policy: unknown command %q\n\n", args[0])
	usage()
	return errUsage
}

// runPolicyTest is `veil policy test`: it checks that the pack compiles as Veil compiles it
// (strict), then runs its tests and reports them like `opa test`.
func runPolicyTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("policy test", stderr)
	verbose := fs.Bool("v", false, "print every test, with print() output and the trace of failures")
	run := fs.String("run", "", "run only tests whose name matches this regular expression")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: veil policy test [-v] [-run REGEX] [DIR]\n\nRuns the Rego tests of the pack in DIR (default: the pack embedded in veil).\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "veil policy test: unexpected argument %q\n", fs.Arg(1))
		return errUsage
	}
	p, err := policy.LoadPack(policy.PackFS(fs.Arg(0)))
	if err != nil {
		return err
	}
	if err := p.Check(ctx); err != nil {
		return err
	}
	results, err := p.Test(ctx, policy.TestOptions{Filter: *run, Trace: *verbose})
	if err != nil {
		return err
	}
	ch := make(chan *tester.Result, len(results))
	failed := 0
	for _, r := range results {
		if !r.Pass() && !r.Skip {
			failed++
		}
		ch <- r
	}
	close(ch)
	bw := bufio.NewWriter(stdout)
	rep := tester.PrettyReporter{Output: bw, Verbose: *verbose, FailureLine: true, LocalVars: *verbose}
	if err := rep.Report(ch); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	switch {
	case len(results) == 0:
		return errors.New("no tests found")
	case failed > 0:
		return fmt.Errorf("%d of %d policy tests failed", failed, len(results))
	}
	return nil
}

// runPolicyEval is `veil policy eval` and, with explain, `veil policy explain`.
func runPolicyEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, explain bool) error {
	name := "eval"
	if explain {
		name = "explain"
	}
	fs := newFlags("policy "+name, stderr)
	dir := fs.String("dir", "", "the policy pack directory (default: the pack embedded in veil)")
	inputPath := fs.String("input", "", `the input document (JSON), or "-" for stdin`)
	full := fs.Bool("full", false, "explain: print OPA's full evaluation trace")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: veil policy %s [-dir DIR] -input FILE|-\n\n", name)
		if explain {
			fmt.Fprintln(stderr, "Prints the rules of package veil that produced a value for the input, and the reasons.")
		} else {
			fmt.Fprintln(stderr, "Prints the decision for the input, as JSON.")
		}
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *inputPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	in, err := readPolicyInput(*inputPath, stdin)
	if err != nil {
		return err
	}
	off := false
	e, err := policy.New(ctx, policy.Config{Dir: *dir, Watch: &off, CacheSize: -1}, zerolog.Nop(), nil)
	if err != nil {
		return err
	}
	defer e.Close()
	if !explain {
		d, err := e.Decide(ctx, in)
		if werr := writeJSON(stdout, d); werr != nil {
			return werr
		}
		return err
	}
	x, err := e.Explain(ctx, in)
	if err != nil {
		return err
	}
	if *full {
		x.WriteTrace(stdout)
		fmt.Fprintln(stdout)
	}
	if err := x.WriteRules(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "allow: %v\n", x.Decision.Allow)
	return nil
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// readPolicyInput decodes an input document strictly: an unknown field is a typo to report.
func readPolicyInput(path string, stdin io.Reader) (policy.Input, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return policy.Input{}, fmt.Errorf("reading input: %w", err)
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(io.LimitReader(r, maxPolicyInput))
	dec.DisallowUnknownFields()
	var in policy.Input
	if err := dec.Decode(&in); err != nil {
		return policy.Input{}, fmt.Errorf("reading input: %w", err)
	}
	return in, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
