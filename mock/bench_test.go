package mock_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// benchTokens is the account size for the benchmarks: big enough that a
// page is a small slice of it, as in a real account.
const benchTokens = 1000

// benchQuery asks for a 10-token page from the middle of the account.
const benchQuery = "?limit=10&offset=500"

// BenchmarkServeTenTokenPage measures one client's sequential requests for
// a 10-token page over loopback HTTP, with a reused keep-alive connection.
func BenchmarkServeTenTokenPage(b *testing.B) {
	ts := newServer(b, mock.Options{Tokens: mock.SeedTokens(benchTokens), APIKey: testKey})
	client := ts.Client()
	req, err := http.NewRequest(http.MethodGet, ts.URL+listPath+benchQuery, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		// Drain so the connection is reused.
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServeTenTokenPageParallel is the same over GOMAXPROCS concurrent
// clients: the mock's throughput rather than one client's latency.
func BenchmarkServeTenTokenPageParallel(b *testing.B) {
	ts := newServer(b, mock.Options{Tokens: mock.SeedTokens(benchTokens), APIKey: testKey})
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, err := http.NewRequest(http.MethodGet, ts.URL+listPath+benchQuery, nil)
		if err != nil {
			b.Error(err)
			return
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		for pb.Next() {
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServeTenTokenPageHandler calls the handler directly, without
// the network: the mock's own cost (auth, spec validation, paging,
// encoding) for comparison with the loopback figure.
func BenchmarkServeTenTokenPageHandler(b *testing.B) {
	s, err := mock.New(mock.Options{Tokens: mock.SeedTokens(benchTokens), APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, listPath+benchQuery, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkPageByAccountSize calls the handler directly for a 10-token
// page of a 25-token account and for the same page deep in a 10^8-token
// one, plain and filtered by agent, side by side: time and allocations
// must not grow with the account. "slice" accounts hold their tokens
// (Options.Tokens); "seeded" ones make them on demand (Options.SeedCount).
func BenchmarkPageByAccountSize(b *testing.B) {
	agent := url.QueryEscape(mock.SeedAgentID(1))
	for _, bb := range []struct {
		name  string
		opts  mock.Options
		query string
	}{
		{"tokens=25/slice/plain", mock.Options{Tokens: mock.SeedTokens(25)}, "?offset=15&limit=10"},
		{"tokens=25/seeded/plain", mock.Options{SeedCount: 25}, "?offset=15&limit=10"},
		{"tokens=1e8/seeded/plain", mock.Options{SeedCount: 100_000_000}, "?offset=99999990&limit=10"},
		{"tokens=25/slice/agent", mock.Options{Tokens: mock.SeedTokens(25)}, "?agentId=" + agent + "&offset=0&limit=5"},
		{"tokens=25/seeded/agent", mock.Options{SeedCount: 25}, "?agentId=" + agent + "&offset=0&limit=5"},
		{"tokens=1e8/seeded/agent", mock.Options{SeedCount: 100_000_000}, "?agentId=" + agent + "&offset=26666660&limit=5"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			bb.opts.APIKey = testKey
			s, err := mock.New(bb.opts)
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, listPath+bb.query, nil)
			req.Header.Set("Authorization", "Bearer "+testKey)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkPageWithChanges serves a 10-token page of a 10^8-token seeded
// account after 10,000 deletes spread over it and 10,000 creates: deep in
// the seeded part (cost O(page * log deletes)), and in the created part,
// plain and by agent (cost in proportion to the creates). It also times
// one create and one delete.
func BenchmarkPageWithChanges(b *testing.B) {
	const changes = 10_000
	s, err := mock.New(mock.Options{SeedCount: 100_000_000, APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	// Seeded values read from an unchanged mock: SeedTokens(i+1) would
	// build all i tokens before it.
	ref := newHandler(b, mock.Options{SeedCount: 100_000_000, APIKey: testKey})
	body := createBody(mock.SeedAgentID(1), "https://a.example.com", "")
	for i := range changes {
		if rec := call(s, http.MethodPost, listPath, body); rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		value := decodePage(b, serve(b, ref, "limit=1&offset="+strconv.Itoa(i*9_999))).Tokens[0].Token
		if rec := call(s, http.MethodDelete, listPath+"/"+value, ""); rec.Code != http.StatusNoContent {
			b.Fatalf("delete %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	agent := url.QueryEscape(mock.SeedAgentID(1))
	for _, bb := range []struct{ name, query string }{
		{"seeded/plain", "?offset=50000000&limit=10"},
		{"seeded/agent", "?agentId=" + agent + "&offset=10000000&limit=10"},
		{"created/plain", "?offset=99995000&limit=10"},
		{"created/agent", "?agentId=" + agent + "&offset=26661000&limit=10"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := call(s, http.MethodGet, listPath+bb.query, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "ck-let-") {
					b.Fatalf("status %d: %.200s", rec.Code, rec.Body)
				}
			}
		})
	}
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rec := call(s, http.MethodPost, listPath, body); rec.Code != http.StatusCreated {
				b.Fatalf("create: %d", rec.Code)
			}
		}
	})
}
