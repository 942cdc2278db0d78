package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/report"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Environment variables that GitHub Actions sets in every step.
const (
	envGitHubActions     = "GITHUB_ACTIONS"
	envGitHubStepSummary = "GITHUB_STEP_SUMMARY"
)

// reportFlags are check's CI report flags: --junit and --markdown. Under
// GitHub Actions the reports also go where Actions shows them, flag or not.
type reportFlags struct {
	junit    string         // JUnit XML file, "" for none
	markdown string         // Markdown summary file, "" for none
	mask     *redact.Masker // the boundary's (see boundary), for every file
	// created are the files prepare made that no report was written to
	// yet: discardUnwritten removes them.
	created []string
}

func addReportFlags(fs *flag.FlagSet, mask *redact.Masker) *reportFlags {
	f := &reportFlags{mask: mask}
	fs.StringVar(&f.junit, "junit", "", "also write the report as JUnit XML to `FILE` (one test case per check)")
	fs.StringVar(&f.markdown, "markdown", "", "also write the report as a Markdown summary to `FILE`")
	return f
}

// write writes the reports that the flags and GitHub Actions ask for, a
// run that stopped before its end saying why in r.Unfinished. Call it once
// the report is printed and before the exit status is decided: a report
// that could not be written is exit 2, since CI would otherwise miss what
// the run found.
func (f *reportFlags) write(r *contract.Report, stdout io.Writer, getenv func(string) string) error {
	f.created = nil // written, or half-written: either way no longer ours to remove
	if f.junit != "" {
		var b bytes.Buffer
		if err := report.JUnit(&b, r); err != nil {
			return unfinishedf("writing the JUnit report %s: %v", f.junit, err)
		}
		if err := f.writeFile(f.junit, os.O_TRUNC, b.Bytes()); err != nil {
			return unfinishedf("writing the JUnit report: %v", err)
		}
	}
	var summary bytes.Buffer
	report.Markdown(&summary, r)
	if f.markdown != "" {
		if err := f.writeFile(f.markdown, os.O_TRUNC, summary.Bytes()); err != nil {
			return unfinishedf("writing the Markdown summary: %v", err)
		}
	}
	if strings.TrimSpace(getenv(envGitHubActions)) != "true" {
		return nil
	}
	if err := report.Annotations(stdout, r); err != nil {
		return unfinishedf("writing GitHub annotations: %v", err)
	}
	if path := strings.TrimSpace(getenv(envGitHubStepSummary)); path != "" {
		if err := f.writeFile(path, os.O_APPEND, summary.Bytes()); err != nil {
			return unfinishedf("appending to %s: %v", envGitHubStepSummary, err)
		}
	}
	return nil
}

// prepare checks, before anything is sent, that every report the run is
// to write can be written: a run that takes hours (and with --seed writes
// to the account) must not end in an unwritable path. Each file is opened
// for writing, created if absent, never truncated: a step summary keeps
// what earlier steps wrote, and a report file is only replaced once there
// is a report. Defer discardUnwritten, so that a run that ends without
// writing its reports leaves no empty file that CI takes for a report.
func (f *reportFlags) prepare(getenv func(string) string) error {
	files := [][2]string{{"the JUnit report", f.junit}, {"the Markdown summary", f.markdown}}
	if path := strings.TrimSpace(getenv(envGitHubStepSummary)); path != "" && strings.TrimSpace(getenv(envGitHubActions)) == "true" {
		files = append(files, [2]string{envGitHubStepSummary + " " + path, path})
	}
	for _, file := range files {
		what, path := file[0], file[1]
		if path == "" {
			continue
		}
		_, statErr := os.Stat(path)
		if err := f.writeFile(path, os.O_APPEND, nil); err != nil {
			f.discardUnwritten()
			return unfinishedf("cannot write %s (checked before anything is sent): %v", what, err)
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			f.created = append(f.created, path)
		}
	}
	return nil
}

func (f *reportFlags) discardUnwritten() {
	for _, path := range f.created {
		_ = os.Remove(path)
	}
	f.created = nil
}

// writeFile writes data to path, through the boundary as stdout is; mode
// is os.O_TRUNC or os.O_APPEND.
func (f *reportFlags) writeFile(path string, mode int, data []byte) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|mode, 0o644)
	if err != nil {
		return err
	}
	w := redact.NewWriter(file, f.mask)
	if _, err = w.Write(data); err == nil {
		err = w.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// unfinishedf is a run that could not finish what it was asked to do (a
// report not written, a spec not read or compared): exit 2, no verdict.
func unfinishedf(format string, args ...any) error {
	return &cliError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}
