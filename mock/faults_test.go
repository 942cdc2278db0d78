package mock_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

func TestParseFaults(t *testing.T) {
	good := map[string]string{
		"429=0.1,503=0.05,500=0.01,reset=0.01,slow=0.02": "429=0.1,500=0.01,503=0.05,reset=0.01,slow=0.02",
		"502=1":                      "502=1",
		"504=0":                      "504=0",
		"429=.5,503=0.5":             "429=0.5,503=0.5",
		"429=0.1,500=0.2,503=0.7":    "429=0.1,500=0.2,503=0.7", // sums to 1 with a rounding error
		"slow=1.0":                   "slow=1",
		"reset=0.25,429=0.25,500=0.": "429=0.25,500=0,reset=0.25",
	}
	for spec, want := range good {
		f, err := mock.ParseFaults(spec)
		if err != nil {
			t.Errorf("ParseFaults(%q): %v", spec, err)
			continue
		}
		if f.String() != want {
			t.Errorf("ParseFaults(%q) = %s, want %s", spec, f, want)
		}
	}
	bad := map[string]string{
		"":                      "empty",
		"429":                   `"429" is not KIND=RATE`,
		"429=":                  `"429="`,
		"429=abc":               `"429=abc"`,
		"429=+0.1":              `"429=+0.1"`,
		"429=1.5":               "between 0 and 1",
		"429=1e-1":              `"429=1e-1"`,
		"429=Inf":               `"429=Inf"`,
		"418=0.1":               `"418=0.1": unknown kind "418"`,
		"RESET=0.1":             `unknown kind "RESET"`,
		"429=0.1,429=0.2":       "429 is given twice",
		"429=0.1, 503=0.1":      `" 503=0.1"`,
		"429=0.1,":              `"" is not KIND=RATE`,
		"429=0.6,503=0.5":       "add up to 1.1",
		"429=0.5;503=0.1":       `"429=0.5;503=0.1"`,
		"slow=0.5,reset=0.5001": "more than 1",
	}
	for spec, want := range bad {
		_, err := mock.ParseFaults(spec)
		if !errors.Is(err, mock.ErrInvalidFaults) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFaults(%q) = %v, want ErrInvalidFaults saying %q", spec, err, want)
		}
	}
}

// statuses sends n lists one after another and returns their statuses.
func statuses(t *testing.T, opts mock.Options, n int) []int {
	t.Helper()
	ts := newServer(t, opts)
	out := make([]int, n)
	for i := range out {
		out[i] = get(t, ts, "limit=1").status
	}
	return out
}

// TestFaultsAreDeterministic: the same seed and the same sequence of
// requests meet the same faults; another seed meets others; and each kind
// comes at about its rate.
func TestFaultsAreDeterministic(t *testing.T) {
	faults, err := mock.ParseFaults("429=0.1,503=0.05,500=0.05,502=0.02,504=0.02")
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	opts := mock.Options{SeedCount: 3, Faults: faults, FaultSeed: 42}
	first, again := statuses(t, opts, n), statuses(t, opts, n)
	if !slices.Equal(first, again) {
		t.Error("two runs with seed 42 met different faults")
	}
	opts.FaultSeed = 43
	if slices.Equal(first, statuses(t, opts, n)) {
		t.Error("seeds 42 and 43 met the same faults")
	}
	count := map[int]int{}
	for _, s := range first {
		count[s]++
	}
	for status, rate := range map[int]float64{429: 0.1, 503: 0.05, 500: 0.05, 502: 0.02, 504: 0.02, 200: 0.76} {
		want := rate * n
		if got := float64(count[status]); got < 0.7*want || got > 1.3*want {
			t.Errorf("status %d: %v of %d requests, want about %v", status, got, n, want)
		}
	}
	if len(count) != 6 {
		t.Errorf("statuses %v, want only 200 and the configured faults", count)
	}
}

