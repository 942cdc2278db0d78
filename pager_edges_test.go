package lettatokens

import (
	"context"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// TestMaxConcurrencyIsAllowed: Concurrency at MaxConcurrency itself is a
// walk like any other (one more is refused, see TestKindOf).
func TestMaxConcurrencyIsAllowed(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	lister := fakePages(func(offset int) (*gen.TokenPage, error) {
		return &gen.TokenPage{Tokens: makeTokens(offset, min(offset+10, 50)), HasNextPage: offset+10 < 50}, nil
	})
	toks, err := collect(walk(ctx, lister, ListOptions{Limit: 10, Concurrency: MaxConcurrency}))
	if err != nil || len(toks) != 50 {
		t.Fatalf("Concurrency %d: %d tokens, err %v; want 50 and no error", MaxConcurrency, len(toks), err)
	}
}
