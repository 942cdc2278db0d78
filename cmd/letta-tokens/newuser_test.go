package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// The edges a new user hit (issue 20, item 7).

// TestCheckJSONAlwaysCarriesPassed: whatever ends a check --json run once
// its flags parse (a pass, drift, an outage, a rejected key, a missing
// key, an interrupt), stdout is one JSON object with a boolean "passed",
// true only for a run that passed.
func TestCheckJSONAlwaysCarriesPassed(t *testing.T) {
	faithful := newMock(t, 12)
	drifting := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(12), Drift: "renamed-expiresAt"})
	rejecting := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: "sk-let-the-right-key-0123456789"})
	closed := newServer(t, http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		env    map[string]string
		args   []string
		code   int
		passed bool
	}{
		{"pass", t.Context(), envFor(faithful.URL), nil, exitOK, true},
		{"mock", t.Context(), nil, []string{"--mock"}, exitOK, true},
		{"drift", t.Context(), envFor(drifting.URL), nil, exitFailure, false},
		{"outage", t.Context(), envFor(closedURL), []string{"--timeout", "2s"}, exitUsage, false},
		{"credentials", t.Context(), envFor(rejecting.URL), nil, exitUsage, false},
		{"no key", t.Context(), map[string]string{envBaseURL: faithful.URL}, nil, exitUsage, false},
		{"interrupted", cancelled, envFor(faithful.URL), nil, exitUsage, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLIContext(t, tt.ctx, tt.env, append([]string{"check", "--json"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatalf("stdout is not one JSON object (%v): %q", err, r.stdout)
			}
			passed, ok := out["passed"].(bool)
			if !ok || passed != tt.passed {
				t.Errorf("passed = %#v, want %v: %s", out["passed"], tt.passed, r.stdout)
			}
			if _, ok := out["error"]; ok != (tt.code != exitFailure && tt.code != exitOK) {
				t.Errorf("an error field only when the run ended with one (exit %d): %s", r.code, r.stdout)
			}
			// Every field is checkJSON's, findings and notes [] when none.
			var report checkJSON
			dec := json.NewDecoder(strings.NewReader(r.stdout))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&report); err != nil || report.Findings == nil || report.Notes == nil {
				t.Errorf("not checkJSON (%v), or null findings or notes: %s", err, r.stdout)
			}
			if tt.name == "mock" && (report.Tokens != 25 || report.Breaking != 0) {
				t.Errorf("check --mock --json: %+v", report)
			}
		})
	}
}

// TestListAllDeadline: a walk that never ends (a server of a billion
// tokens, one a page) is bounded in time by --deadline (its help and
// range: TestHelp, TestUsageErrors).
func TestListAllDeadline(t *testing.T) {
	ts := mocktest.NewServer(t, mock.Options{SeedCount: mock.MaxSeedCount})
	start := time.Now()
	r := runCLI(t, envFor(ts.URL), "list", "--all", "--limit", "1", "--max-tokens", "10000000", "--concurrency", "1", "--json", "--deadline", "300ms")
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the walk took %s", took)
	}
	if r.code != exitUsage {
		t.Errorf("exit %d, want %d: %s", r.code, exitUsage, r.stderr)
	}
	oneLine(t, r, "--deadline 300ms")
	var tokens []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil || len(tokens) == 0 {
		t.Errorf("stdout is not a JSON array of the tokens listed (%v, %d)", err, len(tokens))
	}
}

// fakeTerminal is a stderr that isTerminal takes for a terminal (it
// unwraps to a character device) while the test reads what is written.
type fakeTerminal struct {
	bytes.Buffer
	dev *os.File
}

func (f *fakeTerminal) Unwrap() io.Writer { return f.dev }

func newFakeTerminal(t *testing.T) *fakeTerminal {
	t.Helper()
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return &fakeTerminal{dev: dev}
}

