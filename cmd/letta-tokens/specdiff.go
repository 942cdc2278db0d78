package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"

	"github.com/letta-tokens/letta-tokens/gen/server"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Without --spec and --declared, spec-diff compares the spec built into the
// binary (gen/server embeds openapi.yaml as it was when the binary was
// built) and reads the declarations built in beside it, so that an
// installed binary works from any directory.
const (
	embeddedSpecName     = "openapi.yaml (embedded)"
	embeddedDeclaredName = "openapi.differences.yaml (embedded)"
)

// embeddedDeclarations are the deliberate differences of the built-in spec.
//
//go:embed openapi.differences.yaml
var embeddedDeclarations []byte

// specDiffLineCap bounds each line printed (escaped by redact.Line; the
// boundary masks secrets): oasdiff's messages quote the upstream document.
const specDiffLineCap = 5 * redact.MaxLine

const specDiffUsage = `Usage: letta-tokens spec-diff --upstream URL|FILE [--spec FILE] [--declared FILE] [--timeout DURATION]

Compares Letta's published OpenAPI description of the
/v1/client-side-access-tokens paths with openapi.yaml, using oasdiff:
openapi.yaml is the base, upstream the revision, so the report says what
upstream describes that a client written to openapi.yaml would meet. One
line per difference (severity, oasdiff rule, operation, message), breaking
first, then warning, info (such as operations upstream has and we do not)
and declared: the deliberate differences listed in the declarations file,
which never fail. The spec and the declarations are built into the binary;
--spec and --declared read others instead.

--upstream is required: Letta publishes no stable URL of its spec. Its
fern/openapi.json in github.com/letta-ai/letta lives on a branch named
archive, and the spec its SDKs are generated from sits at a URL that
changes with every SDK release (openapi_spec_url in the SDK's .stats.yml).
Give the URL or file to watch; nothing else is ever fetched (references to
other documents are refused), and no credentials are sent.

`

const specDiffUsageTail = `
Exit status: 0 no breaking difference; 1 a breaking difference; 2 usage
error, or a document that could not be fetched or parsed.

Examples:
  letta-tokens spec-diff --upstream https://example.com/letta/openapi.json
  letta-tokens spec-diff --upstream letta-openapi.json --spec openapi.yaml
`

func runSpecDiff(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("spec-diff")
	upstream := fs.String("upstream", "", "Letta's published spec: an http(s) `URL` or a file (required)")
	specFile := fs.String("spec", "", "our spec, the base of the comparison (`FILE`; default: the one built in)")
	declaredFile := fs.String("declared", "", "the deliberate differences (`FILE`; default: those built in)")
	timeout := addTimeoutFlag(fs)
	if err := parseFlags(fs, "spec-diff", args, stdout, specDiffUsage, specDiffUsageTail); err != nil {
		return err
	}
	if *upstream == "" {
		return usageErrorf("spec-diff", "spec-diff: --upstream is required: Letta publishes no stable URL of its spec")
	}
	if err := checkTimeout("spec-diff", *timeout); err != nil {
		return err
	}
	src, err := parseUpstream(*upstream)
	if err != nil {
		return usageErrorf("spec-diff", "spec-diff: %v", err)
	}

	ours, specName, err := readSpec(*specFile)
	if err != nil {
		return err
	}
	decl, declaredName, err := readDeclarations(*declaredFile)
	if err != nil {
		return err
	}
	name := redact.Line(src.name, specDiffLineCap)
	data, err := src.read(ctx, *timeout)
	if err != nil {
		if ctx.Err() != nil { // a signal
			return errInterrupted
		}
		return unfinishedf("cannot read the upstream spec %s: %s", name, redact.Line(err.Error(), specDiffLineCap))
	}
	res, err := compareSpecs(ctx, ours, data, src.name, decl)
	if err != nil {
		if ctx.Err() != nil { // a signal
			return errInterrupted
		}
		return unfinishedf("comparing %s with %s: %s", redact.Line(specName, specDiffLineCap), name, redact.Line(err.Error(), specDiffLineCap))
	}
	if err := writeSpecDiff(stdout, res, specName, declaredName, name); err != nil {
		return writeError(err)
	}
	if res.count[diffBreaking] > 0 {
		return &cliError{code: exitFailure} // the report said it
	}
	return nil
}

// readSpec returns our spec and the name the report gives it.
func readSpec(path string) ([]byte, string, error) {
	if path == "" {
		data, err := server.GetSpecJSON()
		if err != nil {
			return nil, "", unfinishedf("reading the built-in spec: %v", err)
		}
		return data, embeddedSpecName, nil
	}
	data, err := readFileCapped(path)
	if err != nil {
		return nil, "", unfinishedf("reading the spec: %v (or leave out --spec to use the built-in one)", err)
	}
	return data, path, nil
}

// readDeclarations returns the declared differences and the name the
// report gives them.
func readDeclarations(path string) (*declarations, string, error) {
	var r io.Reader = bytes.NewReader(embeddedDeclarations)
	name := embeddedDeclaredName
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", unfinishedf("reading the declared differences: %v (or leave out --declared to use the built-in ones)", err)
		}
		defer f.Close()
		r, name = f, path
	}
	decl, err := parseDeclarations(r)
	if err != nil {
		return nil, "", unfinishedf("%s: %v", name, err)
	}
	return decl, name, nil
}

// writeSpecDiff prints one line per difference, the notes and a summary.
func writeSpecDiff(w io.Writer, res *specDiffResult, specFile, declaredFile, upstream string) error {
	bw := bufio.NewWriter(w)
	width := len("request-parameter-type-generalized")
	for _, d := range res.differences {
		width = max(width, len(d.ID))
	}
	for _, d := range res.differences {
		fmt.Fprintln(bw, redact.Line(fmt.Sprintf("%-8s %-*s %s: %s", d.severity, width, d.ID, d.Operation, d.Text), specDiffLineCap))
	}
	for _, d := range res.stale {
		fmt.Fprintln(bw, redact.Line(fmt.Sprintf("note: declared in %s but not seen (remove it?): %s %s: %s", declaredFile, d.ID, d.Operation, d.Text), specDiffLineCap))
	}
	for _, n := range res.notes {
		fmt.Fprintln(bw, "note: "+redact.Line(n, specDiffLineCap))
	}
	verdict := "no breaking difference"
	if res.count[diffBreaking] > 0 {
		verdict = "breaking difference"
	}
	fmt.Fprintf(bw, "compared %s with %s: %d breaking, %d warning, %d info, %d declared — %s\n",
		redact.Line(specFile, specDiffLineCap), upstream, res.count[diffBreaking], res.count[diffWarning], res.count[diffInfo], res.count[diffDeclared], verdict)
	return bw.Flush()
}
