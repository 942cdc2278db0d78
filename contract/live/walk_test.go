package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

// fakeServer is an in-memory paginating server with switchable bugs, so each
// walk check can be shown to fire on exactly the lie it is meant to catch.
// It is safe for concurrent use: walks with Concurrency above 1 call it
// from several goroutines.
type fakeServer struct {
	tokens []gen.Token
	calls  *atomic.Int64 // counted when set
	// bugs
	ignoreOffset  bool // always serve the first page
	alwaysHasNext bool // hasNextPage never false; tokens never run out
	emptyButNext  bool // the page after the first is empty yet says hasNextPage
	lieLastPage   bool // say hasNextPage false one page early
	overlap       bool // serve each page from offset-1
}

func testTokens(n int) []gen.Token {
	out := make([]gen.Token, n)
	for i := range out {
		agent := fmt.Sprintf("agent-%d", i%3)
		out[i] = gen.Token{
			Token:     fmt.Sprintf("ck-let-walkSECRET%05d", i),
			Hostname:  "https://example.com",
			ExpiresAt: "2026-12-01T00:00:00.000Z",
			Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: agent, Access: []gen.AgentAccess{gen.AgentAccessReadAgent}}}},
		}
	}
	return out
}

// pagesFunc is a PageLister made of one function, for a test's own
// fetch.
type pagesFunc func(context.Context, lettatokens.ListOptions) (*gen.TokenPage, error)

func (f pagesFunc) ListTokens(ctx context.Context, p lettatokens.ListOptions) (*gen.TokenPage, error) {
	return f(ctx, p)
}

func (s *fakeServer) ListTokens(_ context.Context, p lettatokens.ListOptions) (*gen.TokenPage, error) {
	if s.calls != nil {
		s.calls.Add(1)
	}
	limit, offset := p.Limit, p.Offset
	all := s.tokens
	switch {
	case s.ignoreOffset:
		offset = 0
	case s.overlap && offset > 0:
		offset--
	}
	if s.alwaysHasNext {
		page := &gen.TokenPage{HasNextPage: true}
		for i := range limit {
			page.Tokens = append(page.Tokens, testTokens(offset + i + 1)[offset+i])
		}
		return page, nil
	}
	if s.emptyButNext && offset > 0 {
		return &gen.TokenPage{HasNextPage: true, Tokens: []gen.Token{}}, nil
	}
	start, end := min(offset, len(all)), min(offset+limit, len(all))
	page := &gen.TokenPage{Tokens: all[start:end], HasNextPage: end < len(all)}
	if s.lieLastPage && end+limit >= len(all) {
		page.HasNextPage = false
	}
	return page, nil
}

func TestWalk(t *testing.T) {
	type walkTest = struct {
		name        string
		concurrency int
		server      fakeServer
		wantTokens  int
		wantPages   int
		complete    bool
		truncated   bool   // stopped at MaxTokens, which is not a finding
		finding     string // substring of the one pagination finding; "" for none
	}
	tests := []walkTest{
		{name: "faithful", server: fakeServer{}, wantTokens: 23, wantPages: 6, complete: true},
		// An account larger than the bound, or a server that never ends with
		// fresh tokens: the walk stops at the bound, without a finding.
		{name: "hasNextPage never false", server: fakeServer{alwaysHasNext: true}, wantTokens: 50, wantPages: 10, truncated: true},
		{name: "offset ignored", server: fakeServer{ignoreOffset: true}, wantTokens: 5, wantPages: 2, finding: "offset seems ignored"},
		{name: "empty page says more", server: fakeServer{emptyButNext: true}, wantTokens: 5, wantPages: 2, finding: "is empty but says hasNextPage true"},
		{name: "hasNextPage false too early", server: fakeServer{lieLastPage: true}, wantTokens: 20, wantPages: 5, finding: "hasNextPage was false, but the page at offset 20 holds 3 tokens"},
		{name: "pages overlap", server: fakeServer{overlap: true}, wantTokens: 23, finding: "already returned earlier in the walk"},
	}
	for _, tt := range tests {
		for _, tt.concurrency = range walkConcurrencies {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, tt.concurrency), func(t *testing.T) {
				tt.server.tokens = testTokens(23)
				res, findings, err := walkPages(context.Background(), &tt.server, walkOptions{Limit: 5, MaxTokens: 50, Concurrency: tt.concurrency})
				if err != nil {
					t.Fatal(err)
				}
				if res.Tokens() != tt.wantTokens || (tt.wantPages > 0 && res.Pages != tt.wantPages) || res.Complete != tt.complete || res.Truncated != tt.truncated {
					t.Errorf("tokens=%d pages=%d complete=%v truncated=%v, want %d, %d, %v, %v",
						res.Tokens(), res.Pages, res.Complete, res.Truncated, tt.wantTokens, tt.wantPages, tt.complete, tt.truncated)
				}
				if tt.finding == "" {
					if len(findings) > 0 {
						t.Errorf("unexpected findings:\n%s", findings)
					}
					return
				}
				if !findings.HasBreaking() || !strings.Contains(findings.String(), tt.finding) {
					t.Errorf("want a breaking finding containing %q, got:\n%s", tt.finding, findings)
				}
				for _, f := range findings {
					if f.Check != contract.CheckPagination {
						t.Errorf("finding from check %q, want %q", f.Check, contract.CheckPagination)
					}
					if strings.Contains(f.Message, "SECRET") {
						t.Errorf("finding leaks a token: %s", f)
					}
				}
			})
		}
	}
}

