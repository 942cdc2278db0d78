package main

import (
	"bytes"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// keyForms are the API key as a hostile server echoes it: whole, its
// secret part alone, %xx (lower case), \u00xx, upper-cased.
func keyForms() []string {
	return []string{testKey, keyPart(), escapeEach(testKey, "%%%02x"), escapeEach(testKey, `\u%04x`), strings.ToUpper(testKey)}
}

// keyLeak is leak in any case: a run of 12 characters of the key's secret
// part that out holds, plain or escaped, whatever the case of its letters.
func keyLeak(out string) string {
	return leak(strings.ToLower(out), strings.ToLower(keyPart()))
}

// The report files leave through the boundary, and only the boundary
// masks: the renderers escape a finding that holds the key (as no
// finding from contract/live would) and leave the key in it, and each
// file written, the JUnit report, the Markdown summary and the step
// summary, holds it masked. A writer that bypassed the boundary would
// leave the key in the file.
func TestReportFilesLeaveThroughBoundary(t *testing.T) {
	const key = "sk-let-boundary-only-Hq7Wm2Xv9Lc4Rt"
	report := &live.Report{
		Findings: contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0/" + key,
			Message: "unknown value " + key}},
		Exchanges: 1, AgentID: "agent-" + key, Notes: []string{"note " + key},
	}
	var rendered bytes.Buffer
	view := newReportView(report, "http://127.0.0.1:9")
	writeMarkdown(&rendered, view)
	if err := writeJUnit(&rendered, view); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rendered.String(), key) {
		t.Fatalf("the renderers masked the key themselves: the boundary is not the one owner:\n%s", rendered.String())
	}

	dir := t.TempDir()
	summary := filepath.Join(dir, "step-summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := addReportFlags(flag.NewFlagSet("check", flag.ContinueOnError), redact.NewMasker(key))
	f.junit, f.markdown = filepath.Join(dir, "junit.xml"), filepath.Join(dir, "summary.md")
	env := map[string]string{envGitHubActions: "true", envGitHubStepSummary: summary}
	if err := f.write(report, "http://127.0.0.1:9", &bytes.Buffer{}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{f.junit, f.markdown, summary} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "boundary-only") || !strings.Contains(string(b), redact.Key(key)) {
			t.Errorf("%s did not pass the boundary:\n%s", filepath.Base(path), b)
		}
	}
}

// Tokens pass the boundary only on the stdout of list and create, which
// print them on purpose: on stderr, and on every other command's stdout,
// anything shaped like a token is masked there too.
func TestBoundaryLetsTokensOutOnlyWhereTheyArePrinted(t *testing.T) {
	const token = "ck-let-FOREIGN-Wk5Xm9Bq2Ld7Fz3Hr8"
	for _, tokens := range []bool{true, false} {
		var out, errOut strings.Builder
		stdout, stderr := maskedStreams(&out, &errOut, redact.NewMasker(testKey), tokens)
		for _, w := range []*redact.Writer{stdout, stderr} {
			if _, err := w.Write([]byte(token + " " + testKey + "\n")); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Contains(out.String(), token); got != tokens {
			t.Errorf("tokens %v: stdout %q", tokens, out.String())
		}
		if strings.Contains(errOut.String(), "FOREIGN") || strings.Contains(out.String()+errOut.String(), keyPart()) {
			t.Errorf("tokens %v: stderr %q, stdout %q", tokens, errOut.String(), out.String())
		}
	}
	// A token-shaped agent id reaches check's report, masked.
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: testKey}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) {
				tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = token
			})
		}))
	for _, args := range [][]string{{"check"}, {"check", "--json"}} {
		r := runCLI(t, envFor(ts.URL), args...)
		if strings.Contains(r.stdout+r.stderr, "FOREIGN") || !strings.Contains(r.stdout, "ck-let-F…") {
			t.Errorf("%q: exit %d, the token-shaped agent id not masked:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// A key is whatever the server accepts: a self-hosted password may hold
// the characters Markdown escapes (_ * ~ @ .). mdText writes "\_" for "_",
// which splits the key into runs shorter than the masker's window unless
// the boundary reads through the escape.
func TestBoundaryReadsThroughMarkdownEscapes(t *testing.T) {
	const key = "my_pass*word~for@the.letta_server"
	report := &live.Report{
		Findings: contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0",
			Message: "unknown value " + key}},
		Exchanges: 1, Notes: []string{"note " + key},
	}
	dir := t.TempDir()
	f := addReportFlags(flag.NewFlagSet("check", flag.ContinueOnError), redact.NewMasker(key))
	f.markdown = filepath.Join(dir, "summary.md")
	if err := f.write(report, "http://127.0.0.1:9", &bytes.Buffer{}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.markdown)
	if err != nil {
		t.Fatal(err)
	}
	// What a reader of the rendered summary sees: the escapes undone.
	seen := strings.ToLower(regexp.MustCompile(`\\(.)`).ReplaceAllString(string(b), "$1"))
	for i := 0; i+12 <= len(key); i++ {
		if w := strings.ToLower(key[i : i+12]); strings.Contains(seen, w) {
			t.Fatalf("the summary shows %q of the key once its Markdown escapes are read:\n%s", w, b)
		}
	}
}

// encoding/xml writes & < > " ' as references, splitting a key that holds
// them; the boundary reads through them in the JUnit report.
func TestBoundaryReadsThroughXMLReferences(t *testing.T) {
	const key = `pass&word<with>"quotes"'and'more`
	report := &live.Report{
		Findings: contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0",
			Message: "unknown value " + key}},
		Exchanges: 1, Notes: []string{"note " + key},
	}
	f := addReportFlags(flag.NewFlagSet("check", flag.ContinueOnError), redact.NewMasker(key))
	f.junit = filepath.Join(t.TempDir(), "junit.xml")
	if err := f.write(report, "http://127.0.0.1:9", &bytes.Buffer{}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.junit)
	if err != nil {
		t.Fatal(err)
	}
	seen := html.UnescapeString(string(b)) // what a CI page shows
	for i := 0; i+12 <= len(key); i++ {
		if w := key[i : i+12]; strings.Contains(seen, w) {
			t.Fatalf("the JUnit report shows %q of the key once its references are read:\n%s", w, b)
		}
	}
}
