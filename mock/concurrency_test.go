package mock_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestConcurrentCreateListDelete runs creates, lists and deletes from many
// goroutines at once (run it with -race). Every page must be consistent on
// its own (no token twice, no more than limit), and at the end the account
// must hold exactly the seeded tokens not deleted and the created ones not
// deleted.
func TestConcurrentCreateListDelete(t *testing.T) {
	const (
		seeded     = 60
		goroutines = 12
		rounds     = 15
	)
	ts := newServer(t, mock.Options{SeedCount: seeded, APIKey: testKey})
	seedValues := tokenValues(mock.SeedTokens(seeded))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		kept []string // created and not deleted
	)
	errs := make(chan string, goroutines*rounds*4)
	for g := range goroutines {
		wg.Go(func() {
			agent := fmt.Sprintf("agent-goroutine-%d", g)
			var mine []string
			for i := range rounds {
				tok := create(t, ts, createBody(agent, "https://a.example.com", ""))
				mine = append(mine, tok.Token)
				if i%3 == 0 { // delete one of ours
					if e := send(t, ts, http.MethodDelete, deletePath(mine[0]), ""); e.status != http.StatusNoContent {
						errs <- fmt.Sprintf("delete own token: status %d", e.status)
					}
					mine = mine[1:]
				}
				// Each goroutine deletes its own seeded token (g, g+12, ...).
				if i == 0 {
					if e := send(t, ts, http.MethodDelete, deletePath(seedValues[g]), ""); e.status != http.StatusNoContent {
						errs <- fmt.Sprintf("delete seeded token %d: status %d", g, e.status)
					}
				}
				q := url.Values{"limit": {"7"}, "offset": {fmt.Sprint(i * 5)}}
				if i%2 == 1 {
					q.Set("agentId", agent)
					q.Set("offset", "0")
					q.Set("limit", "1000")
				}
				p := get(t, ts, q.Encode()).page(t)
				values := tokenValues(p.Tokens)
				if len(values) > 1000 || len(slices.Compact(slices.Sorted(slices.Values(values)))) != len(values) {
					errs <- fmt.Sprintf("%s: a token twice in one page", q.Encode())
				}
				if i%2 == 1 && !slices.Equal(values, mine) {
					errs <- fmt.Sprintf("%s: agent's own tokens %v, want %v", agent, values, mine)
				}
			}
			mu.Lock()
			kept = append(kept, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	got := allTokens(t, ts, "")
	want := append(slices.Clone(seedValues[goroutines:]), kept...)
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("the account holds %d tokens, want %d", len(got), len(want))
	}
	if !slices.Equal(got[:seeded-goroutines], seedValues[goroutines:]) {
		t.Error("seeded tokens are not first, in order")
	}
}