// TestFaultStats: Stats counts every request and each fault drawn.
func TestFaultStats(t *testing.T) {
	srv, err := mock.New(mock.Options{Faults: mock.Faults{mock.Fault429: 0.3, mock.Fault500: 0.2, mock.FaultSlow: 0}, FaultSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int64{}
	for range 500 {
		got[call(srv, http.MethodGet, listPath, "").Code]++
	}
	st := srv.Stats()
	want := map[mock.FaultKind]int64{mock.Fault429: got[429], mock.Fault500: got[500], mock.FaultSlow: 0}
	if st.Requests != 500 || fmt.Sprint(st.Faults) != fmt.Sprint(want) || got[429] == 0 || got[500] == 0 {
		t.Errorf("Stats = %+v; the answers were %v", st, got)
	}
	plain, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	call(plain, http.MethodGet, listPath, "")
	if st := plain.Stats(); st.Requests != 1 || len(st.Faults) != 0 {
		t.Errorf("Stats without faults = %+v", st)
	}
}

// TestFaultRetryAfter: a 429 or 503 fault asks for FaultRetryAfter in
// both headers; other statuses carry neither; all are JSON messages.
func TestFaultRetryAfter(t *testing.T) {
	for _, kind := range []mock.FaultKind{mock.Fault429, mock.Fault503, mock.Fault500, mock.Fault502, mock.Fault504} {
		ts := newServer(t, mock.Options{Faults: mock.Faults{kind: 1}})
		e := get(t, ts, "")
		status, _ := strconv.Atoi(string(kind))
		msg := e.message(t, status)
		if !strings.Contains(msg, "injected fault") {
			t.Errorf("%s: message %q", kind, msg)
		}
		ra, ms := e.header.Get("Retry-After"), e.header.Get("retry-after-ms")
		if kind == mock.Fault429 || kind == mock.Fault503 {
			if ra != "1" || ms != "100" {
				t.Errorf("%s: Retry-After %q, retry-after-ms %q; want 1 and 100", kind, ra, ms)
			}
		} else if ra != "" || ms != "" {
			t.Errorf("%s: Retry-After %q, retry-after-ms %q; want neither", kind, ra, ms)
		}
	}
}

// TestFaultResetClosesTheConnection: a reset fault answers nothing; the
// client's read of the response fails with a connection reset.
func TestFaultResetClosesTheConnection(t *testing.T) {
	ts := newServer(t, mock.Options{Faults: mock.Faults{mock.FaultReset: 1}})
	conn, err := net.DialTimeout("tcp", ts.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET "+listPath+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(bufio.NewReader(conn))
	if len(data) != 0 || !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read %q, %v; want nothing and a connection reset", data, err)
	}

	// Through an HTTP client: an error, not an answer.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+listPath, nil)
	req.Header.Set("Authorization", "Bearer k")
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("the client got an answer, %d", resp.StatusCode)
	}
}

// TestFaultSlow: a slow fault answers as usual, FaultSlowDelay late.
func TestFaultSlow(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 4, APIKey: testKey, Faults: mock.Faults{mock.FaultSlow: 1}})
	start := time.Now()
	page := get(t, ts, "").page(t)
	if took := time.Since(start); took < mock.FaultSlowDelay || len(page.Tokens) != 4 {
		t.Errorf("slow answer: %d tokens after %v, want 4 after at least %v", len(page.Tokens), took, mock.FaultSlowDelay)
	}
}

