package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
)

const (
	defaultMockAddr = "127.0.0.1:8283"
	// defaultMockTokens is also what check --mock serves: enough for
	// several pages at the checks' page sizes (50 and 7) and for every
	// agent of the seed.
	defaultMockTokens = 25
	// readHeaderTimeout stops a client that never finishes its headers from
	// holding a connection open (Slowloris).
	readHeaderTimeout = 10 * time.Second
	// mockShutdownGrace is how long a stopping mock lets requests in flight
	// finish. Streamed pages stop at once (their context ends first), so
	// this only covers a page being written; the mock must be gone within a
	// second of Ctrl-C.
	mockShutdownGrace = 500 * time.Millisecond
	// maxMockLatency is the most --latency: enough for any timeout a
	// client would set for one call, short of a mock that seems hung.
	maxMockLatency = 10 * time.Second
)

const mockUsage = `Usage: letta-tokens mock [--addr HOST:PORT] [--tokens N] [--key K] [--from FILE] [--latency DURATION]
                         [--faults SPEC [--fault-seed N]] [--drift NAME|list]

Serves a mock of Letta Cloud's client-side access tokens that behaves like
Cloud: list (GET /v1/client-side-access-tokens: pagination, agentId
filtering), create (POST /v1/client-side-access-tokens) and delete
(DELETE /v1/client-side-access-tokens/{token}), with Bearer auth and 400s
for bad parameters or bodies. It starts with N synthetic tokens, or with
the tokens of a JSON file (an array, or a page as the API returns it);
created tokens are listed after them until deleted, and deleted ones are
gone, for as long as the mock runs (at most 1000000 created and 1000000
deleted at once). Seeded tokens are made when a page needs them, so any N
up to 1000000000 starts at once and takes a few MB; a --from file is held
in memory.

The first line on stdout is the base URL (with port 0, a free port is
picked), so scripts can read it; everything else goes to stderr. Point any
client, or Letta's SDKs, at it per command:

  LETTA_BASE_URL=<that URL> LETTA_API_KEY=<any non-empty value> letta-tokens list

(Exported in your shell instead, LETTA_API_KEY would turn a later
'go test ./...' in a clone into a live run against LETTA_BASE_URL.)

It stops cleanly on SIGINT (Ctrl-C) or SIGTERM, exiting 0, after printing
on stderr how many requests it served and how many faults of each kind it
injected.

--faults makes a share of requests fail, to test a client's retries. SPEC
is comma-separated KIND=RATE, KIND one of 429, 500, 502, 503, 504 (that
status, a JSON message; 429 and 503 with Retry-After: 1 and
retry-after-ms: 100), reset (the connection is closed without an answer)
and slow (answered as usual, 1s late); RATE from 0 to 1, the rates adding
up to at most 1. A fault is decided when the request arrives, before
anything else, so a request answered with a fault changes nothing: a
create that meets a 429 or a reset creates no token. The same --fault-seed
(default 1) and the same sequence of requests meet the same faults;
concurrent requests may arrive in another order.

--drift makes every list and create answer drift from the spec in one way,
named after contract/testdata/drift (a renamed or missing field, a wrong
type, null, an unknown enum value, another envelope, HTML, invalid JSON, a
wrong status, an ignored agentId filter, a page over the limit), so that
'letta-tokens check' against it reports breaking drift and exits 1. Errors
and delete's 204 are not changed. '--drift list' prints the names.

`

