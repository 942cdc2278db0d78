package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// tableRows returns the rows of a table (without header and count line).
func tableRows(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 || !regexp.MustCompile(`^TOKEN +HOSTNAME +EXPIRES +AGENTS$`).MatchString(lines[0]) {
		t.Fatalf("no table header:\n%s", out)
	}
	return lines[1 : len(lines)-1]
}

func TestListTable(t *testing.T) {
	seed := mock.SeedTokens(25)
	ts := newMock(t, 25)
	env := envFor(ts.URL)

	r := runCLI(t, env, "list")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	rows := tableRows(t, r.stdout)
	if len(rows) != 10 {
		t.Errorf("%d rows, want the server's default page of 10", len(rows))
	}
	if !strings.HasSuffix(r.stdout, "\n10 tokens (more: --offset 10)\n") {
		t.Errorf("no count line with the next offset:\n%s", r.stdout)
	}
	for i, row := range rows {
		tok := seed[i]
		if !strings.HasPrefix(row, redact.Token(tok.Token)+"  ") {
			t.Errorf("row %d does not start with the redacted token %s: %q", i, redact.Token(tok.Token), row)
		}
		for _, want := range []string{tok.Hostname, tok.ExpiresAt, agentsCell(tok.Policy)} {
			if !strings.Contains(row, want) {
				t.Errorf("row %d lacks %q: %q", i, want, row)
			}
		}
	}
	// Columns line up: every row's hostname starts where the header's does.
	col := strings.Index(strings.SplitN(r.stdout, "\n", 2)[0], "HOSTNAME")
	for i, row := range rows {
		if got := len([]rune(row[:strings.Index(row, "https://")])); got != col {
			t.Errorf("row %d: hostname at column %d, header at %d", i, got, col)
		}
	}
	for _, tok := range seed {
		if strings.Contains(r.stdout, tok.Token) {
			t.Fatalf("a full token value was printed without --reveal")
		}
	}

	r = runCLI(t, env, "list", "--offset", "20", "--limit", "10")
	if rows := tableRows(t, r.stdout); r.code != exitOK || len(rows) != 5 || !strings.HasSuffix(r.stdout, "\n5 tokens\n") {
		t.Errorf("--offset 20: exit %d, %d rows:\n%s", r.code, len(rows), r.stdout)
	}
	if !strings.HasPrefix(tableRows(t, r.stdout)[0], redact.Token(seed[20].Token)) {
		t.Errorf("--offset 20 does not start at token 20:\n%s", r.stdout)
	}
}

// agentsCell's format is pinned through create's note
// (TestCreateListDelete), cell's escapes and caps through
// TestListEscapesAndCapsCells; a policy with no agent is a "-".
func TestListAgentsCell(t *testing.T) {
	if got := agentsCell(gen.TokenPolicy{}); got != "-" {
		t.Errorf("no agents: %q, want -", got)
	}
}

func tokensEqual(a, b []gen.Token) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestListJSON(t *testing.T) {
	seed := mock.SeedTokens(25)
	ts := newMock(t, 25)
	r := runCLI(t, envFor(ts.URL), "list", "--json", "--limit", "25")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := redacted(seed)
	if got := decodeTokens(t, r.stdout); !tokensEqual(got, want) {
		t.Errorf("tokens differ from the mock's, redacted:\n%s", r.stdout)
	}
	// Written incrementally, the array is still exactly what encoding/json
	// gives for the whole slice.
	whole, _ := json.MarshalIndent(want, "", "  ")
	if r.stdout != string(whole)+"\n" {
		t.Errorf("streamed JSON differs from json.MarshalIndent of the slice")
	}
	for _, tok := range seed {
		if strings.Contains(r.stdout, tok.Token) {
			t.Fatal("a full token value was printed without --reveal")
		}
	}

	empty := newMock(t, 0)
	for _, args := range [][]string{{"list", "--json"}, {"list", "--json", "--all"}} {
		r = runCLI(t, envFor(empty.URL), args...)
		if r.code != exitOK || r.stdout != "[]\n" {
			t.Errorf("%q on an empty account: exit %d, stdout %q; want []", args, r.code, r.stdout)
		}
	}
	r = runCLI(t, envFor(empty.URL), "list")
	if r.code != exitOK || r.stdout != "0 tokens\n" {
		t.Errorf("table on an empty account: %q", r.stdout)
	}
}