// TestFaultsChangeNoState: a create or delete answered with a fault (a
// status or a reset) changes nothing; the ones answered normally do their
// work; so the account ends as the successful requests left it.
func TestFaultsChangeNoState(t *testing.T) {
	faults := mock.Faults{mock.Fault429: 0.3, mock.Fault503: 0.2, mock.Fault500: 0.1, mock.FaultReset: 0.2}
	ts := newServer(t, mock.Options{SeedCount: 20, APIKey: testKey, Faults: faults, FaultSeed: 3})
	client := ts.Client()
	// call answers status 0 for a reset, and the body of a 200.
	call := func(method, path, body string) (int, []gen.Token) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, ts.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var page gen.TokenPage
		_ = json.NewDecoder(resp.Body).Decode(&page)
		return resp.StatusCode, page.Tokens
	}
	created, faulted := 0, map[int]int{}
	for i := range 60 {
		if s, _ := call(http.MethodPost, listPath, createBody("agent-faults", fmt.Sprintf("https://f%d.example.com", i), "")); s == http.StatusCreated {
			created++
		} else {
			faulted[s]++
		}
	}
	seeded := mock.SeedTokens(20)
	deleted := 0
	for _, tok := range seeded[:10] {
		if s, _ := call(http.MethodDelete, deletePath(tok.Token), ""); s == http.StatusNoContent {
			deleted++
		}
	}
	for _, s := range []int{0, 429, 503, 500} {
		if faulted[s] == 0 {
			t.Errorf("no create met fault %d (%v); the test proves less", s, faulted)
		}
	}
	if created == 0 || deleted == 0 || deleted == 10 {
		t.Fatalf("%d creates and %d of 10 deletes succeeded; want some of each to fail and succeed", created, deleted)
	}
	// Read the account through the faults: retry a list until it answers.
	list := func(query string) []gen.Token {
		for range 100 {
			if s, tokens := call(http.MethodGet, listPath+"?"+query, ""); s == http.StatusOK {
				return tokens
			}
		}
		t.Fatalf("?%s: no answer in 100 tries", query)
		return nil
	}
	if listed := list("limit=1000&agentId=agent-faults"); len(listed) != created {
		t.Errorf("%d creates answered 201 but %d tokens are listed", created, len(listed))
	}
	if all, want := list("limit=1000"), 20-deleted+created; len(all) != want {
		t.Errorf("%d tokens listed, want 20 seeded - %d deleted + %d created", len(all), deleted, created)
	}
}

// TestGoClientWalksThroughFaults: this module's client, retrying, walks
// 10,000 tokens through 429=0.1,503=0.05 and gets every token exactly once,
// in order; the mock counts the faults it served on the way.
func TestGoClientWalksThroughFaults(t *testing.T) {
	faults, err := mock.ParseFaults("429=0.1,503=0.05")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(mock.Options{SeedCount: 10_000, Faults: faults, FaultSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	// Ten retries: a page fails only after 11 faults in a row (0.15^11, about 1e-9).
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(ts.URL), lettatokens.WithAPIKey("k"),
		lettatokens.WithHTTPClient(ts.Client()), lettatokens.WithMaxRetries(10))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var tokens []gen.Token
	for tok, err := range client.Tokens(ctx, lettatokens.ListOptions{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	want := mock.SeedTokens(10_000)
	if len(tokens) != len(want) {
		t.Fatalf("walked %d tokens, want %d", len(tokens), len(want))
	}
	for i := range want {
		if tokens[i].Token != want[i].Token {
			t.Fatalf("token %d differs: the walk lost, repeated or reordered a token", i)
		}
	}
	st := srv.Stats()
	// A walk of one page at a time: 100 pages, and one retry per fault.
	if st.Faults[mock.Fault429] == 0 || st.Faults[mock.Fault503] == 0 || st.Requests != 100+st.Faults[mock.Fault429]+st.Faults[mock.Fault503] {
		t.Errorf("Stats %+v: want 429s and 503s, and 100 pages plus one retry per fault", st)
	}
	t.Logf("%d requests, faults %v", st.Requests, st.Faults)
}

// TestFaultsAreCopied: New keeps its own copy of Options.Faults, so a
// caller reusing the map changes nothing on a running server.
func TestFaultsAreCopied(t *testing.T) {
	faults := mock.Faults{mock.Fault429: 1}
	ts := newServer(t, mock.Options{Faults: faults})
	faults[mock.Fault429] = 0
	if e := get(t, ts, ""); e.status != http.StatusTooManyRequests {
		t.Errorf("status %d after the caller changed its map, want 429 still", e.status)
	}
}
