package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/letta-tokens/letta-tokens/gen"
)

// accountServer serves total tokens with honest offset/limit pagination,
// capping pages at maxLimit if it is set, and records each request's query.
type accountServer struct {
	*httptest.Server
	total    int
	maxLimit int

	mu      sync.Mutex
	queries []string

	inFlight, peak atomic.Int64 // requests being answered at once
}

func newAccountServer(t *testing.T, total int) *accountServer {
	t.Helper()
	a := &accountServer{total: total}
	a.Server = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := a.inFlight.Add(1)
		defer a.inFlight.Add(-1)
		for p := a.peak.Load(); n > p && !a.peak.CompareAndSwap(p, n); p = a.peak.Load() {
		}
		a.mu.Lock()
		a.queries = append(a.queries, r.URL.RawQuery)
		a.mu.Unlock()
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit := 10 // the spec's default
		if s := q.Get("limit"); s != "" {
			limit, _ = strconv.Atoi(s)
		}
		if a.maxLimit > 0 {
			limit = min(limit, a.maxLimit)
		}
		end := min(offset+limit, a.total)
		writePage(t, w, makeTokens(min(offset, end), end), end < a.total)
	})
	return a
}

func (a *accountServer) seen() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.queries...)
}

func wantTokens(t *testing.T, got []gen.Token, from, to int) {
	t.Helper()
	if len(got) != to-from {
		t.Fatalf("got %d tokens, want %d", len(got), to-from)
	}
	for i, tok := range got {
		if want := makeToken(from + i).Token; tok.Token != want {
			t.Fatalf("token %d = %q, want %q", i, tok.Token, want)
		}
	}
}

func TestTokensWalksAllPages(t *testing.T) {
	tests := []struct {
		name        string
		total       int
		maxLimit    int
		opts        ListOptions
		wantQueries []string
	}{
		{
			name:        "limit left to the server",
			total:       25,
			wantQueries: []string{"offset=0", "offset=10", "offset=20"},
		},
		{
			name:        "from an offset",
			total:       250,
			opts:        ListOptions{Limit: 100, Offset: 30},
			wantQueries: []string{"offset=30&limit=100", "offset=130&limit=100", "offset=230&limit=100"},
		},
		{
			name:        "agent id and limit passed through",
			total:       5,
			opts:        ListOptions{AgentID: "agent-42", Limit: 2},
			wantQueries: []string{"agentId=agent-42&offset=0&limit=2", "agentId=agent-42&offset=2&limit=2", "agentId=agent-42&offset=4&limit=2"},
		},
		{
			name:        "server returns fewer than asked",
			total:       10,
			maxLimit:    4,
			opts:        ListOptions{Limit: 100},
			wantQueries: []string{"offset=0&limit=100", "offset=4&limit=100", "offset=8&limit=100"},
		},
		{
			name:        "no tokens",
			total:       0,
			opts:        ListOptions{Limit: 100},
			wantQueries: []string{"offset=0&limit=100"},
		},
		{
			name:        "exactly one full page",
			total:       100,
			opts:        ListOptions{Limit: 100},
			wantQueries: []string{"offset=0&limit=100"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newAccountServer(t, tt.total)
			srv.maxLimit = tt.maxLimit
			c, _ := newTestClient(t, srv.Server)
			got, err := collect(c.Tokens(context.Background(), tt.opts))
			if err != nil {
				t.Fatal(err)
			}
			wantTokens(t, got, min(tt.opts.Offset, tt.total), tt.total)
			if q := srv.seen(); !slices.Equal(q, tt.wantQueries) {
				t.Errorf("queries = %q, want %q", q, tt.wantQueries)
			}
		})
	}
}

// lyingCase is a server whose pagination cannot be followed to an end, and
// where a walk of it must stop.
type lyingCase struct {
	name         string
	page         func(offset int) ([]gen.Token, bool) // tokens, hasNextPage
	opts         ListOptions
	wantTokens   int
	wantRequests int // at concurrency 1
	wantPage     int
	wantOffset   int
}