const mockUsageTail = `
Environment: none is read; the mock's key is --key, which is the mock's own
and not a Letta key.

Exit status: 0 stopped by a signal (at any time, even while loading);
1 could not listen or load --from; 2 usage error (such as --tokens above
1000000000, --latency above 10s, a --faults SPEC that does not parse, or an
unknown --drift).

Examples:
  letta-tokens mock
  letta-tokens mock --addr 127.0.0.1:0 --tokens 100000000
  letta-tokens mock --from tokens.json --key test-key
  letta-tokens mock --latency 250ms
  letta-tokens mock --faults 429=0.1,503=0.05,reset=0.01 --fault-seed 7
  letta-tokens mock --drift list
  letta-tokens mock --drift renamed-expiresAt
`

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mock")
	addr := fs.String("addr", defaultMockAddr, "listen on `HOST:PORT`; port 0 picks a free port")
	count := fs.Int("tokens", defaultMockTokens, "serve `N` seeded synthetic tokens, at most "+strconv.Itoa(mock.MaxSeedCount))
	key := fs.String("key", "", "accept only this bearer key `K` (default: any non-empty key)")
	from := fs.String("from", "", "serve the tokens in JSON `FILE` instead of seeded ones")
	latency := fs.Duration("latency", 0, "delay every answer by `DURATION` (such as 250ms), at most 10s")
	faultSpec := fs.String("faults", "", "inject faults at these rates: `SPEC` such as 429=0.1,503=0.05,reset=0.01")
	faultSeed := fs.Uint64("fault-seed", 1, "seed `N` of --faults: the same seed, the same faults")
	driftName := fs.String("drift", "", "serve the drift `NAME` on every answer; 'list' lists the names")
	if err := parseFlags(fs, "mock", args, stdout, mockUsage, mockUsageTail); err != nil {
		return err
	}
	set := flagsSet(fs)
	switch {
	case *count < 0:
		return usageErrorf("mock", "mock: --tokens must not be negative, got %d", *count)
	case *count > mock.MaxSeedCount:
		return usageErrorf("mock", "mock: --tokens must be at most %d, got %d", mock.MaxSeedCount, *count)
	case set["from"] && set["tokens"]:
		return usageErrorf("mock", "mock: --tokens and --from cannot be used together")
	case set["from"] && *from == "":
		return usageErrorf("mock", "mock: --from needs a file name")
	case set["key"] && *key == "":
		return usageErrorf("mock", "mock: --key must not be empty (leave it out to accept any key)")
	case *latency < 0 || *latency > maxMockLatency:
		return usageErrorf("mock", "mock: --latency must be between 0 and %v, got %v", maxMockLatency, *latency)
	case set["fault-seed"] && !set["faults"]:
		return usageErrorf("mock", "mock: --fault-seed needs --faults")
	case set["drift"] && *driftName == "":
		return usageErrorf("mock", "mock: --drift needs a name ('--drift list' lists them)")
	}
	if *driftName == "list" {
		for _, c := range mock.DriftCases() {
			if _, err := fmt.Fprintf(stdout, "%-26s %s\n", c.Name, c.Description); err != nil {
				return writeError(err)
			}
		}
		return nil
	}
	if *driftName != "" && !slices.ContainsFunc(mock.DriftCases(), func(c mock.DriftCase) bool { return c.Name == *driftName }) {
		return usageErrorf("mock", "mock: unknown --drift %q ('--drift list' lists them)", *driftName)
	}
	var faults mock.Faults
	if set["faults"] {
		var err error
		if faults, err = mock.ParseFaults(*faultSpec); err != nil {
			return usageErrorf("mock", "mock: --faults: %s", strings.TrimPrefix(err.Error(), mock.ErrInvalidFaults.Error()+": "))
		}
	}

	// Loading --from can take long (a big file, a FIFO nobody writes), and
	// a signal must stop the mock at any time: it is waited for alongside.
	// What a signal abandons ends with the process.
	var srv *mock.Server
	source := plural(*count, "seeded token") // how the banner names the tokens
	setup := make(chan error, 1)
	go func() {
		// Seeded lazily, so that its cost does not depend on the count,
		// or holding the tokens of the --from file.
		opts := mock.Options{SeedCount: *count, APIKey: *key, Latency: *latency, Faults: faults, FaultSeed: *faultSeed, Drift: *driftName}
		if *from != "" {
			tokens, err := mock.LoadTokensFile(*from)
			if err != nil {
				setup <- err
				return
			}
			opts.SeedCount, opts.Tokens = 0, tokens
			source = plural(len(tokens), "token") + " from " + *from
		}
		var err error
		srv, err = mock.New(opts)
		setup <- err
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "mock: stopped")
		return nil
	case err := <-setup:
		if err != nil {
			return failf("%v", err)
		}
	}

	// The port is taken, most often: say how to get a free one.
	ln, base, err := listen("mock", *addr, " (--addr 127.0.0.1:0 picks a free port; the base URL is the first line on stdout)", stdout)
	if err != nil {
		return err
	}
	keyHint := "<any non-empty value>"
	if *key != "" {
		keyHint = "<the value of --key>"
	}
	fmt.Fprintf(stderr, "mock: serving %s at %s%s (Ctrl-C to stop)\n", source, base, listPath)
	latencyNote := ""
	if *latency > 0 {
		latencyNote = fmt.Sprintf(", each answered after %v", *latency)
	}
	fmt.Fprintf(stderr, "mock: list (GET), create (POST) and delete (DELETE %s/{token})%s\n", listPath, latencyNote)
	if faults != nil {
		fmt.Fprintf(stderr, "mock: injecting faults %s (seed %d)\n", faults, *faultSeed)
	}
	if *driftName != "" {
		fmt.Fprintf(stderr, "mock: drifting from the spec: %s\n", *driftName)
	}
	// A prefix for one command, not an export: left in a shell, the key
	// would make a later 'go test ./...' a live run.
	fmt.Fprintf(stderr, "mock: point a client at it, one command at a time:\n  %s=%s %s=%s letta-tokens list\n", envBaseURL, base, envAPIKey, keyHint)

	// Every request's context ends when the mock stops, so that a page
	// being streamed (it may be all 10^9 tokens) ends at once.
	hs := newHTTPServer(srv)
	hs.BaseContext = func(net.Listener) context.Context { return ctx }
	if err := serveUntil(ctx, hs, ln, mockShutdownGrace); err != nil {
		return failf("mock: %v", err)
	}
	fmt.Fprintln(stderr, servedLine(srv.Stats()))
	fmt.Fprintln(stderr, "mock: stopped")
	return nil
}