// countRequests wraps h, counting requests in n.
func countRequests(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

func TestListAll(t *testing.T) {
	seed := mock.SeedTokens(237)
	var requests atomic.Int64
	ts := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: seed}), &requests))
	env := envFor(ts.URL)

	// One page at a time, so that requests can be counted exactly (5 at
	// limit 50: TestListAllStreams); TestListAllConcurrency covers pages
	// in flight.
	r := runCLI(t, env, "list", "--all", "--json", "--limit", "50", "--concurrency", "1")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if got := decodeTokens(t, r.stdout); !tokensEqual(got, redacted(seed)) {
		t.Errorf("--all --json: got %d tokens, not the mock's 237 redacted", len(got))
	}

	r = runCLI(t, env, "list", "--all", "--limit", "50", "--concurrency", "1")
	if rows := tableRows(t, r.stdout); r.code != exitOK || len(rows) != 237 || !strings.HasSuffix(r.stdout, "\n237 tokens\n") {
		t.Errorf("--all table: exit %d, %d rows, ends %q", r.code, len(rows), r.stdout[max(0, len(r.stdout)-40):])
	}

	requests.Store(0)
	r = runCLI(t, env, "list", "--all", "--concurrency", "1")
	if got := len(tableRows(t, r.stdout)); got != 237 || requests.Load() != 3 {
		t.Errorf("--all without --limit: %d rows in %d requests, want 237 in 3 (pages of 100)", got, requests.Load())
	}
}

// servedAtWrite records, for each write to it, how many requests the server
// had received by then.
type servedAtWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	served *atomic.Int64
	at     []int64
}

func (w *servedAtWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.at = append(w.at, w.served.Load())
	return w.buf.Write(p)
}

// TestListAllStreams proves --all --concurrency 1 writes each page before
// fetching the next: output must start after the first request, and some
// output must be written while each page is the latest one fetched.
func TestListAllStreams(t *testing.T) {
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			var requests atomic.Int64
			ts := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(237)}), &requests))
			out := &servedAtWrite{served: &requests}
			var stderr bytes.Buffer
			args := []string{"list", "--all", "--limit", "50", "--concurrency", "1"}
			if format == "json" {
				args = append(args, "--json")
			}
			env := envFor(ts.URL)
			if code := run(t.Context(), args, out, &stderr, func(k string) string { return env[k] }); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if stderr.Len() != 0 {
				t.Errorf("progress or noise on a non-terminal stderr: %q", stderr.String())
			}
			seen := slices.Compact(slices.Clone(out.at))
			if !slices.Equal(seen, []int64{1, 2, 3, 4, 5}) {
				t.Errorf("requests served at each write: %v; want output after each of the 5 pages, before the next request", seen)
			}
		})
	}
}

// The table of one agent's page: TestListNextPageHintKeepsFlags.
func TestListAgentFilter(t *testing.T) {
	seed := mock.SeedTokens(100)
	agent := mock.SeedAgentID(1)
	var want []gen.Token
	for _, tok := range seed {
		if slices.ContainsFunc(tok.Policy.Data, func(p gen.AgentPolicy) bool { return p.Id == agent }) {
			want = append(want, tok)
		}
	}
	ts := newMock(t, 100)
	r := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "7", "--agent-id", agent)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decodeTokens(t, r.stdout)
	if len(want) == 0 || !tokensEqual(got, redacted(want)) {
		t.Errorf("--agent-id: %d tokens, want the %d naming %s", len(got), len(want), agent)
	}
}

func TestListLyingPagination(t *testing.T) {
	// Every request gets the same page, which always says more follow.
	page, _ := json.Marshal(gen.TokenPage{Tokens: mock.SeedTokens(3), HasNextPage: true})
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	}))
	r := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "3")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d", r.code, exitFailure)
	}
	oneLine(t, r, ts.URL+" paginates inconsistently: ", " at page 2 (offset 3); the listing is incomplete")
	// The tokens that arrived are printed, but the array is left open, so
	// the output cannot pass for a complete listing.
	var v any
	if json.Unmarshal([]byte(r.stdout), &v) == nil {
		t.Errorf("an incomplete listing parses as complete JSON:\n%s", r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "[\n  {") {
		t.Errorf("the first page was not written: %q", r.stdout)
	}
}