func TestTokensEndsOnLyingPagination(t *testing.T) {
	tests := []lyingCase{
		{
			name: "empty first page with hasNextPage",
			page: func(int) ([]gen.Token, bool) { return nil, true },
			// nothing yielded, one request
			wantRequests: 1, wantPage: 1, wantOffset: 0,
		},
		{
			name: "empty page with hasNextPage after real ones",
			page: func(offset int) ([]gen.Token, bool) {
				if offset >= 4 {
					return nil, true
				}
				return makeTokens(offset, offset+2), true
			},
			opts:       ListOptions{Limit: 2},
			wantTokens: 4, wantRequests: 3, wantPage: 3, wantOffset: 4,
		},
		{
			name:       "offset ignored: the same page forever",
			page:       func(int) ([]gen.Token, bool) { return makeTokens(0, 3), true },
			opts:       ListOptions{Limit: 3},
			wantTokens: 3, wantRequests: 2, wantPage: 2, wantOffset: 3,
		},
		{
			name: "pages overlap by one (offset off by one)",
			page: func(offset int) ([]gen.Token, bool) {
				start := max(offset-1, 0)
				return makeTokens(start, start+3), true
			},
			opts:       ListOptions{Limit: 3},
			wantTokens: 3, wantRequests: 2, wantPage: 2, wantOffset: 3,
		},
		{
			// Each page differs from the one before, so a check against the
			// previous page alone let this print duplicates forever.
			name: "pages alternate A, B, A, B",
			page: func(offset int) ([]gen.Token, bool) {
				if offset/3%2 == 0 {
					return makeTokens(0, 3), true
				}
				return makeTokens(3, 6), true
			},
			opts:       ListOptions{Limit: 3},
			wantTokens: 6, wantRequests: 3, wantPage: 3, wantOffset: 6,
		},
		{
			name: "a token repeated within the first page",
			page: func(int) ([]gen.Token, bool) {
				return []gen.Token{makeToken(0), makeToken(1), makeToken(0)}, false
			},
			wantTokens: 0, wantRequests: 1, wantPage: 1, wantOffset: 0,
		},
		{
			name: "a token repeated within a later page",
			page: func(offset int) ([]gen.Token, bool) {
				if offset == 0 {
					return makeTokens(0, 2), true
				}
				return []gen.Token{makeToken(2), makeToken(3), makeToken(2)}, true
			},
			opts:       ListOptions{Limit: 2},
			wantTokens: 2, wantRequests: 2, wantPage: 2, wantOffset: 2,
		},
		{
			name: "a token from two pages back",
			page: func(offset int) ([]gen.Token, bool) {
				if offset == 4 {
					return []gen.Token{makeToken(4), makeToken(1)}, false
				}
				return makeTokens(offset, offset+2), true
			},
			opts:       ListOptions{Limit: 2},
			wantTokens: 4, wantRequests: 3, wantPage: 3, wantOffset: 4,
		},
	}
	for _, tt := range tests {
		for _, conc := range concurrencies {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, conc), func(t *testing.T) { lyingWalk(t, tt, conc) })
		}
	}
}

// concurrencies are the ListOptions.Concurrency every walk test runs at.
var concurrencies = []int{1, 4, 8}

// wantRequestsAt checks the requests a walk made: exactly want at
// concurrency 1, and at most extra more at a higher one.
func wantRequestsAt(t *testing.T, got, want, conc, extra int) {
	t.Helper()
	if conc == 1 && got != want || got < want || got > want+extra {
		t.Errorf("concurrency %d: server saw %d requests, want %d (up to %d more above concurrency 1)", conc, got, want, extra)
	}
}

func lyingWalk(t *testing.T, tt lyingCase, conc int) {
	t.Helper()
	n := &counter{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.inc()
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		toks, next := tt.page(offset)
		writePage(t, w, toks, next)
	})
	c, _ := newTestClient(t, srv)
	opts := tt.opts
	opts.Concurrency = conc
	// With its duplicate check broken, a walk of a lying server goes on to
	// the default bound of a million tokens: a bound of 1,000 and a short
	// deadline make such a regression fail in seconds, not at the package
	// timeout.
	if opts.MaxTokens == 0 {
		opts.MaxTokens = 1000
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := collect(c.Tokens(ctx, opts))
	var pe *PaginationError
	if !errors.Is(err, ErrPagination) || !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *PaginationError", err)
	}
	if strings.Contains(err.Error(), "ck-let-") {
		t.Errorf("Error() = %q names a token", err)
	}
	if pe.Page != tt.wantPage || pe.Offset != tt.wantOffset {
		t.Errorf("PaginationError = %+v, want page %d offset %d", pe, tt.wantPage, tt.wantOffset)
	}
	if len(got) != tt.wantTokens {
		t.Errorf("got %d tokens before the error, want %d", len(got), tt.wantTokens)
	}
	// Every page handed out may have had Concurrency-1 requests ahead of
	// it discarded, its size not being the one guessed.
	wantRequestsAt(t, n.count(), tt.wantRequests, conc, tt.wantPage*(conc-1))
}

