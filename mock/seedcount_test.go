package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestNewRejectsInvalidOptions: Options that make no sense get
// ErrInvalidOptions (and ErrInvalidFaults for Faults).
func TestNewRejectsInvalidOptions(t *testing.T) {
	for _, opts := range []mock.Options{
		{SeedCount: -1},
		{SeedCount: mock.MaxSeedCount + 1},
		{SeedCount: 3, Tokens: mock.SeedTokens(3)},
		{Latency: -time.Second},
		{Drift: "html-502"}, // a case of the catalogue, but no drift the mock serves
		{Faults: mock.Faults{mock.Fault429: 2}},
		{Faults: mock.Faults{"418": 0.1}},
	} {
		_, err := mock.New(opts)
		if !errors.Is(err, mock.ErrInvalidOptions) || opts.Faults != nil && !errors.Is(err, mock.ErrInvalidFaults) {
			t.Errorf("New(%+v) = %v, want ErrInvalidOptions", opts, err)
		}
	}
	if _, err := mock.New(mock.Options{SeedCount: mock.MaxSeedCount, Tokens: mock.SeedTokens(0)}); err != nil {
		t.Errorf("New(SeedCount MaxSeedCount) = %v", err)
	}
}

// newHandler is a mock called directly, without a network.
func newHandler(t testing.TB, opts mock.Options) http.Handler {
	t.Helper()
	s, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serve sends an authorised GET with query to h and returns the 200 body.
func serve(t testing.TB, h http.Handler, query string) []byte {
	t.Helper()
	rec := call(h, http.MethodGet, listPath+"?"+query, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", query, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// TestPageCostIndependentOfAccountSize: a page deep in an account of 10^8
// seeded tokens allocates what the same-sized page of a 25-token account
// does (the mallocs of rendering the page's tokens), nothing in proportion
// to the account.
func TestPageCostIndependentOfAccountSize(t *testing.T) {
	small := newHandler(t, mock.Options{SeedCount: 25, APIKey: testKey})
	big := newHandler(t, mock.Options{SeedCount: 100_000_000, APIKey: testKey})
	agent := url.QueryEscape(mock.SeedAgentID(1)) // 7 of the 25 tokens
	for _, tt := range []struct{ name, smallQuery, bigQuery string }{
		{"plain", "offset=15&limit=10", "offset=99999990&limit=10"},
		{"agent", "agentId=" + agent + "&offset=1&limit=5", "agentId=" + agent + "&offset=26000000&limit=5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			smallAllocs, smallBytes := requestCost(t, small, tt.smallQuery)
			bigAllocs, bigBytes := requestCost(t, big, tt.bigQuery)
			t.Logf("per request: 25 tokens %.0f allocs %.0f B; 10^8 tokens %.0f allocs %.0f B", smallAllocs, smallBytes, bigAllocs, bigBytes)
			// Slack for what differs with the tokens' indices (strconv
			// caches small numbers; longer values), not with the account.
			if bigAllocs > smallAllocs*1.2+10 || bigBytes > smallBytes*1.5 {
				t.Errorf("a deep page of 10^8 tokens costs %.0f allocs, %.0f B; a page of 25 tokens %.0f allocs, %.0f B",
					bigAllocs, bigBytes, smallAllocs, smallBytes)
			}
		})
	}
}

// requestCost is the mallocs and bytes allocated by one request to h.
func requestCost(t *testing.T, h http.Handler, query string) (allocs, bytes float64) {
	t.Helper()
	serve(t, h, query) // warm up: first-use caches are not the request's cost
	const runs = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		serve(t, h, query)
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / runs, float64(after.TotalAlloc-before.TotalAlloc) / runs
}

// TestHugePageOverHTTP asks a loopback server of 10^8 tokens for all of
// them in one page: a HEAD ends as soon as the body is refused, and a GET
// read in part ends when the client goes, each without rendering the rest.
func TestHugePageOverHTTP(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 100_000_000, APIKey: testKey})
	client := ts.Client()
	client.Timeout = time.Minute // generous: the whole page takes minutes
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		req, err := http.NewRequest(method, ts.URL+listPath+"?limit=100000000", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: status %d, Content-Type %q", method, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		head := make([]byte, 64<<10)
		n, _ := io.ReadFull(resp.Body, head)
		if want := `{"hasNextPage":false,"tokens":[{`; method == http.MethodGet && !bytes.HasPrefix(head[:n], []byte(want)) {
			t.Errorf("GET: body starts %.60q, want %q", head[:n], want)
		}
		resp.Body.Close() // the client goes; ts.Close waits for the handler
	}
}

// cutOffWriter is a ResponseWriter that, once it has taken after bytes,
// either cancels the request's context (the server is shutting down) or
// fails every write (the client has gone).
type cutOffWriter struct {
	header  http.Header
	after   int
	written int
	cancel  context.CancelFunc // nil: fail writes instead
}

