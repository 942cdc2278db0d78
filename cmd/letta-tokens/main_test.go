package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// TestMain fails the run if a test leaves a goroutine behind: a server not
// stopped, an idle connection of the command's transport not closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testKey is shaped like a Letta API key, so that any leak of it would also
// be caught by shape; it is not a real key. Its secret part looks random,
// as a real key's does: the masker masks any 12 characters of it, so no
// fixture may share such a run with it.
const testKey = "sk-let-cli-test-key-Zq8Wv3Nx6Bt1Ym4Rk7Pd"

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command with args and env as its whole environment, and
// checks what every run must satisfy: the API key is never printed, and an
// error is exactly one line on stderr prefixed "letta-tokens: ".
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIStdin(t, env, strings.NewReader(""), args...)
}

// runCLIStdin is runCLI with stdin as the command's standard input.
func runCLIStdin(t *testing.T, env map[string]string, stdin io.Reader, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runStdin(t.Context(), args, stdin, &stdout, &stderr, func(k string) string { return env[k] })
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	if key := env[envAPIKey]; key != "" && strings.Contains(r.stdout+r.stderr, key) {
		t.Errorf("%q printed the API key:\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
	}
	if code != exitOK && r.stderr != "" && len(args) > 0 {
		if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); !strings.HasPrefix(lines[len(lines)-1], "letta-tokens: ") {
			t.Errorf("%q: stderr does not end with a 'letta-tokens: ' line: %q", args, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("%q: stderr looks like a stack trace: %s", args, r.stderr)
	}
	return r
}

// run is runStdin with an empty standard input, for commands that read
// none (every one but delete).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return runStdin(ctx, args, strings.NewReader(""), stdout, stderr, getenv)
}

// envFor is the environment that points the command at url.
func envFor(url string) map[string]string {
	return map[string]string{envBaseURL: url, envAPIKey: testKey}
}

// newMock starts a loopback mock serving the first n seeded tokens.
func newMock(t *testing.T, n int) *httptest.Server {
	t.Helper()
	return mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(n)})
}

// newServer starts a loopback server for h, closed when the test ends.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// mockHandler is the mock's handler, for tests that wrap it.
func mockHandler(t *testing.T, opts mock.Options) http.Handler {
	t.Helper()
	srv, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// deadURL is the base URL of a loopback port that nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// redacted returns tokens with their values redacted, as list prints them.
func redacted(tokens []gen.Token) []gen.Token {
	out := make([]gen.Token, len(tokens))
	for i, tok := range tokens {
		tok.Token = redact.Token(tok.Token)
		out[i] = tok
	}
	return out
}

// decodeTokens parses list --json output.
func decodeTokens(t *testing.T, out string) []gen.Token {
	t.Helper()
	var tokens []gen.Token
	if err := json.Unmarshal([]byte(out), &tokens); err != nil {
		t.Fatalf("output is not a JSON array of tokens: %v\n%s", err, out)
	}
	return tokens
}

// oneLine checks that stderr is exactly one error line containing each of
// wants, and returns it.
func oneLine(t *testing.T, r result, wants ...string) string {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "letta-tokens: ") {
		t.Fatalf("stderr is not one 'letta-tokens: ' line: %q", r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not contain %q", r.stderr, w)
		}
	}
	return r.stderr
}