// TestTokensStopsAtMaxTokens: a walk yields at most MaxTokens tokens. An
// account with more is not lying pagination but an incomplete listing: a
// *LimitError (ErrLimitReached), so that a caller can say "raise the bound"
// rather than "the server is broken".
func TestTokensStopsAtMaxTokens(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		opts         ListOptions
		wantTokens   int
		wantRequests int
		wantLimit    bool
	}{
		{name: "bound inside a page", total: 10, opts: ListOptions{Limit: 3, MaxTokens: 7}, wantTokens: 7, wantRequests: 3, wantLimit: true},
		{name: "bound at a page's end, more to come", total: 10, opts: ListOptions{Limit: 3, MaxTokens: 6}, wantTokens: 6, wantRequests: 2, wantLimit: true},
		{name: "bound inside the last page", total: 9, opts: ListOptions{Limit: 3, MaxTokens: 8}, wantTokens: 8, wantRequests: 3, wantLimit: true},
		{name: "bound smaller than a page", total: 250, opts: ListOptions{MaxTokens: 1}, wantTokens: 1, wantRequests: 1, wantLimit: true},
		{name: "account exactly at the bound", total: 9, opts: ListOptions{Limit: 3, MaxTokens: 9}, wantTokens: 9, wantRequests: 3},
		{name: "account under the bound", total: 9, opts: ListOptions{Limit: 3, MaxTokens: 100}, wantTokens: 9, wantRequests: 3},
		{name: "bound counted from the offset", total: 10, opts: ListOptions{Limit: 3, Offset: 2, MaxTokens: 4}, wantTokens: 4, wantRequests: 2, wantLimit: true},
	}
	for _, tt := range tests {
		for _, conc := range concurrencies {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, conc), func(t *testing.T) {
				opts := tt.opts
				opts.Concurrency = conc
				stopsAtMaxTokens(t, tt.total, opts, tt.wantTokens, tt.wantRequests, tt.wantLimit)
			})
		}
	}
}

func stopsAtMaxTokens(t *testing.T, total int, opts ListOptions, want, wantRequests int, wantLimit bool) {
	t.Helper()
	srv := newAccountServer(t, total)
	c, _ := newTestClient(t, srv.Server)
	got, err := collect(c.Tokens(context.Background(), opts))
	wantTokens(t, got, opts.Offset, opts.Offset+want)
	// No request at or past MaxTokens, whatever the concurrency: waste
	// only past the end of an account under the bound.
	extra := opts.Concurrency - 1
	if wantLimit {
		extra = 0
	}
	wantRequestsAt(t, len(srv.seen()), wantRequests, opts.Concurrency, extra)
	if !wantLimit {
		if err != nil {
			t.Fatalf("err = %v, want a complete walk", err)
		}
		return
	}
	var le *LimitError
	if !errors.Is(err, ErrLimitReached) || !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError", err)
	}
	if errors.Is(err, ErrPagination) {
		t.Errorf("err = %v also matches ErrPagination: a big account is not lying pagination", err)
	}
	if le.MaxTokens != opts.MaxTokens || le.Offset != opts.Offset+want {
		t.Errorf("LimitError = %+v, want MaxTokens %d, Offset %d", le, opts.MaxTokens, opts.Offset+want)
	}
}

