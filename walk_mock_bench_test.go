package lettatokens_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// BenchmarkWalkMock walks 10,000 tokens at limit 100 against the mock with
// 0, 5 and 20 ms added to every answer, one to eight pages in flight, side
// by side in one run: what pages fetched ahead buy over a link with real
// latency (issue 9). ns/token and the ratios between sub-benchmarks of one
// latency are the figures; BENCHMARKS.md reports them.
//
//	go test -run '^$' -bench WalkMock -benchtime 5x .
func BenchmarkWalkMock(b *testing.B) {
	const total, limit = 10_000, 100
	for _, latency := range []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond} {
		srv := mocktest.NewServer(b, mock.Options{SeedCount: total, Latency: latency})
		for _, conc := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", latency, conc), func(b *testing.B) {
				client, err := lettatokens.NewClient(
					lettatokens.WithBaseURL(srv.URL), lettatokens.WithAPIKey("bench"),
					lettatokens.WithHTTPClient(&http.Client{Transport: srv.Client().Transport}))
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					n := 0
					for _, err := range client.Tokens(b.Context(), lettatokens.ListOptions{Limit: limit, Concurrency: conc}) {
						if err != nil {
							b.Fatal(err)
						}
						n++
					}
					if n != total {
						b.Fatalf("walked %d tokens, want %d", n, total)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/token")
			})
		}
	}
}