// servedLine is the mock's last word on what it served: the requests, and
// with --faults how many met each fault.
func servedLine(st mock.Stats) string {
	line := "mock: served " + plural(int(st.Requests), "request")
	if len(st.Faults) == 0 {
		return line
	}
	var total int64
	var kinds []string
	for _, k := range mock.FaultKinds() {
		if n, ok := st.Faults[k]; ok {
			total += n
			kinds = append(kinds, fmt.Sprintf("%s: %d", k, n))
		}
	}
	return fmt.Sprintf("%s, injected %s (%s)", line, plural(int(total), "fault"), strings.Join(kinds, ", "))
}

// listPath is the tokens' collection: the mock's banner names it, and
// spec-diff compares it and the paths below it.
const listPath = "/v1/client-side-access-tokens"

// readBodyTimeout bounds reading a whole request, body included: a client
// that sends its headers, then a body a byte at a time or never, would
// otherwise hold a connection and a handler for as long as it likes. A var
// so that a test can shorten it.
var readBodyTimeout = 30 * time.Second

// listen listens on addr for cmd (mock, proxy), hint added to the error
// when it cannot, and writes the base URL, alone, as the first line on
// stdout, for scripts: flushed, so that it is out before serving starts.
func listen(cmd, addr, hint string, stdout io.Writer) (ln net.Listener, base string, err error) {
	if ln, err = net.Listen("tcp", addr); err != nil {
		return nil, "", failf("%s: cannot listen on %s: %v%s", cmd, addr, err, hint)
	}
	base = baseURLOf(ln.Addr())
	if _, err := fmt.Fprintln(stdout, base); err != nil {
		ln.Close()
		return nil, "", writeError(err)
	}
	if f, ok := stdout.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	return ln, base, nil
}

// serveUntil serves hs on ln until ctx ends, then lets the requests in
// flight finish within grace; those still running after it are cut off.
// An error is Serve's, before ctx ended.
func serveUntil(ctx context.Context, hs *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
	}
	<-errc // http.ErrServerClosed
	return nil
}

// newHTTPServer returns a server for h with the timeouts a long-running
// loopback server needs. Its ErrorLog is the standard logger, which a run
// routes through stderr's boundary (see stdLogLines).
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readBodyTimeout,
		IdleTimeout:       2 * time.Minute,
	}
}