// TestTokensDefaultBound: with no MaxTokens, a server whose hasNextPage
// never turns false (but whose tokens are all new) ends the walk after
// DefaultMaxTokens tokens.
func TestTokensDefaultBound(t *testing.T) {
	page := makeTokens(0, 1000)
	fake := fakePages(func(offset int) (*gen.TokenPage, error) {
		toks := slices.Clone(page)
		for i := range toks {
			toks[i].Token = "tok-" + strconv.Itoa(offset+i)
		}
		return &gen.TokenPage{Tokens: toks, HasNextPage: true}, nil
	})
	n := 0
	var last error
	for _, err := range walk(context.Background(), fake, ListOptions{Limit: 1000}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	var le *LimitError
	if !errors.As(last, &le) || n != DefaultMaxTokens || le.MaxTokens != DefaultMaxTokens {
		t.Fatalf("walk yielded %d tokens and ended with %v, want %d and a *LimitError", n, last, DefaultMaxTokens)
	}
}

func TestTokensStopsFetchingWhenConsumerBreaks(t *testing.T) {
	tests := []struct {
		take, wantRequests int
	}{
		{take: 1, wantRequests: 1},
		{take: 100, wantRequests: 1},
		{take: 101, wantRequests: 2},
		{take: 150, wantRequests: 2},
	}
	for _, tt := range tests {
		for _, conc := range concurrencies {
			t.Run(fmt.Sprintf("%d/concurrency=%d", tt.take, conc), func(t *testing.T) {
				srv := newAccountServer(t, 1000)
				c, _ := newTestClient(t, srv.Server)
				taken := 0
				for _, err := range c.Tokens(context.Background(), ListOptions{Limit: 100, Concurrency: conc}) {
					if err != nil {
						t.Fatal(err)
					}
					if taken++; taken == tt.take {
						break
					}
				}
				wantRequestsAt(t, len(srv.seen()), tt.wantRequests, conc, conc-1)
			})
		}
	}
}

func TestTokensYieldsErrorMidWalk(t *testing.T) {
	n := &counter{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.inc() == 2 {
			writeJSON(t, w, http.StatusForbidden, map[string]string{"message": "no"})
			return
		}
		writePage(t, w, makeTokens(0, 2), true)
	})
	c, _ := newTestClient(t, srv)
	var errs []error
	got := 0
	for _, err := range c.Tokens(context.Background(), ListOptions{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue // the iterator must end by itself after an error
		}
		got++
	}
	var apiErr *Error
	if len(errs) != 1 || !errors.As(errs[0], &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Fatalf("errors = %v, want one *Error 403", errs)
	}
	if got != 2 || n.count() != 2 {
		t.Errorf("got %d tokens from %d requests, want 2 from 2", got, n.count())
	}
}

func TestTokensRejectsBadOptions(t *testing.T) {
	srv := newAccountServer(t, 10)
	c, _ := newTestClient(t, srv.Server)
	for _, opts := range []ListOptions{{Limit: -1}, {MaxTokens: -1}, {Concurrency: -1}, {Concurrency: MaxConcurrency + 1}} {
		if _, err := collect(c.Tokens(context.Background(), opts)); err == nil {
			t.Errorf("Tokens(%+v) succeeded, want an error", opts)
		}
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

// TestTokensConcurrentWalk: on an honest server, at every concurrency,
// tokens come out in offset order, each once; at most Concurrency requests
// are in flight at once, and at most Concurrency-1 are wasted past the end
// (twice that when the server caps its pages below the limit asked for,
// the first guesses being wrong).
func TestTokensConcurrentWalk(t *testing.T) {
	for _, total := range []int{0, 1, 99, 100, 101, 250, 1000} { // 100 and 1000: exact multiples of the limit
		for _, maxLimit := range []int{0, 30} {
			for _, conc := range append(concurrencies, MaxConcurrency) {
				t.Run(fmt.Sprintf("total=%d/cap=%d/concurrency=%d", total, maxLimit, conc), func(t *testing.T) {
					srv := newAccountServer(t, total)
					srv.maxLimit = maxLimit
					c, _ := newTestClient(t, srv.Server)
					got, err := collect(c.Tokens(t.Context(), ListOptions{Limit: 100, Concurrency: conc}))
					if err != nil {
						t.Fatal(err)
					}
					wantTokens(t, got, 0, total)
					pageSize, extra := 100, conc-1
					if maxLimit > 0 {
						pageSize, extra = maxLimit, 2*(conc-1)
					}
					pages := max(1, (total+pageSize-1)/pageSize)
					wantRequestsAt(t, len(srv.seen()), pages, conc, extra)
					if p := srv.peak.Load(); p > int64(conc) {
						t.Errorf("%d requests in flight at once, want at most %d", p, conc)
					}
				})
			}
		}
	}
}

// TestTokensConcurrentCancel: cancelling the context mid-walk stops every
// request in flight (the server holds them until the client goes away),
// sends none after,
// and the walk yields the context's error once, after the tokens of the
// pages it had handed out, and leaves no goroutine behind.
func TestTokensConcurrentCancel(t *testing.T) {
	for _, conc := range concurrencies {
		t.Run(strconv.Itoa(conc), func(t *testing.T) {
			var n counter
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				n.inc()
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				if offset >= 300 {
					select { // answered only when the client has gone
					case <-r.Context().Done():
					case <-time.After(10 * time.Second):
					}
					return
				}
				writePage(t, w, makeTokens(offset, offset+100), true)
			})
			c, _ := newTestClient(t, srv)
			ignore := goleak.IgnoreCurrent()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var got []gen.Token
			var errs []error
			start := time.Now()
			for tok, err := range c.Tokens(ctx, ListOptions{Limit: 100, Concurrency: conc}) {
				if err != nil {
					errs = append(errs, err)
					continue // the walk must end by itself
				}
				if got = append(got, tok); len(got) == 250 {
					cancel()
				}
			}
			if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
				t.Fatalf("errors %v, want context.Canceled once", errs)
			}
			// The page of token 250 was handed out whole before the cancel.
			wantTokens(t, got, 0, 300)
			// Nothing is sent once the context has ended: at concurrency 1,
			// the three pages handed out.
			wantRequestsAt(t, n.count(), 3, conc, conc)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("walk took %s, want it to end at the cancel", elapsed)
			}
			srv.CloseClientConnections()
			srv.Client().CloseIdleConnections()
			goleak.VerifyNone(t, ignore)
		})
	}
}