func TestHelp(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"--help"}, []string{"letta-tokens list", "letta-tokens create", "letta-tokens delete", "letta-tokens check", "letta-tokens mock", envAPIKey, envBaseURL, "check --mock"}},
		{[]string{"-h"}, []string{"Usage:"}},
		{[]string{"help"}, []string{"Usage:"}},
		{[]string{"list", "--help"}, []string{"--agent-id ID", "--limit N", "--offset N", "--all", "--json", "--reveal", "--timeout DURATION", "(default 1m0s)", envAPIKey, envBaseURL, "Exit status", "never the API key",
			"11 to 21 bytes per token listed", "--deadline DURATION", "the whole walk"}},
		{[]string{"help", "list"}, []string{"Usage: letta-tokens list"}},
		{[]string{"create", "--help"}, []string{"--hostname URL", "--agent-id ID", "--access LIST", "--expires-in DURATION", "--expires-at TIME",
			"--json", "--timeout DURATION", "(default 1m0s)", "repeat", "5 minutes", "second token", envAPIKey, envBaseURL, "Exit status", "TOKEN=$(letta-tokens create"}},
		{[]string{"help", "create"}, []string{"Usage: letta-tokens create"}},
		{[]string{"delete", "--help"}, []string{"--token-file FILE", "--timeout DURATION", "(default 1m0s)", "stdin", "never from the command line",
			"deleted ck-let-a…9f3c", envAPIKey, envBaseURL, "Exit status"}},
		{[]string{"delete", "-h"}, []string{"Usage: letta-tokens delete"}},
		{[]string{"list", "-h"}, []string{"Usage: letta-tokens list"}},
		// The help words the seeded tokens' bounds (1h, 30s); contract/live's
		// TestSeedBoundsAreTheDocumented keeps its unexported constants to them.
		{[]string{"check", "--help"}, []string{"--mock", "--agent-id ID", "--json", envAPIKey, envBaseURL, "Exit status: 0 no breaking drift; 1 breaking drift; 2",
			"--max-tokens N", "--timeout DURATION", "--deadline DURATION", "(default 3h0m0s)", "(default 1000000)", envMaxTokens,
			"--concurrency", "pages each walk asks for at once", "--seed", "writes to the account", live.SeedHostname}},
		{[]string{"spec-diff", "--help"}, []string{"Usage: letta-tokens spec-diff --upstream URL|FILE", "--upstream URL", "--spec FILE", "--declared FILE", "--timeout DURATION",
			"Exit status: 0 no breaking difference; 1 a breaking difference; 2"}},
		{[]string{"mock", "--help"}, []string{"--addr HOST:PORT", "--tokens N", "--key K", "--from FILE", "(default 127.0.0.1:8283)", "(default 25)", "first line on stdout",
			"list (GET /v1/client-side-access-tokens", "create (POST /v1/client-side-access-tokens)", "delete\n(DELETE /v1/client-side-access-tokens/{token})", "--latency DURATION"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and usage on stdout only", r.code, r.stderr)
			}
			for _, w := range tt.wants {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("usage lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	ts := newMock(t, 3)
	env := envFor(ts.URL)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"--json"}, "unknown flag --json"},
		{[]string{"list", "--bogus"}, "unknown flag --bogus"},
		{[]string{"list", "--limit", "abc"}, `invalid value "abc" for --limit: not a whole number`},
		{[]string{"list", "--limit"}, "missing value for --limit"},
		{[]string{"list", "--limit", "0"}, "--limit must be at least 1"},
		{[]string{"list", "--offset", "-1"}, "--offset must not be negative"},
		{[]string{"list", "--all", "--offset", "3"}, "--offset cannot be used with --all"},
		{[]string{"list", "extra"}, `unexpected argument "extra"`},
		{[]string{"list", "--all=maybe"}, "want true or false"},
		{[]string{"list", "--timeout", "soon"}, `invalid value "soon" for --timeout: want a duration such as 30s or 2m`},
		{[]string{"list", "--timeout", "0s"}, "--timeout must be above 0 and at most 10m (such as 30s or 2m), got "},
		{[]string{"list", "--timeout", "-1s"}, "--timeout must be above 0 and at most 10m"},
		{[]string{"list", "--timeout", "11m"}, "--timeout must be above 0 and at most 10m"},
		{[]string{"list", "--all", "--concurrency", "0"}, "--concurrency must be between 1 and 16, got 0"},
		{[]string{"list", "--all", "--concurrency", "17"}, "--concurrency must be between 1 and 16, got 17"},
		{[]string{"list", "--concurrency", "2"}, "--concurrency is for walks: use it with --all"},
		{[]string{"list", "--max-tokens", "5"}, "--max-tokens bounds a walk: use it with --all"},
		{[]string{"list", "--all", "--max-tokens", "0"}, "--max-tokens must be between 1 and 10000000, got 0"},
		{[]string{"list", "--all", "--deadline", "0s"}, "--deadline must be above 0 and at most 24h"},
		{[]string{"list", "--all", "--deadline", "25h"}, "--deadline must be above 0 and at most 24h"},
		{[]string{"check", "--bogus"}, "unknown flag --bogus"},
		{[]string{"check", "--max-tokens", "0"}, "--max-tokens must be between"},
		{[]string{"check", "--max-tokens", "-3"}, "--max-tokens must be between"},
		{[]string{"check", "--max-tokens", "999999999999"}, "--max-tokens must be between"},
		{[]string{"check", "--max-tokens", "many"}, `invalid value "many" for --max-tokens`},
		{[]string{"check", "--timeout", "0s"}, "--timeout must be above 0 and at most 10m (such as 30s or 2m), got "},
		{[]string{"check", "--deadline", "0s"}, "--deadline must be above 0 and at most 24h (such as 30m or 3h)"},
		{[]string{"check", "--deadline", "100000h"}, "--deadline must be above 0 and at most 24h (such as 30m or 3h)"},
		{[]string{"check", "--concurrency", "0"}, "--concurrency must be between 1 and 16, got 0"},
		{[]string{"check", "--concurrency", "17"}, "--concurrency must be between 1 and 16, got 17"},
		{[]string{"check", "--concurrency", "-1"}, "--concurrency must be between 1 and 16, got -1"},
		{[]string{"check", "--concurrency", "x"}, `invalid value "x" for --concurrency`},
		{[]string{"spec-diff"}, "--upstream is required"},
		{[]string{"spec-diff", "--upstream", "ftp://example.com/spec.json"}, "not an http(s) URL"},
		{[]string{"spec-diff", "--upstream", "https://user:pw@127.0.0.1:1/spec.json"}, "must not hold credentials"}, // and not echoed
		{[]string{"spec-diff", "--upstream", upstreamExtract, "--timeout", "0s"}, "--timeout must be above 0 and at most 10m (such as 30s or 2m), got "},
		{[]string{"spec-diff", "--upstream", upstreamExtract, "extra"}, `unexpected argument "extra"`},
		{[]string{"proxy"}, "--upstream is required"},
		{[]string{"proxy", "--upstream", "ftp://example.com"}, "--upstream must be an http or https URL with a host"},
		{[]string{"proxy", "--upstream", "example.com"}, "--upstream must be an http or https URL with a host"},
		{[]string{"proxy", "--upstream", "https://user:pw@example.com"}, "--upstream must not hold credentials"},
		{[]string{"proxy", "--upstream", "https://example.com?x=1"}, "--upstream must have no query or fragment"},
		{[]string{"proxy", "--upstream", "https://example.com", "extra"}, `unexpected argument "extra"`},
		{[]string{"proxy", "--upstream", "https://example.com", "--record", ""}, "--record needs a directory"},
		{[]string{"proxy", "--upstream", "https://example.com", "--nope"}, "unknown flag --nope"},
		// The mock refuses what it cannot serve before it allocates or
		// listens.
		{[]string{"mock", "--tokens", "-1"}, "--tokens must not be negative, got -1"},
		{[]string{"mock", "--tokens", fmt.Sprint(mock.MaxSeedCount + 1)}, fmt.Sprintf("--tokens must be at most %d", mock.MaxSeedCount)},
		{[]string{"mock", "--tokens", "99999999999999"}, fmt.Sprintf("--tokens must be at most %d", mock.MaxSeedCount)},
		{[]string{"mock", "--latency", "-1s"}, "--latency must be between 0 and 10s, got -1s"},
		{[]string{"mock", "--latency", "10001ms"}, "--latency must be between 0 and 10s, got 10.001s"},
		{[]string{"mock", "--latency", "1h"}, "--latency must be between 0 and 10s, got 1h0m0s"},
		{[]string{"mock", "--latency", "soon"}, `invalid value "soon" for --latency: want a duration`},
		{[]string{"mock", "--faults", "429=0.1,503=lots"}, `mock: --faults: "503=lots": the rate is not a decimal number`},
		{[]string{"mock", "--faults", "429=0.1,418=0.1"}, `mock: --faults: "418=0.1": unknown kind "418"`},
		{[]string{"mock", "--faults", "429=1.2"}, "mock: --faults: 429=1.2: a rate is between 0 and 1"},
		{[]string{"mock", "--faults", "429=0.7,503=0.7"}, "mock: --faults: the rates add up to 1.4, more than 1"},
		{[]string{"mock", "--faults", ""}, "mock: --faults: the spec is empty"},
		{[]string{"mock", "--fault-seed", "3"}, "mock: --fault-seed needs --faults"},
		{[]string{"mock", "--faults", "429=0.1", "--fault-seed", "-1"}, `invalid value "-1" for --fault-seed`},
		{[]string{"mock", "--tokens", "3", "--from", "x.json"}, "cannot be used together"},
		{[]string{"mock", "--key="}, "--key must not be empty"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, env, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if line := oneLine(t, r, tt.want, "--help')"); strings.Contains(line, "pw@") {
				t.Errorf("credentials echoed: %s", line)
			}
		})
	}
}

