package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// runMainEnv makes the test binary run the example's main instead of the
// tests, so that a test sees what it prints and how it exits.
const runMainEnv = "LETTA_TOKENS_EXAMPLE_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// runExample runs main in a child process with env added to the test's
// environment (minus LETTA_*), and returns its stdout, stderr and whether
// it exited 0.
func runExample(t *testing.T, env ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LETTA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append(env, runMainEnv+"=1")...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), err == nil
}

func TestValidateExample(t *testing.T) {
	conformant := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(25)})
	handler, err := mock.New(mock.Options{Tokens: mock.SeedTokens(25)})
	if err != nil {
		t.Fatal(err)
	}
	drifting := newServer(t, mocktest.RewritePages(handler, func(page map[string]any) {
		mocktest.ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
	}))
	const key = "LETTA_API_KEY=example-key-0123456789"

	stdout, stderr, ok := runExample(t, key, "LETTA_BASE_URL="+conformant.URL)
	if !ok || stdout != "10 tokens on the first page\n" || stderr != "" {
		t.Errorf("conformant mock: ok %v, stdout %q, stderr %q", ok, stdout, stderr)
	}

	stdout, stderr, ok = runExample(t, key, "LETTA_BASE_URL="+drifting.URL)
	if !ok || stdout != "10 tokens on the first page\n" || !strings.Contains(stderr, "breaking") || !strings.Contains(stderr, "/hostname") {
		t.Errorf("drifting mock: ok %v, stdout %q; stderr does not log the finding: %q", ok, stdout, stderr)
	}

	// Without a key: the error, not a panic.
	_, stderr, ok = runExample(t, "LETTA_BASE_URL="+conformant.URL)
	if ok || !strings.Contains(stderr, "no API key") || strings.Contains(stderr, "panic") {
		t.Errorf("without LETTA_API_KEY: ok %v, stderr %q", ok, stderr)
	}
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}
