package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestMainAgainstMock runs the README example against the mock: it must
// print every token, redacted.
func TestMainAgainstMock(t *testing.T) {
	tokens := mock.SeedTokens(137)
	srv := mock.NewTestServer(t, mock.Options{Tokens: tokens, APIKey: "example-key"})
	t.Setenv("LETTA_BASE_URL", srv.URL)
	t.Setenv("LETTA_API_KEY", "example-key")

	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = out
	main()
	os.Stdout = stdout
	printed, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(printed)), "\n")
	if len(lines) != len(tokens) {
		t.Fatalf("printed %d lines, want %d", len(lines), len(tokens))
	}
	for i, tok := range tokens {
		if strings.Contains(string(printed), tok.Token) {
			t.Fatalf("token %d printed in full", i)
		}
		if !strings.Contains(lines[i], tok.Hostname) || !strings.HasPrefix(lines[i], "ck-let-") {
			t.Errorf("line %d = %q, want the redacted token and %s", i, lines[i], tok.Hostname)
		}
	}
}