func TestNoArguments(t *testing.T) {
	r := runCLI(t, nil)
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", r.code, r.stdout, r.stderr)
	}
}

// A run reads the environment once: one LoadEnv, whose Env the boundary,
// the configuration and the walk bound share.
func TestRunReadsEnvOnce(t *testing.T) {
	ts := newMock(t, 3)
	for _, args := range [][]string{{"list"}, {"list", "--all"}, {"check"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			env := envFor(ts.URL)
			var keyReads atomic.Int64
			getenv := func(k string) string {
				if k == envAPIKey {
					keyReads.Add(1)
				}
				return env[k]
			}
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), args, &stdout, &stderr, getenv); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if n := keyReads.Load(); n != 1 {
				t.Errorf("%s read %d times, want once", envAPIKey, n)
			}
		})
	}
}

func TestMissingKey(t *testing.T) {
	ts := newMock(t, 3)
	for _, cmd := range []string{"list", "check"} {
		t.Run(cmd, func(t *testing.T) {
			r := runCLI(t, map[string]string{envBaseURL: ts.URL, envAPIKey: "  "}, cmd)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			line := oneLine(t, r, "LETTA_API_KEY is not set", "LETTA_API_KEY=<your Letta API key> letta-tokens list", "letta-tokens check --mock")
			want := "letta-tokens: LETTA_API_KEY is not set: give it to the command, as in LETTA_API_KEY=<your Letta API key> letta-tokens list, or try it without an account: letta-tokens check --mock\n"
			if line != want {
				t.Errorf("got  %q\nwant %q", line, want)
			}
		})
	}
}

