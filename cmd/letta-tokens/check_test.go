package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// summary matches the last line of a text report.
var summary = regexp.MustCompile(`^checked (\S+): (\d+) exchanges, (\d+) tokens, agent (\S+): (\d+) breaking, (\d+) additive — (no breaking drift|breaking drift)$`)

// lastLine is the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestCheckMock(t *testing.T) {
	// The environment is ignored with --mock, even when it points elsewhere.
	r := runCLI(t, map[string]string{envBaseURL: "http://127.0.0.1:1"}, "check", "--mock")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	m := summary.FindStringSubmatch(lastLine(r.stdout))
	if m == nil {
		t.Fatalf("no summary line:\n%s", r.stdout)
	}
	if !strings.HasPrefix(m[1], "http://127.0.0.1:") || m[3] != "25" || m[4] != mock.SeedAgentID(0) || m[5] != "0" || m[6] != "0" || m[7] != "no breaking drift" {
		t.Errorf("summary %q", m[0])
	}
	if n, _ := strconv.Atoi(m[2]); n < 5 {
		t.Errorf("only %d exchanges checked", n)
	}
	if !strings.HasPrefix(r.stdout, "checking in-process mock "+m[1]+" (25 seeded tokens) against openapi.yaml\n") {
		t.Errorf("no header naming the target:\n%s", r.stdout)
	}
	if strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("a clean check prints a header and a summary only:\n%s", r.stdout)
	}
}

func TestCheckLiveServer(t *testing.T) {
	ts := newMock(t, 40)
	r := runCLI(t, envFor(ts.URL), "check", "--agent-id", mock.SeedAgentID(2))
	if r.code != exitOK {
		t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	want := "checked " + ts.URL + ": "
	if line := lastLine(r.stdout); !summary.MatchString(line) || !strings.HasPrefix(line, want) || !strings.Contains(line, "40 tokens, agent "+mock.SeedAgentID(2)+":") {
		t.Errorf("summary %q", line)
	}
}

func TestCheckBreakingDrift(t *testing.T) {
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(25)}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
		}))
	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d:\n%s", r.code, exitFailure, r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q: the report is on stdout", r.stderr)
	}
	if !regexp.MustCompile(`(?m)^breaking +schema +/tokens/0/hostname: \S`).MatchString(r.stdout) {
		t.Errorf("no breaking schema finding at /tokens/0/hostname:\n%s", r.stdout)
	}
	m := summary.FindStringSubmatch(lastLine(r.stdout))
	if m == nil || m[5] == "0" || m[7] != "breaking drift" {
		t.Errorf("summary does not report breaking drift: %q", lastLine(r.stdout))
	}

	r = runCLI(t, envFor(ts.URL), "check", "--json")
	var report checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	found := false
	for _, f := range report.Findings {
		found = found || f.Severity == "breaking" && f.Check == "schema" && f.Pointer == "/tokens/0/hostname"
	}
	if r.code != exitFailure || report.Passed || report.Breaking == 0 || !found || report.Target != ts.URL {
		t.Errorf("--json: exit %d, report %+v", r.code, report)
	}
}

func TestCheckAdditiveDrift(t *testing.T) {
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(25)}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) { tok["createdAt"] = "2030-01-01T00:00:00.000Z" })
		}))
	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitOK {
		t.Errorf("exit %d, want 0: a new field is not breaking\n%s", r.code, r.stdout)
	}
	if !regexp.MustCompile(`(?m)^additive +unknown-field +/tokens/0/createdAt: `).MatchString(r.stdout) {
		t.Errorf("no additive finding for the new field:\n%s", r.stdout)
	}
	if m := summary.FindStringSubmatch(lastLine(r.stdout)); m == nil || m[6] == "0" || m[7] != "no breaking drift" {
		t.Errorf("summary %q", lastLine(r.stdout))
	}
}

func TestCheckEmptyAccountNotes(t *testing.T) {
	ts := newMock(t, 0)
	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitOK || !strings.Contains(r.stdout, "\nnote: the account holds no tokens") || !strings.Contains(lastLine(r.stdout), "0 tokens, no agent:") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
}