// TestTokensConcurrent429: the server is overloaded for a while from the
// first request at or past offset k, answering 429 with retry-after-ms to
// every such request, while the pages between the first and k, in flight
// then, are held until the client has seen the first 429. (The first page
// is asked for alone, its size unknown to the walk's byte budget; the
// next conc pages are then asked for together.) The throttle then holds back
// the requests the walk issues next, instead of sending them into the
// overload: only the requests already in flight at offset k or past it
// get a 429, and the walk completes in order.
func TestTokensConcurrent429(t *testing.T) {
	const total, limit = 2000, 100
	const retryAfter = 5 * time.Second // asked for; waits are slept at 1/100
	const window = retryAfter / 100
	for _, conc := range concurrencies {
		t.Run(strconv.Itoa(conc), func(t *testing.T) {
			k := max(conc/2, 3) * limit
			var (
				mu         sync.Mutex
				tripped    bool
				okAt       time.Time
				throttled  int // 429s sent
				waits      []time.Duration
				observed   = make(chan struct{})
				closeOnce  sync.Once
				held       = conc > 1
				heldCancel = time.After(10 * time.Second) // a broken client must not hang the test
			)
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				if offset < k {
					if held && offset > 0 {
						select {
						case <-observed:
						case <-heldCancel:
						}
					}
					writePage(t, w, makeTokens(offset, min(offset+limit, total)), offset+limit < total)
					return
				}
				now := time.Now()
				mu.Lock()
				if !tripped {
					tripped, okAt = true, now.Add(window)
				}
				overloaded := now.Before(okAt)
				if overloaded {
					throttled++
				}
				mu.Unlock()
				if overloaded {
					w.Header().Set("Retry-After-Ms", strconv.Itoa(int(retryAfter.Milliseconds())))
					writeJSON(t, w, http.StatusTooManyRequests, map[string]string{"message": "slow down"})
					return
				}
				end := min(offset+limit, total)
				writePage(t, w, makeTokens(offset, end), end < total)
			})
			c, _ := newTestClient(t, srv, withRetryWait(func(d time.Duration) time.Duration {
				// Called for the backoff after a 429 was seen, or for a
				// wait the throttle imposes after one: either way the
				// client has seen a 429.
				closeOnce.Do(func() { close(observed) })
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
				return d / 100
			}))
			got, err := collect(c.Tokens(t.Context(), ListOptions{Limit: limit, Concurrency: conc}))
			if err != nil {
				t.Fatal(err)
			}
			wantTokens(t, got, 0, total)
			mu.Lock()
			defer mu.Unlock()
			// The requests in flight at k or past it when the overload
			// began: of the conc issued after the first page,
			// conc-k/limit+1 (at concurrency 1, the one at k).
			if bound := max(1, conc-k/limit+1); throttled < 1 || throttled > bound {
				t.Errorf("server sent %d 429s, want 1 to %d", throttled, bound)
			}
			// Beyond each retry's own backoff, later requests waited too.
			if len(waits) <= throttled {
				t.Errorf("%d waits for %d 429s: the throttle held nothing back", len(waits), throttled)
			}
		})
	}
}
