package lettatokens

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// appendPage writes the page [offset, offset+limit) of an account of total
// tokens, the same tokens as makeToken, straight into buf: the benchmark
// server must cost next to nothing, since its time and allocations are
// counted along with the client's.
func appendPage(buf []byte, offset, limit, total int) []byte {
	end := min(offset+limit, total)
	buf = append(buf, `{"tokens":[`...)
	for i := offset; i < end; i++ {
		if i > offset {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"policy":{"version":"1","data":[{"type":"agent","id":"agent-`...)
		buf = strconv.AppendInt(buf, int64(i%7), 10)
		buf = append(buf, `","access":["read_messages","write_messages"]}]},"token":"ck-let-`...)
		digits := strconv.Itoa(i)
		for range 32 - len(digits) {
			buf = append(buf, '0')
		}
		buf = append(buf, digits...)
		buf = append(buf, `","hostname":"app`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `.example.com","expiresAt":"2030-01-02T03:04:05.678Z"}`...)
	}
	buf = append(buf, `],"hasNextPage":`...)
	buf = strconv.AppendBool(buf, end < total)
	return append(buf, '}')
}

func TestAppendPageMatchesFixture(t *testing.T) {
	var page gen.TokenPage
	if err := json.Unmarshal(appendPage(nil, 3, 5, 7), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Tokens) != 4 || page.HasNextPage {
		t.Fatalf("page = %+v", page)
	}
	for i, tok := range page.Tokens {
		want, _ := json.Marshal(makeToken(3 + i))
		got, _ := json.Marshal(tok)
		if string(got) != string(want) {
			t.Errorf("token %d = %s, want %s", i, got, want)
		}
	}
}

// BenchmarkDecodePage100 fetches and decodes one 100-token page (~24 KB)
// through this client, and through the least a hand-written caller would
// do with net/http and encoding/json, against the same loopback server.
func BenchmarkDecodePage100(b *testing.B) {
	url := latencyServer(b, 100, 0)
	ctx := context.Background()

	b.Run("client", func(b *testing.B) {
		c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(url))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			page, err := c.ListTokens(ctx, ListOptions{Limit: 100})
			if err != nil || len(page.Tokens) != 100 {
				b.Fatalf("page %v, err %v", page, err)
			}
		}
	})

	b.Run("baseline", func(b *testing.B) {
		pageURL := url + "/v1/client-side-access-tokens?offset=0&limit=100"
		b.ReportAllocs()
		for b.Loop() {
			resp := baselineGet(ctx, b, pageURL)
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
			var page gen.TokenPage
			err := json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || len(page.Tokens) != 100 {
				b.Fatalf("page %v, err %v", page, err)
			}
		}
	})
	// baseline-readall is the careful hand-rolled version: reading the body
	// to EOF lets net/http reuse the connection, which a Decoder that stops
	// at the end of the JSON value does not guarantee. It is the fairer
	// yardstick for the client, which also reads whole bodies.
	b.Run("baseline-readall", func(b *testing.B) {
		pageURL := url + "/v1/client-side-access-tokens?offset=0&limit=100"
		b.ReportAllocs()
		for b.Loop() {
			resp := baselineGet(ctx, b, pageURL)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, err %v", resp.StatusCode, err)
			}
			var page gen.TokenPage
			if err := json.Unmarshal(body, &page); err != nil || len(page.Tokens) != 100 {
				b.Fatalf("page %v, err %v", page, err)
			}
		}
	})
}

// BenchmarkWalk10000 walks 10,000 tokens at limit=100 (100 requests) and
// reports the cost per token. Allocation figures include the loopback
// server's share (net/http's per-request work; the page bytes come from a
// pool), as do the baseline's in BenchmarkDecodePage100.
func BenchmarkWalk10000(b *testing.B) {
	const total = 10000
	url := latencyServer(b, total, 0)
	c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.Tokens(ctx, ListOptions{Limit: 100}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != total {
			b.Fatalf("walked %d tokens, want %d", n, total)
		}
	}
	runtime.ReadMemStats(&after)
	tokens := float64(b.N * total)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/tokens, "ns/token")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/tokens, "allocs/token")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/tokens, "B/token")
}

// BenchmarkWalkPeakHeap walks 1,000 and 100,000 tokens and reports the
// largest live heap seen during the walk, above what was live before it.
// Live heap is HeapAlloc right after a forced GC, sampled at ten evenly
// spaced points of each walk: a walk that kept its tokens would show a peak
// growing with the count (about 35 MB at 100,000), a streaming one a flat
// peak of about one page. (TotalAlloc would not show this: it counts
// everything ever allocated, so it grows with the count either way.
// HeapInuse without a forced GC mostly measures the GC's pacing.)
func BenchmarkWalkPeakHeap(b *testing.B) {
	for _, total := range []int{1000, 100000} {
		b.Run("tokens="+strconv.Itoa(total), func(b *testing.B) {
			url := latencyServer(b, total, 0)
			c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(url))
			if err != nil {
				b.Fatal(err)
			}
			peak := walkPeakHeap(b, c, ListOptions{Limit: 100}, total)
			b.ReportMetric(float64(peak), "peak-live-B")
		})
	}
}

