package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/exampletest"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

func TestValidateExample(t *testing.T) {
	conformant := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(25)})
	handler, err := mock.New(mock.Options{Tokens: mock.SeedTokens(25)})
	if err != nil {
		t.Fatal(err)
	}
	drifting := httptest.NewServer(mocktest.RewritePages(handler, func(page map[string]any) {
		mocktest.ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
	}))
	t.Cleanup(drifting.Close)
	const key = "LETTA_API_KEY=example-key-0123456789"

	stdout, stderr, ok := exampletest.Run(t, nil, key, "LETTA_BASE_URL="+conformant.URL)
	if !ok || stdout != "10 tokens on the first page\n" || stderr != "" {
		t.Errorf("conformant mock: ok %v, stdout %q, stderr %q", ok, stdout, stderr)
	}

	stdout, stderr, ok = exampletest.Run(t, nil, key, "LETTA_BASE_URL="+drifting.URL)
	if !ok || stdout != "10 tokens on the first page\n" || !strings.Contains(stderr, "breaking") || !strings.Contains(stderr, "/hostname") {
		t.Errorf("drifting mock: ok %v, stdout %q; stderr does not log the finding: %q", ok, stdout, stderr)
	}

	// Without a key: the error, not a panic.
	_, stderr, ok = exampletest.Run(t, nil, "LETTA_BASE_URL="+conformant.URL)
	if ok || !strings.Contains(stderr, "no API key") || strings.Contains(stderr, "panic") {
		t.Errorf("without LETTA_API_KEY: ok %v, stderr %q", ok, stderr)
	}
}