func (w *cutOffWriter) Header() http.Header { return w.header }
func (w *cutOffWriter) WriteHeader(int)     {}
func (w *cutOffWriter) Write(p []byte) (int, error) {
	if w.written >= w.after {
		if w.cancel == nil {
			return 0, errors.New("client gone")
		}
		w.cancel()
	}
	w.written += len(p)
	return len(p), nil
}

// TestHugePageStopsWhenRequestEnds asks for all 10^8 tokens in one page
// and ends the request after 256 KiB: the handler must return soon after,
// not render the other 30 GB.
func TestHugePageStopsWhenRequestEnds(t *testing.T) {
	s, err := mock.New(mock.Options{SeedCount: 100_000_000})
	if err != nil {
		t.Fatal(err)
	}
	const after = 256 << 10
	for _, how := range []string{"context cancelled", "write fails"} {
		t.Run(how, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			w := &cutOffWriter{header: http.Header{}, after: after}
			if how == "context cancelled" {
				w.cancel = cancel
			}
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1/client-side-access-tokens?limit=100000000", nil)
			req.Header.Set("Authorization", "Bearer k")
			aborted := make(chan any, 1)
			go func() {
				defer func() { aborted <- recover() }()
				s.ServeHTTP(w, req)
			}()
			select {
			case v := <-aborted:
				// net/http's way to cut a response short: the client sees
				// the connection drop, not a well-ended body.
				if v != http.ErrAbortHandler {
					t.Errorf("handler ended with %v, want panic(http.ErrAbortHandler)", v)
				}
			case <-time.After(time.Minute): // generous: the whole page takes minutes
				t.Fatal("the handler still writes a minute after its request ended")
			}
			// What is in flight when the request ends: a buffer, and the
			// tokens rendered before the next check.
			if w.written > after+1<<20 {
				t.Errorf("wrote %d bytes, %d after the request ended", w.written, w.written-after)
			}
		})
	}
}

// TestMaxSeedCountTakesChanges: the largest account a mock can seed (what
// `letta-tokens mock --tokens 1000000000` serves) serves its last tokens
// and an agent's deep in it, valid by the contract; it takes deletes deep
// in it and creates after it, and its pages, plain and by agent, show them
// at once, without memory in proportion to the account.
func TestMaxSeedCountTakesChanges(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, mock.Options{SeedCount: mock.MaxSeedCount, APIKey: testKey})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	tail := fmt.Sprintf("offset=%d&limit=20", mock.MaxSeedCount-10)
	agentPage := "agentId=" + url.QueryEscape(mock.SeedAgentID(2)) + "&offset=200000000&limit=10"
	read := func(query string) model {
		rec := call(h, http.MethodGet, listPath+"?"+query, "")
		if fs := v.ValidateResponse(httptest.NewRequest(http.MethodGet, listPath+"?"+query, nil), rec.Code, rec.Header(), rec.Body.Bytes()); len(fs) != 0 {
			t.Errorf("%s: %v", query, fs)
		}
		p := decodePage(t, rec.Body.Bytes())
		if len(p.Tokens) == 0 || p.HasNextPage != strings.HasPrefix(query, "agentId") {
			t.Fatalf("%s: %d tokens, hasNextPage %v", query, len(p.Tokens), p.HasNextPage)
		}
		return p.Tokens
	}
	m := read(tail)
	if want := fmt.Sprintf("ck-let-mock-%d-", mock.MaxSeedCount-10); len(m) != 10 || !strings.HasPrefix(m[0].Token, want) {
		t.Fatalf("%s: %d tokens from %s, want 10 from %s…", tail, len(m), m[0].Token, want)
	}
	agentTokens := read(agentPage + "0") // 100 of them
	for _, tok := range agentTokens {
		if !namesAgent(tok, mock.SeedAgentID(2)) {
			t.Errorf("token %s does not name %s", tok.Token, mock.SeedAgentID(2))
		}
	}
	agentTokens = deleteToken(t, h, agentTokens, agentTokens[2].Token)
	m = deleteToken(t, h, deleteToken(t, h, m, m[3].Token), m[7].Token)
	m = createToken(t, h, m, agentPolicy(mock.SeedAgentID(2)))
	m = createToken(t, h, m, agentPolicy("agent-other"))
	// The agent's token was deleted before the tail: it starts one earlier.
	tail = fmt.Sprintf("offset=%d&limit=20", mock.MaxSeedCount-11)
	if got := decodePage(t, serve(t, h, tail)); !slices.Equal(tokenValues(got.Tokens), tokenValues(m)) || got.HasNextPage {
		t.Errorf("%s after the changes: %v (next %v), want %v", tail, tokenValues(got.Tokens), got.HasNextPage, tokenValues(m))
	}
	if got := decodePage(t, serve(t, h, agentPage)); !slices.Equal(tokenValues(got.Tokens), tokenValues(agentTokens[:10])) {
		t.Errorf("%s after the changes: %v, want %v", agentPage, tokenValues(got.Tokens), tokenValues(agentTokens[:10]))
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("%d bytes allocated: a cost in proportion to the account", alloc)
	}
}

func decodePage(t testing.TB, body []byte) gen.TokenPage {
	t.Helper()
	var p gen.TokenPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}