// A rejected key is worded alike by list and check.
func TestRejectedKey(t *testing.T) {
	ts := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: "sk-let-the-right-key-0123456789"})
	for _, args := range [][]string{{"list"}, {"list", "--all", "--json"}, {"check"}} {
		r := runCLI(t, envFor(ts.URL), args...)
		if r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, r.code, exitUsage)
		}
		want := "letta-tokens: credentials rejected by " + ts.URL + " (HTTP 401): check LETTA_API_KEY\n"
		if r.stderr != want || args[0] == "list" && r.stdout != "" {
			t.Errorf("%q:\nstderr %q\nwant   %q\nstdout %q", args, r.stderr, want, r.stdout)
		}
	}
}

func TestListServerError(t *testing.T) {
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"no such route; token ck-let-leakedSECRET0123456789 here"}`))
	}))
	r := runCLI(t, envFor(ts.URL), "list")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d", r.code, exitFailure)
	}
	oneLine(t, r, ts.URL+" answered HTTP 404 Not Found: no such route", "not an answer the API documents")
	if strings.Contains(r.stderr, "leakedSECRET") {
		t.Errorf("a token in the server's message was printed: %s", r.stderr)
	}
}

// TestUnreachable: an unreachable host is an outage, exit 2, for every
// command alike. Each takes the client's retries, about 1.5 s.
func TestUnreachable(t *testing.T) {
	url := deadURL(t)
	for _, cmd := range []string{"list", "check", "create"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			args := []string{cmd}
			if cmd == "create" {
				args = createArgs()
			}
			r := runCLI(t, envFor(url), args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			oneLine(t, r, "cannot reach "+url+": connect: connection refused (is LETTA_BASE_URL right?)")
		})
	}
}

// TestListExitClasses: the exit status says who must act. 1 is kept for an
// answer that shows a change in the API; an outage (every attempt timed
// out, 429/5xx after the retries, nothing listening) is 2, like every run
// that could not finish.
func TestListExitClasses(t *testing.T) {
	status := func(code int, retryAfterMs string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if retryAfterMs != "" {
				w.Header().Set("Retry-After-Ms", retryAfterMs)
			}
			w.WriteHeader(code)
			w.Write([]byte(`{"message":"status ` + strconv.Itoa(code) + `"}`))
		})
	}
	slowHeaders := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	notJSON := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"tokens": [`))
	})
	for _, tt := range []struct {
		name    string
		handler http.Handler // nil: nothing listens
		args    []string
		code    int
		wants   []string
	}{
		{"body trickles past --timeout", trickle(20 * time.Millisecond), []string{"--timeout", "300ms"}, exitUsage,
			[]string{"is unavailable", "timed out", "--timeout 300ms"}},
		{"every attempt times out", slowHeaders, []string{"--timeout", "100ms"}, exitUsage,
			[]string{"is unavailable", "timed out", "--timeout 100ms"}},
		{"503 after the retries", status(503, "1"), nil, exitUsage,
			[]string{"is unavailable", "HTTP 503", "status 503", "try again later"}},
		{"429 after the retries", status(429, "1"), nil, exitUsage,
			[]string{"is unavailable", "HTTP 429"}},
		{"connection refused", nil, nil, exitUsage,
			[]string{"cannot reach", "connection refused"}},
		{"404, an undocumented status", status(404, ""), nil, exitFailure,
			[]string{"HTTP 404", "status 404", "not an answer the API documents"}},
		{"invalid JSON", notJSON, nil, exitFailure,
			[]string{"unexpected end of JSON input"}},
		{"400, the request rejected", status(400, ""), nil, exitUsage,
			[]string{"rejected the request", "HTTP 400", "status 400"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := ""
			if tt.handler == nil {
				base = deadURL(t)
			} else {
				base = newServer(t, tt.handler).URL
			}
			for _, mode := range [][]string{{"list"}, {"list", "--all", "--json"}} {
				r := runCLI(t, envFor(base), append(slices.Clone(mode), tt.args...)...)
				if r.code != tt.code {
					t.Errorf("%q: exit %d, want %d; stderr %q", mode, r.code, tt.code, r.stderr)
				}
				oneLine(t, r, tt.wants...)
			}
		})
	}
}

