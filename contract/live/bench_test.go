package live

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// BenchmarkWalkRetainedMemory measures what a walk keeps per token: its
// result holds fingerprints, not tokens, so the figure stays near 8 bytes
// a token (plus the watched agent's) whatever the tokens hold. Pages come
// from memory, so only the walk is measured.
func BenchmarkWalkRetainedMemory(b *testing.B) {
	const n, limit = 200_000, 1000
	tokens := mock.SeedTokens(limit)
	fetch := pagesFunc(func(_ context.Context, p lettatokens.ListOptions) (*gen.TokenPage, error) {
		page := &gen.TokenPage{HasNextPage: p.Offset+limit < n}
		if p.Offset >= n {
			return page, nil
		}
		page.Tokens = make([]gen.Token, limit)
		for i := range page.Tokens {
			page.Tokens[i] = tokens[i]
			page.Tokens[i].Token = fmt.Sprintf("ck-let-bench-%012d-0123456789abcdef", p.Offset+i)
		}
		return page, nil
	})
	var retained float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, _, err := walkPages(context.Background(), fetch, walkOptions{Limit: limit, MaxTokens: n + limit})
		runtime.GC()
		runtime.ReadMemStats(&after)
		if err != nil || !res.Complete || res.Tokens() != n {
			b.Fatalf("walk: %v, complete %v, %d tokens", err, res.Complete, res.Tokens())
		}
		retained = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(res)
	}
	b.ReportMetric(retained, "retained-B/token")
}

// BenchmarkCheckLiveConcurrency is a whole live run against a mock 20 ms
// away holding 500 tokens, walking one page at a time and four at once
// (LiveConfig.Concurrency): the walks' share of the run shrinks about
// fourfold.
func BenchmarkCheckLiveConcurrency(b *testing.B) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(500), APIKey: "bench-key", Latency: 20 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, c := range []int{1, 4} {
		b.Run(fmt.Sprintf("concurrency=%d", c), func(b *testing.B) {
			for b.Loop() {
				report, err := CheckLive(context.Background(), LiveConfig{
					BaseURL: ts.URL, APIKey: "bench-key", Concurrency: c, CompareTokens: 100})
				if err != nil || !report.Passed() || report.Tokens != 500 {
					b.Fatalf("run: %v", err)
				}
			}
		})
	}
}