// TestCheckShowsProgress: on a terminal, check counts the exchanges it has
// validated on one line of stderr, and clears it before the report.
func TestCheckShowsProgress(t *testing.T) {
	stderr := newFakeTerminal(t)
	var stdout bytes.Buffer
	code := run(t.Context(), []string{"check", "--mock"}, &stdout, stderr, func(string) string { return "" })
	if code != exitOK {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	got := stderr.String()
	if !strings.Contains(got, "\rvalidated 1 exchange") || !strings.Contains(got, " exchanges") || !strings.HasSuffix(got, " \r") {
		t.Errorf("stderr on a terminal %q: want the exchanges counted, then the line cleared", got)
	}
	// Not a terminal: nothing on stderr.
	var plain bytes.Buffer
	if code := run(t.Context(), []string{"check", "--mock"}, &stdout, &plain, func(string) string { return "" }); code != exitOK || plain.Len() != 0 {
		t.Errorf("exit %d, stderr %q", code, plain.String())
	}
}

// TestListProgressClearedOnInterrupt: an interrupted list --all clears its
// progress line, so that the error is all that is left on the terminal.
func TestListProgressClearedOnInterrupt(t *testing.T) {
	m, err := mock.New(mock.Options{Tokens: mock.SeedTokens(40)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var served atomic.Int64
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) > 3 {
			cancel()
			<-r.Context().Done()
			return
		}
		m.ServeHTTP(w, r)
	}))
	stderr := newFakeTerminal(t)
	var stdout bytes.Buffer
	env := envFor(ts.URL)
	code := run(ctx, []string{"list", "--all", "--limit", "5", "--concurrency", "1"}, &stdout, stderr, func(k string) string { return env[k] })
	got := stderr.String()
	if code != exitUsage || !strings.Contains(got, "\rfetched 15 tokens") || !strings.HasSuffix(got, " \rletta-tokens: interrupted\n") {
		t.Errorf("exit %d, stderr %q: want the progress line cleared, then 'interrupted'", code, got)
	}
}

// TestCheckInterruptedWritesReports: a check interrupted midway writes its
// JUnit and Markdown reports with what it validated, marked unfinished
// (no verdict), and --json says the same.
func TestCheckInterruptedWritesReports(t *testing.T) {
	m, err := mock.New(mock.Options{Tokens: mock.SeedTokens(200), Drift: "renamed-expiresAt"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var served atomic.Int64
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) > 4 {
			cancel()
			<-r.Context().Done()
			return
		}
		m.ServeHTTP(w, r)
	}))
	dir := t.TempDir()
	junit, md := filepath.Join(dir, "check.xml"), filepath.Join(dir, "check.md")
	r := runCLIContext(t, ctx, envFor(ts.URL), "check", "--concurrency", "1", "--junit", junit, "--markdown", md)
	if r.code != exitUsage || !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("exit %d, stderr %q; want %d, interrupted", r.code, r.stderr, exitUsage)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatalf("no JUnit report after an interrupt: %v", err)
	}
	if err := validateJUnit(data); err != nil {
		t.Errorf("the JUnit report of an interrupted run breaks the schema: %v\n%s", err, data)
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit report: %v\n%s", err, data)
	}
	props := map[string]string{}
	for _, p := range doc.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	if n, _ := strconv.Atoi(props["exchanges"]); n < 1 || doc.Errors != 1 || doc.Failures < 1 || !strings.Contains(string(data), "interrupted") ||
		!strings.Contains(string(data), `required property &#34;expiresAt&#34; is missing`) {
		t.Errorf("JUnit report of an interrupted run: want its exchanges, its drift, and one error saying it was interrupted:\n%s", data)
	}
	summary, err := os.ReadFile(md)
	if err != nil {
		t.Fatalf("no Markdown summary after an interrupt: %v", err)
	}
	if !strings.HasPrefix(string(summary), "## letta-tokens check: not finished") || !strings.Contains(string(summary), "interrupted") {
		t.Errorf("Markdown summary of an interrupted run:\n%s", summary)
	}
}

// TestNoOutputSuggestsExportingTheKey: no string of the module's non-test
// code tells a user to export LETTA_API_KEY: left in a shell, it makes a
// later go test ./... a live run, seeded with LETTA_CONTRACT_SEED=1.
func TestNoOutputSuggestsExportingTheKey(t *testing.T) {
	files := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != "../..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(path, -1, len(src)), src, nil, 0)
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING && strings.Contains(lit, "export ") && (strings.Contains(lit, "API_KEY") || strings.Contains(lit, "API key")) {
				t.Errorf("%s: %s suggests exporting the key", fset.Position(pos), lit)
			}
		}
		return nil
	})
	if err != nil || files < 50 {
		t.Fatalf("scanned %d files: %v", files, err)
	}
}