func TestListInterrupted(t *testing.T) {
	ts := newMock(t, 3)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	env := envFor(ts.URL)
	code := run(ctx, []string{"list", "--all"}, &stdout, &stderr, func(k string) string { return env[k] })
	if code != exitUsage || stderr.String() != "letta-tokens: interrupted\n" {
		t.Errorf("exit %d, stderr %q; want %d (a run that could not finish) and 'interrupted'", code, stderr.String(), exitUsage)
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, &buf)
	p.on = true
	p.update(100)
	p.update(200)
	p.done(237)
	if got, want := buf.String(), "\rfetched 100 tokens\rfetched 200 tokens\rfetched 237 tokens\n"; got != want {
		t.Errorf("progress wrote %q, want %q", got, want)
	}
	buf.Reset()
	p = newProgress(&buf, &buf)
	p.on = true
	p.update(100)
	p.abort()
	if got, want := buf.String(), "\rfetched 100 tokens\r"+strings.Repeat(" ", len("fetched 100 tokens^C"))+"\r"; got != want {
		t.Errorf("after an error: %q; want the line cleared (%q) so the error starts on an empty one", got, want)
	}
	buf.Reset()
	p = newProgress(&buf, &buf)
	p.on = true
	p.update(1)
	p.done(1)
	if got, want := buf.String(), "\rfetched 1 token\rfetched 1 token\n"; got != want {
		t.Errorf("progress wrote %q, want %q: one token is not 'tokens'", got, want)
	}
	// Not a terminal: nothing, ever.
	buf.Reset()
	p = newProgress(&buf, &bytes.Buffer{})
	p.update(1)
	p.done(1)
	p.abort()
	if buf.Len() != 0 {
		t.Errorf("progress on a buffer: %q", buf.String())
	}

	regular, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	if isTerminal(regular) || isTerminal(&buf) || !isTerminal(devNull) {
		t.Errorf("isTerminal: regular file %v, buffer %v, %s %v", isTerminal(regular), isTerminal(&buf), os.DevNull, isTerminal(devNull))
	}
	// stderr a character device and stdout a file: progress is shown.
	if p := newProgress(devNull, regular); !p.on {
		t.Error("progress off with stderr a character device and stdout a file")
	}
	if p := newProgress(devNull, devNull); p.on {
		t.Error("progress on while stdout is a character device too: it would tangle with the rows")
	}
}

// A duplicate anywhere in the walk stops list --all with the pager's error
// before a duplicate row is printed: pages that alternate A, B, A, B, and a
// token repeated inside one page (issue 7, item 9).
func TestListAllStopsOnAnyDuplicate(t *testing.T) {
	tokens := mock.SeedTokens(6)
	pageA, _ := json.Marshal(gen.TokenPage{Tokens: tokens[:3], HasNextPage: true})
	pageB, _ := json.Marshal(gen.TokenPage{Tokens: tokens[3:], HasNextPage: true})
	repeated, _ := json.Marshal(gen.TokenPage{Tokens: []gen.Token{tokens[0], tokens[1], tokens[0]}, HasNextPage: false})
	for name, pageAt := range map[string]func(offset int) []byte{
		"pages A, B, A, B": func(offset int) []byte {
			if (offset/3)%2 == 0 {
				return pageA
			}
			return pageB
		},
		"a token twice in one page": func(int) []byte { return repeated },
	} {
		t.Run(name, func(t *testing.T) {
			var requests atomic.Int64
			ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				w.Header().Set("Content-Type", "application/json")
				w.Write(pageAt(offset))
			}))
			r := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "3", "--concurrency", "1")
			if r.code != exitFailure {
				t.Errorf("exit %d, want %d", r.code, exitFailure)
			}
			oneLine(t, r, "paginates inconsistently", "already listed", "the listing is incomplete")
			for _, tok := range tokens {
				if n := strings.Count(r.stdout, redact.Token(tok.Token)); n > 1 {
					t.Errorf("token printed %d times", n)
				}
			}
			if n := requests.Load(); n > 3 {
				t.Errorf("%d requests, want the walk to stop at the first repeat", n)
			}
			if r4 := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "3"); r4.code != exitFailure || r4.stdout != r.stdout {
				t.Errorf("with pages in flight: exit %d, output differs from one page at a time", r4.code)
			}
		})
	}
}

