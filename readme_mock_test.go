package lettatokens_test

import (
	"net/http/httptest"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// TestReadmeMockSnippets is the compiled home of the README's two "Test
// against the mock" snippets (TestReadmeGoBlocksCompile finds them here,
// verbatim), and checks that they do what the README says: a mock that
// serves the seeded tokens, and one that drifts by dropping "hostname".
func TestReadmeMockSnippets(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(50)})
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(srv.URL), lettatokens.WithAPIKey("test"))
	if err != nil {
		t.Fatal(err)
	}

	handler, err := mock.New(mock.Options{Tokens: mock.SeedTokens(50)})
	if err != nil {
		t.Fatal(err)
	}
	drifting := httptest.NewServer(mocktest.RewritePages(handler, func(page map[string]any) {
		mocktest.ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
	}))
	t.Cleanup(drifting.Close)

	tokens, err := lettatokens.Collect(client.Tokens(t.Context(), lettatokens.ListOptions{}))
	if err != nil || len(tokens) != 50 || tokens[0].Hostname == "" {
		t.Fatalf("the mock: %d tokens, err %v", len(tokens), err)
	}
	driftingClient, err := lettatokens.NewClient(lettatokens.WithBaseURL(drifting.URL), lettatokens.WithAPIKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err = lettatokens.Collect(driftingClient.Tokens(t.Context(), lettatokens.ListOptions{}))
	if err != nil || len(tokens) != 50 {
		t.Fatalf("the drifting mock: %d tokens, err %v", len(tokens), err)
	}
	for i, tok := range tokens {
		if tok.Hostname != "" {
			t.Fatalf("token %d still has a hostname: the drifting mock does not drift", i)
		}
	}
}
