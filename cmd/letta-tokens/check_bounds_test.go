package main

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// --max-tokens bounds every walk of check, not only the first: against
// 20,000 tokens, --max-tokens 100 costs a few dozen requests at any
// concurrency, where the limit=7 and filter walks alone used to cover
// 10,000 tokens (about 1,640 requests).
func TestCheckMaxTokensBoundsEveryWalk(t *testing.T) {
	for _, conc := range []int{1, 4, 16} {
		t.Run(strconv.Itoa(conc), func(t *testing.T) {
			var requests atomic.Int64
			url := newServer(t, countRequests(mockHandler(t, mock.Options{SeedCount: 20_000, APIKey: testKey}), &requests)).URL
			r := runCLI(t, envFor(url), "check", "--max-tokens", "100", "--concurrency", strconv.Itoa(conc))
			if r.code != exitUsage {
				t.Errorf("exit %d, want 2 (could not be checked completely); stderr %s", r.code, r.stderr)
			}
			if n := requests.Load(); n > 150 {
				t.Errorf("%d requests for --max-tokens 100, want at most 150", n)
			}
		})
	}
}
