package main

import (
	"bytes"
	"crypto/rand"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/report"
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
	r := &contract.Report{Target: "http://127.0.0.1:9",
		Findings: contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0/" + key,
			Message: "unknown value " + key}},
		Exchanges: 1, AgentID: "agent-" + key, Notes: []string{"note " + key},
	}
	var rendered bytes.Buffer
	report.Markdown(&rendered, r)
	if err := report.JUnit(&rendered, r); err != nil {
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
	if err := f.write(r, &bytes.Buffer{}, func(k string) string { return env[k] }); err != nil {
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
// print them on purpose (TestListReveal, TestCreateListDelete): on stderr
// (TestListServerError), and on every other command's stdout, anything
// shaped like a token is masked there too.
func TestBoundaryLetsTokensOutOnlyWhereTheyArePrinted(t *testing.T) {
	const token = "ck-let-FOREIGN-Wk5Xm9Bq2Ld7Fz3Hr8"
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

// TestMarkupKeyReachesNoReport: a key of no Letta shape (only the
// configured key can get it masked), holding what Markdown escapes
// (_ * ~ @), what XML writes as references (& < " ') and what a JSON
// pointer or JSON escapes (/ as ~1 or \/), is split by the renderers'
// escapes into runs the boundary cannot see whole; a server's echo of it
// (in a hostname, an agent id, a field's name and value) is masked at the
// value, before any renderer, so no output of check, text or --json, nor
// any report shows a run of it once its escapes are read.
func TestMarkupKeyReachesNoReport(t *testing.T) {
	const key = `my_pass*word~for@the/letta<server>"quo'ted"+&`
	echo := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: key}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) {
				tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = "agent " + key
				tok["hostname"] = "https://" + key + ".example.com"
				tok["x-"+key] = key // an unknown field: a finding quotes it
			})
		})).URL
	unmarkdown := regexp.MustCompile(`\\(.)`)
	for _, asJSON := range []bool{false, true} {
		dir := t.TempDir()
		junit, markdown, summary := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "summary.md"), filepath.Join(dir, "step-summary.md")
		env := envFor(echo)
		env[envAPIKey] = key
		args := []string{"check", "--junit", junit, "--markdown", markdown}
		if asJSON {
			args = append(args, "--json")
		} else {
			env[envGitHubActions], env[envGitHubStepSummary] = "true", summary
		}
		r := runCLI(t, env, args...)
		if r.code != exitFailure {
			t.Fatalf("%q: exit %d, want the unknown field as drift: %s%s", args, r.code, r.stdout, r.stderr)
		}
		outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "junit": readFile(t, junit), "markdown": readFile(t, markdown)}
		if !asJSON {
			outputs["summary"] = readFile(t, summary)
		}
		for name, text := range outputs {
			// What a reader sees: the escapes undone.
			seen := strings.ToLower(html.UnescapeString(unmarkdown.ReplaceAllString(text, "$1")))
			for i := 0; i+12 <= len(key); i++ {
				if w := strings.ToLower(key[i : i+12]); strings.Contains(seen, w) {
					t.Fatalf("%q: %s shows %q of the key once its escapes are read:\n%s", args, name, w, text)
				}
			}
		}
	}
}

// readFile is a file's text, or fails t.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOneMaskerPerKey: a run builds one Masker for its key (the boundary's)
// and hands it to the client, the validator, the live run and the views.
func TestOneMaskerPerKey(t *testing.T) {
	for _, args := range [][]string{{"list"}, {"list", "--all", "--json"}, createArgs(), {"check"}, {"check", "--mock"}} {
		key := "sk-let-" + rand.Text() // a key of this run alone
		env := envFor(newMock(t, 30).URL)
		env[envAPIKey] = key
		r := runCLI(t, env, args...)
		if r.code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		if n := redact.KeyBuilds(key); n != 1 {
			t.Errorf("%q built %d maskers for its key, want 1", args, n)
		}
	}
}