// Reaching the walk's bound on an honest account is not drift: exit 2,
// and the message says the listing is incomplete.
func TestListAllBoundIsIncomplete(t *testing.T) {
	ts := newMock(t, 30)
	for name, run := range map[string]func() result{
		"flag": func() result { return runCLI(t, envFor(ts.URL), "list", "--all", "--limit", "2", "--max-tokens", "5") },
		"environment": func() result {
			env := envFor(ts.URL)
			env[envMaxTokens] = "5"
			return runCLI(t, env, "list", "--all", "--limit", "2")
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := run()
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			oneLine(t, r, "could not be listed completely", "stopped at 5 tokens", "--max-tokens")
			// The table is left without its count line: it is incomplete.
			if rows := strings.Count(r.stdout, "\nck-let-"); rows != 5 {
				t.Errorf("%d rows printed before the bound, want 5:\n%s", rows, r.stdout)
			}
		})
	}
	// --json stays one valid array of the tokens listed.
	r := runCLI(t, envFor(ts.URL), "list", "--all", "--limit", "4", "--max-tokens", "10", "--json")
	if tokens := decodeTokens(t, r.stdout); r.code != exitUsage || len(tokens) != 10 {
		t.Errorf("--json: exit %d, %d tokens, want %d and the 10 listed", r.code, len(tokens), exitUsage)
	}
	oneLine(t, r, "--max-tokens")
}

// A redirect to another origin is not followed with the key (or delete's
// token), and every command says so with exit 2: a configuration matter,
// not drift.
func TestRedirectToAnotherOrigin(t *testing.T) {
	var reached atomic.Int64
	elsewhere := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
	}))
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	for _, args := range [][]string{{"list"}, {"list", "--all", "--json"}, {"check"}, createArgs(), {"delete"}} {
		r := runCLIStdin(t, envFor(ts.URL), strings.NewReader("ck-let-redirected-0123456789abcdef\n"), args...)
		if r.code != exitUsage || args[0] != "check" && r.stdout != "" {
			t.Errorf("%q: exit %d, want %d\n%s%s", args, r.code, exitUsage, r.stdout, r.stderr)
		}
		line := oneLine(t, r, ts.URL+" redirected to another origin, which is not followed with the API key", strings.TrimPrefix(elsewhere.URL, "http://"))
		if strings.Contains(r.stdout, "drift") || strings.Contains(line, "redirected-0123456789abcdef") {
			t.Errorf("%q: reported as drift, or the token printed:\n%s%s", args, r.stdout, line)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the other origin got %d requests", n)
	}
}

// --concurrency N keeps list --all's output identical (a value out of
// range: TestUsageErrors).
func TestListAllConcurrency(t *testing.T) {
	ts := newMock(t, 95)
	want := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "10", "--concurrency", "1")
	if want.code != exitOK {
		t.Fatalf("exit %d: %s", want.code, want.stderr)
	}
	for _, n := range []string{"2", "4", "16"} {
		got := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--limit", "10", "--concurrency", n)
		if got.code != exitOK || got.stdout != want.stdout {
			t.Errorf("--concurrency %s: exit %d, output differs from --concurrency 1", n, got.code)
		}
	}
}

// The hint to the next page keeps the listing's --agent-id and --limit, so
// that following it lists the same agent's next tokens, in the table and
// beside --json.
func TestListNextPageHintKeepsFlags(t *testing.T) {
	ts := newMock(t, 25)
	env := envFor(ts.URL)
	agent := mock.SeedAgentID(0)
	want := "--agent-id " + agent + " --limit 2 --offset 2"

	r := runCLI(t, env, "list", "--agent-id", agent, "--limit", "2")
	if r.code != exitOK || !strings.HasSuffix(r.stdout, "\n2 tokens (more: "+want+")\n") {
		t.Errorf("table: exit %d, stdout:\n%s\nwant the count line to end (more: %s)", r.code, r.stdout, want)
	}
	r = runCLI(t, env, "list", "--agent-id", agent, "--limit", "2", "--json")
	if r.code != exitOK || r.stderr != "more tokens follow: "+want+", or --all for every page\n" {
		t.Errorf("--json: exit %d, stderr %q", r.code, r.stderr)
	}
	// Following the hint gives the agent's next page.
	next := runCLI(t, env, "list", "--agent-id", agent, "--limit", "2", "--offset", "2")
	if rows := tableRows(t, next.stdout); len(rows) != 2 || !strings.HasSuffix(next.stdout, " --offset 4)\n") {
		t.Fatalf("%d rows on the next page, whose hint is past it:\n%s", len(rows), next.stdout)
	}
	for _, row := range tableRows(t, next.stdout) {
		if !strings.Contains(row, agent) {
			t.Errorf("the next page holds a token of another agent: %s", row)
		}
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"agent-00000000-0000-4000-8000-000000000001": "agent-00000000-0000-4000-8000-000000000001",
		"a b":      "'a b'",
		"it's":     `'it'\''s'`,
		"$(rm -r)": "'$(rm -r)'",
		"":         "''",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %q, want %q", in, got, want)
		}
	}
}