func TestInvalidBaseURL(t *testing.T) {
	for _, base := range []string{"ftp://example.com", "example.com", "https://user:hunter2@[::1", "https://h/?q=1"} {
		r := runCLI(t, map[string]string{envBaseURL: base, envAPIKey: testKey}, "list")
		if r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d", base, r.code, exitUsage)
		}
		oneLine(t, r, "LETTA_BASE_URL is not a base URL")
		if strings.Contains(r.stderr, "hunter2") {
			t.Errorf("%q: the error echoes a password: %s", base, r.stderr)
		}
	}
}

// A base URL ending in /v1 (LETTA_BASE_URL=https://api.letta.com/v1, the
// usual mistake) or in the collection's path is a configuration error
// before any request: every call would 404, which must not be reported as
// drift or as an empty account. Any other path is a gateway's prefix.
func TestBaseURLWithPath(t *testing.T) {
	var requests atomic.Int64
	ts := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(3)}), &requests))
	for _, path := range []string{"/v1", "/v1/", "/api/v1", "/v1/client-side-access-tokens"} {
		for _, cmd := range []string{"list", "check"} {
			r := runCLI(t, envFor(ts.URL+path), cmd)
			if r.code != exitUsage {
				t.Errorf("%s with %s: exit %d, want %d\n%s%s", cmd, path, r.code, exitUsage, r.stdout, r.stderr)
			}
			oneLine(t, r, "LETTA_BASE_URL ends in /v1", "API root", "https://api.letta.com")
			if strings.Contains(r.stdout+r.stderr, "holds no tokens") || strings.Contains(r.stdout, "drift") {
				t.Errorf("%s with %s: reports on the account after a configuration error:\n%s", cmd, path, r.stdout)
			}
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent with a misconfigured base URL, want none", n)
	}
	for _, root := range []string{ts.URL, ts.URL + "/"} {
		if r := runCLI(t, envFor(root), "list"); r.code != exitOK {
			t.Errorf("list with %q: exit %d, want 0: %s", root, r.code, r.stderr)
		}
	}
	// A gateway's own prefix is accepted, as the library accepts it.
	gw := newServer(t, http.StripPrefix("/gateway", mockHandler(t, mock.Options{Tokens: mock.SeedTokens(3)})))
	for _, root := range []string{gw.URL + "/gateway", gw.URL + "/gateway/"} {
		if r := runCLI(t, envFor(root), "list"); r.code != exitOK {
			t.Errorf("list with the gateway prefix %q: exit %d, want 0: %s", root, r.code, r.stderr)
		}
	}
}
