package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/exampletest"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// runExample runs main in a child process with env added to the test's
// environment (minus LETTA_*), and returns its stdout, stderr and whether
// it exited 0.
func runExample(t *testing.T, env ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	return exampletest.Run(t, nil, env...)
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
