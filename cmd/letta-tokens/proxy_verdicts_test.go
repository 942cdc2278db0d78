package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestProxyNothingChecked: a run that validated no exchange is exit 2,
// saying nothing was checked, as check says of an outage: with no
// traffic, and when every answer was one clients retry (503).
func TestProxyNothingChecked(t *testing.T) {
	faults, err := mock.ParseFaults("503=1")
	if err != nil {
		t.Fatal(err)
	}
	unavailable := newServer(t, mockHandler(t, mock.Options{SeedCount: 5, Faults: faults})).URL
	for _, tt := range []struct {
		name     string
		upstream string
		requests int
		want     []string
	}{
		{"no traffic", newMock(t, 5).URL, 0, []string{"nothing was checked", "no request reached the proxy"}},
		{"every answer 503", unavailable, 2, []string{unavailable + " is unavailable: HTTP 503 Service Unavailable", "nothing was checked"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, stop := startProxyCmd(t, nil, "--upstream", tt.upstream)
			for range tt.requests {
				proxyGet(t, base, listPath)
			}
			r := stop()
			if r.code != exitUsage {
				t.Errorf("exit %d, want 2\n%s", r.code, r.stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

// TestProxyClientMistakesExitZero: invalid requests (limit 2.5, offset
// -5) that a faithful upstream refuses are the client's mistake: exit 0,
// no finding, and a note that says so.
func TestProxyClientMistakesExitZero(t *testing.T) {
	md := filepath.Join(t.TempDir(), "proxy.md")
	base, stop := startProxyCmd(t, nil, "--upstream", newMock(t, 5).URL, "--markdown", md)
	for _, q := range []string{"?limit=2.5", "?offset=-5"} {
		if status, body := proxyGet(t, base, listPath+q); status != 400 {
			t.Fatalf("%s: status %d: %s", q, status, body)
		}
	}
	r := stop()
	if r.code != exitOK || strings.Contains(r.stderr, "proxy: breaking") {
		t.Errorf("exit %d, want 0 and no finding:\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "2 requests were invalid and refused by the upstream (4xx): the client's mistake, not drift") {
		t.Errorf("the summary does not note the client's mistakes:\n%s", b)
	}
}

// TestProxyReportsNameTheProxy: --junit and --markdown are written on
// stop, and under GitHub Actions the annotations (stdout) and the job
// summary, as check writes them; none holds the client's key. They say
// letta-tokens proxy, count requests and tokens, name the operation in
// each finding, list only the checks it runs, and never advise --seed.
func TestProxyReportsNameTheProxy(t *testing.T) {
	dir := t.TempDir()
	junit, md, job := filepath.Join(dir, "proxy.xml"), filepath.Join(dir, "proxy.md"), filepath.Join(dir, "summary.md")
	env := map[string]string{envGitHubActions: "true", envGitHubStepSummary: job}
	base, stop := startProxyCmd(t, env, "--upstream", renamingUpstream(t), "--junit", junit, "--markdown", md)
	proxyGet(t, base, listPath+"?limit=2")
	proxyGet(t, base, listPath+"?limit=2&offset=2")
	r := stop()
	if r.code != exitFailure || !strings.Contains(r.stdout, "\n::error title=letta-tokens proxy") {
		t.Fatalf("exit %d, want 1 and an annotation on stdout\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "expiresAt") || strings.Contains(string(b), proxyKey[:20]) {
			t.Errorf("%s: want the finding and not the key:\n%s", filepath.Base(path), b)
		}
		return string(b)
	}
	summary, report := read(md), read(junit)
	if read(job) != summary {
		t.Errorf("the job summary is not the Markdown summary")
	}
	for _, want := range []string{"## letta-tokens proxy: breaking drift", "2 requests, 2 exchanges, 4 tokens", "list: required property"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	for _, want := range []string{`<testsuite name="letta-tokens proxy"`, `classname="letta-tokens.proxy"`, `name="requests" value="2"`, `name="tokens" value="4"`} {
		if !strings.Contains(report, want) {
			t.Errorf("the JUnit report lacks %q:\n%s", want, report)
		}
	}
	for _, unwanted := range []string{"--seed", "walk-consistency", "letta-tokens check"} {
		if strings.Contains(summary+report, unwanted) {
			t.Errorf("a report holds %q:\n%s\n%s", unwanted, summary, report)
		}
	}
}

// TestProxyRefusesBeforeListening: an --upstream ending in /v1 (as
// LETTA_BASE_URL would be refused) and a report file that cannot be
// written are refused at start, before the proxy prints its URL.
func TestProxyRefusesBeforeListening(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "proxy.xml")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--upstream", "https://api.letta.com/v1"}, "proxy: --upstream ends in /v1"},
		{[]string{"--upstream", "https://gw.example.com/letta/V1/"}, "proxy: --upstream ends in /v1"},
		{[]string{"--upstream", "https://api.letta.com", "--junit", missing}, "cannot write the JUnit report"},
		{[]string{"--upstream", "https://api.letta.com", "--markdown", missing}, "cannot write the Markdown summary"},
	} {
		r := runCLI(t, nil, append([]string{"proxy", "--addr", "127.0.0.1:0"}, tt.args...)...)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, no URL, and %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
		}
	}
}
