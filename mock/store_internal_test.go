package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// fuzzMaxSeed bounds n in FuzzSeedFilter: several periods of the seed and
// more than a buffered page.
const fuzzMaxSeed = 3000

var fuzzSeed = sync.OnceValue(func() []gen.Token { return SeedTokens(fuzzMaxSeed) })

// scanPage is the reference the arithmetic filter must equal: filter
// tokens by a linear scan, then cut the page, as the store did before it
// was lazy.
func scanPage(tokens []gen.Token, agentID string, offset, limit int) gen.TokenPage {
	var view []gen.Token
	for _, t := range tokens {
		if agentID == "" || slices.ContainsFunc(t.Policy.Data, func(p gen.AgentPolicy) bool { return p.Id == agentID }) {
			view = append(view, t)
		}
	}
	start := min(offset, len(view))
	end := start + min(limit, len(view)-start)
	return gen.TokenPage{Tokens: append([]gen.Token{}, view[start:end]...), HasNextPage: end < len(view)}
}

// checkAgainstScan compares the lazily seeded store of n tokens, and
// slice (a store holding SeedTokens(n)) unless nil, with scanPage.
func checkAgainstScan(t *testing.T, n int, slice tokenList, agentID string, offset, limit int) {
	t.Helper()
	want := scanPage(fuzzSeed()[:n], agentID, offset, limit)
	lists := map[string]tokenList{"seeded": seedList(n)}
	if slice != nil {
		lists["slice"] = slice
	}
	for name, list := range lists {
		c := cutPage(list, agentID, offset, limit)
		got := gen.TokenPage{Tokens: c.tokens(), HasNextPage: c.hasNext}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s store, n=%d agent=%q offset=%d limit=%d: got %d tokens %v (next %v), scan %d tokens %v (next %v)",
				name, n, agentID, offset, limit, len(got.Tokens), values(got.Tokens), got.HasNextPage,
				len(want.Tokens), values(want.Tokens), want.HasNextPage)
		}
	}
}

func values(tokens []gen.Token) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = t.Token[:min(len(t.Token), 19)]
	}
	return out
}

func TestSeedFilterMatchesScan(t *testing.T) {
	agents := []string{"", "agent-nobody", SeedAgentID(seedAgentCount)}
	for a := range seedAgentCount {
		agents = append(agents, SeedAgentID(a))
	}
	for _, n := range []int{0, 1, 2, 5, 14, 15, 16, 44, 45, 46, 1001} {
		slice := newSliceList(fuzzSeed()[:n])
		for _, agentID := range agents {
			for _, offset := range []int{0, 1, 3, 4, 7, n / 3, n - 1, n, n + 5, 1<<63 - 1} {
				for _, limit := range []int{0, 1, 3, 4, 15, 16, n, 1<<63 - 1} {
					checkAgainstScan(t, n, slice, agentID, max(offset, 0), limit)
				}
			}
		}
	}
}

// FuzzSeedFilter: for any account size, agent, offset and limit, the
// lazily seeded store serves what a scan of SeedTokens(n) would.
func FuzzSeedFilter(f *testing.F) {
	f.Add(uint16(25), int8(1), uint64(0), uint64(10))
	f.Add(uint16(15), int8(4), uint64(3), uint64(1))
	f.Add(uint16(46), int8(0), uint64(11), uint64(4))
	f.Add(uint16(2999), int8(2), uint64(700), uint64(1100))
	f.Add(uint16(7), int8(-1), uint64(2), uint64(0))
	f.Add(uint16(300), int8(7), uint64(1<<63), uint64(1<<64-1))
	f.Fuzz(func(t *testing.T, n uint16, agent int8, offset, limit uint64) {
		agentID := "" // agent < 0: no filter; >= seedAgentCount: an agent with no tokens
		if agent >= 0 {
			agentID = SeedAgentID(int(agent))
		}
		// The server only passes non-negative ints.
		checkAgainstScan(t, int(n)%(fuzzMaxSeed+1), nil, agentID, int(offset>>1), int(limit>>1))
	})
}

// TestSeedPeriod checks the premise of the arithmetic filter: the agents a
// seeded token names repeat every seedPeriod tokens.
func TestSeedPeriod(t *testing.T) {
	for i := range 4 * seedPeriod {
		for _, j := range []int{i + seedPeriod, i + 1_000_000*seedPeriod} {
			a1, b1, two1 := seedAgentsOf(i)
			a2, b2, two2 := seedAgentsOf(j)
			if a1 != a2 || two1 != two2 || (two1 && b1 != b2) {
				t.Fatalf("token %d names (%d, %d, %v), token %d names (%d, %d, %v)", i, a1, b1, two1, j, a2, b2, two2)
			}
		}
	}
}

// TestStreamedPageMatchesBuffered: a page too big to buffer is written
// token by token, in exactly the bytes json.Marshal gives the whole page.
func TestStreamedPageMatchesBuffered(t *testing.T) {
	for _, tt := range []struct {
		agentID       string
		offset, limit int
	}{
		{"", 0, 2500}, {"", 2990, 100}, {"", 0, 0}, {"", 5000, 10},
		{SeedAgentID(1), 10, 700}, {SeedAgentID(4), 0, 1 << 40}, {"agent-nobody", 0, 10},
	} {
		c := cutPage(seedList(3000), tt.agentID, tt.offset, tt.limit)
		want, err := json.Marshal(gen.TokenPage{Tokens: c.tokens(), HasNextPage: c.hasNext})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		streamPage(context.Background(), rec, c)
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("%+v: streamed\n%.300s\nwant\n%.300s", tt, rec.Body, want)
		}
		if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || ct != "application/json" {
			t.Errorf("%+v: status %d, Content-Type %q", tt, rec.Code, ct)
		}
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
	s, err := New(Options{SeedCount: 100_000_000})
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