// walkConcurrencies are the Concurrency values every walk test runs at:
// sequential, and the CLI's default.
var walkConcurrencies = []int{1, 4}

func TestWalkStopsOnFetchErrorAndContext(t *testing.T) {
	for _, c := range walkConcurrencies {
		t.Run(fmt.Sprintf("concurrency=%d", c), func(t *testing.T) {
			boom := errors.New("boom")
			_, _, err := walkPages(context.Background(), pagesFunc(func(context.Context, lettatokens.ListOptions) (*gen.TokenPage, error) {
				return nil, boom
			}), walkOptions{Limit: 5, MaxTokens: 50, Concurrency: c})
			if !errors.Is(err, boom) {
				t.Errorf("err = %v, want wrapping boom", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			s := &fakeServer{tokens: testTokens(3), calls: new(atomic.Int64)}
			if _, _, err := walkPages(ctx, s, walkOptions{Limit: 5, MaxTokens: 50, Concurrency: c}); !errors.Is(err, context.Canceled) || s.calls.Load() != 0 {
				t.Errorf("cancelled walk: err = %v after %d calls, want context.Canceled after 0", err, s.calls.Load())
			}
			if _, _, err := walkPages(context.Background(), s, walkOptions{Limit: 0, MaxTokens: 50, Concurrency: c}); err == nil {
				t.Error("Limit 0 must be refused: it could never advance")
			}
			if _, _, err := walkPages(context.Background(), s, walkOptions{Limit: 5, Concurrency: c}); err == nil {
				t.Error("MaxTokens 0 must be refused: the walk would have no bound")
			}
		})
	}
	s := &fakeServer{tokens: testTokens(3)}
	if _, _, err := walkPages(context.Background(), s, walkOptions{Limit: 5, MaxTokens: 50, Concurrency: -1}); err == nil {
		t.Error("a negative Concurrency must be refused")
	}
}

// TestWalkConcurrencyKeepsPagesInFlight: at Concurrency 4 several pages are
// asked for at once (the walk does not wait for each before the next),
// and at 1 never more than one.
func TestWalkConcurrencyKeepsPagesInFlight(t *testing.T) {
	for _, tt := range []struct {
		concurrency int
		wantPeak    int64
	}{{0, 1}, {1, 1}, {4, 4}} {
		t.Run(fmt.Sprintf("concurrency=%d", tt.concurrency), func(t *testing.T) {
			s := &fakeServer{tokens: testTokens(100)}
			var inFlight, peak atomic.Int64
			// Each fetch waits (briefly, bounded) for the peak to be
			// reached, so that a walk that does issue pages ahead is seen
			// to, however the goroutines are scheduled.
			fetch := pagesFunc(func(ctx context.Context, p lettatokens.ListOptions) (*gen.TokenPage, error) {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				deadline := time.Now().Add(2 * time.Second)
				for peak.Load() < tt.wantPeak && time.Now().Before(deadline) && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				return s.ListTokens(ctx, p)
			})
			res, findings, err := walkPages(context.Background(), fetch, walkOptions{Limit: 5, MaxTokens: 1000, Concurrency: tt.concurrency})
			if err != nil || len(findings) > 0 || !res.Complete || res.Tokens() != 100 {
				t.Fatalf("walk: err %v, complete %v, %d tokens, findings:\n%s", err, res.Complete, res.Tokens(), findings)
			}
			if got := peak.Load(); got != tt.wantPeak {
				t.Errorf("at most %d pages were in flight at once, want %d", got, tt.wantPeak)
			}
		})
	}
}