// BenchmarkWalkAtMaxTokensPeakHeap walks DefaultMaxTokens (a million)
// tokens served in-process, 1,000 to a page, with no HTTP, and reports the
// peak live heap as BenchmarkWalkPeakHeap does. At the bound nearly all of
// it is the walk's fingerprints of the tokens listed (see fingerprint.Set);
// peak-B/token is that peak per token.
func BenchmarkWalkAtMaxTokensPeakHeap(b *testing.B) {
	const total, pageSize = DefaultMaxTokens, 1000
	template := makeTokens(0, pageSize)
	fake := fakePages(func(offset int) (*gen.TokenPage, error) {
		toks := slices.Clone(template)
		for i := range toks {
			toks[i].Token = "ck-let-" + strconv.Itoa(offset+i)
		}
		return &gen.TokenPage{Tokens: toks, HasNextPage: offset+pageSize < total}, nil
	})
	peak := walkPeakHeap(b, fake, ListOptions{Limit: pageSize}, total)
	b.ReportMetric(float64(peak), "peak-live-B")
	b.ReportMetric(float64(peak)/total, "peak-B/token")
}

// baselineGet sends the request a hand-written client would: the same URL
// and headers as the client's, through http.DefaultClient.
func baselineGet(ctx context.Context, b *testing.B, pageURL string) *http.Response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	req.Header.Set("User-Agent", defaultUserAgent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	return resp
}

// latencyServer serves an account of total tokens with honest pagination and
// a declared Content-Length, as Letta's JSON responses have, each answer
// after delay, as from a server that far away; the sleep holds no CPU, so
// pages requested at once wait for it together.
func latencyServer(b *testing.B, total int, delay time.Duration) string {
	pool := sync.Pool{New: func() any { return new([]byte) }}
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		bp := pool.Get().(*[]byte)
		*bp = appendPage((*bp)[:0], offset, limit, total)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(*bp)))
		w.Write(*bp)
		pool.Put(bp)
	})
	return srv.URL
}

// BenchmarkWalk10000Concurrency is BenchmarkWalk10000 at ListOptions
// Concurrency 1, 4 and 8, against a loopback server with no added latency
// and with 5 ms and 20 ms per request, where concurrency pays: at 1 a walk
// of 100 pages waits for 100 round trips.
func BenchmarkWalk10000Concurrency(b *testing.B) {
	const total = 10000
	for _, delay := range []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond} {
		url := latencyServer(b, total, delay)
		for _, conc := range []int{1, 4, 8} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", delay, conc), func(b *testing.B) {
				c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(url))
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					n := 0
					for _, err := range c.Tokens(ctx, ListOptions{Limit: 100, Concurrency: conc}) {
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

// BenchmarkWalkPeakHeapConcurrency is BenchmarkWalkPeakHeap at 100,000
// tokens and Concurrency 1, 4 and 8: the peak live heap grows with the
// pages in flight (each about 24 KB at limit 100, and their decoded
// tokens), not with the number of tokens.
func BenchmarkWalkPeakHeapConcurrency(b *testing.B) {
	const total = 100000
	url := latencyServer(b, total, 0)
	for _, conc := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("tokens=%d/concurrency=%d", total, conc), func(b *testing.B) {
			c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(url))
			if err != nil {
				b.Fatal(err)
			}
			peak := walkPeakHeap(b, c, ListOptions{Limit: 100, Concurrency: conc}, total)
			b.ReportMetric(float64(peak), "peak-live-B")
		})
	}
}

// walkPeakHeap walks c (total tokens) with opts on every round of b and
// returns the largest live heap seen during a walk, above what was live
// before it: HeapAlloc right after a forced GC, sampled at ten evenly
// spaced points of each walk and just before its end, when a walk's set of
// fingerprints is largest.
func walkPeakHeap(b *testing.B, c PageLister, opts ListOptions, total int) uint64 {
	ctx := context.Background()
	var peak uint64
	var ms runtime.MemStats
	liveHeap := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for b.Loop() {
		base := liveHeap()
		n := 0
		for _, err := range walk(ctx, c, opts) {
			if err != nil {
				b.Fatal(err)
			}
			if n++; n%(total/10) == 0 || n == total-1 {
				if live := liveHeap(); live > base {
					peak = max(peak, live-base)
				}
			}
		}
		if n != total {
			b.Fatalf("walked %d tokens, want %d", n, total)
		}
	}
	return peak
}
