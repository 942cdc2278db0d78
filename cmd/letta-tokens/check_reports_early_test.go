package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// An unwritable report destination is exit 2 before anything is sent:
// the server sees no request, and check --help says so under exit 2.
func TestCheckUnwritableReportSendsNothing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "r.xml")
	dir := t.TempDir() // a directory cannot be opened for writing
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"junit", []string{"--junit", missing}, nil},
		{"markdown", []string{"--markdown", dir}, nil},
		{"step summary", nil, map[string]string{envGitHubActions: "true", envGitHubStepSummary: missing}},
		{"with --seed", []string{"--seed", "--junit", missing}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var requests atomic.Int64
			url := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(30)}), &requests)).URL
			env := envFor(url)
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, append([]string{"check"}, tt.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "checked before anything is sent") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming the report", r.code, r.stderr)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests sent before the unwritable report was noticed", n)
			}
		})
	}
	if help := runCLI(t, nil, "check", "--help").stdout; !strings.Contains(help, "a report file (--junit, --markdown,\n$GITHUB_STEP_SUMMARY) that cannot be written") {
		t.Errorf("check --help does not list an unwritable report under exit 2:\n%s", help)
	}
}

// A report file the run created is removed when the run ends without a
// report; an existing step summary keeps its content, untouched, and gets
// the summary appended once there is one.
func TestCheckReportFilesOnEarlyFailure(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "r.xml")
	summary := filepath.Join(dir, "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refused := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"bad key"}`))
	}))
	env := envFor(refused.URL)
	env[envGitHubActions], env[envGitHubStepSummary] = "true", summary
	if r := runCLI(t, env, "check", "--junit", junit); r.code != exitUsage {
		t.Fatalf("exit %d, stderr %q; want 2 (credentials rejected)", r.code, r.stderr)
	}
	if _, err := os.Stat(junit); !os.IsNotExist(err) {
		t.Errorf("the JUnit file created for a run that ended without a report is still there (%v)", err)
	}
	if got, _ := os.ReadFile(summary); string(got) != "earlier step\n" {
		t.Errorf("step summary changed by a run without a report: %q", got)
	}

	url := newMock(t, 30).URL
	env = envFor(url)
	env[envGitHubActions], env[envGitHubStepSummary] = "true", summary
	if r := runCLI(t, env, "check", "--junit", junit); r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(got), "earlier step\n## letta-tokens check: no breaking drift") {
		t.Errorf("step summary after a run: %.200q", got)
	}
	if data, err := os.ReadFile(junit); err != nil || !strings.Contains(string(data), "<testsuites") {
		t.Errorf("JUnit report after a run: %v %.100q", err, data)
	}
}
