// Package consumer is a backend's own tests against the mock, as the
// README's "Test against the mock" shows: the module resolves, builds and
// runs from outside its repository.
package consumer

import (
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

func TestListAgainstTheMock(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(50)})
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(srv.URL), lettatokens.WithAPIKey("test"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range client.Tokens(t.Context(), lettatokens.ListOptions{Limit: 7}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 50 {
		t.Errorf("listed %d tokens, want the mock's 50", n)
	}
}
