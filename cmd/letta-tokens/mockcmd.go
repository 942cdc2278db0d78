package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

const (
	defaultMockAddr   = "127.0.0.1:8283"
	defaultMockTokens = 25
	// readHeaderTimeout stops a client that never finishes its headers from
	// holding a connection open (Slowloris).
	readHeaderTimeout = 10 * time.Second
)

func mockUsage(w io.Writer, fs func(io.Writer)) {
	fmt.Fprint(w, `Usage: letta-tokens mock [--addr HOST:PORT] [--tokens N] [--key K] [--from FILE]

Serves a mock of GET /v1/client-side-access-tokens that behaves like Letta
Cloud (pagination, agentId filtering, Bearer auth, 400s for bad parameters),
seeded with N synthetic tokens or loaded from a JSON file of tokens (an array,
or a page as the API returns it).

The first line on stdout is the base URL (with port 0, a free port is
picked), so scripts can read it; everything else goes to stderr. Point any
client, or Letta's SDKs, at it with:

  export LETTA_BASE_URL=<that URL> LETTA_API_KEY=<any non-empty value>

It stops cleanly on SIGINT (Ctrl-C) or SIGTERM, exiting 0.

`)
	fs(w)
	fmt.Fprint(w, `
Environment: none is read; the mock's key is --key, which is the mock's own
and not a Letta key.

Exit status: 0 stopped by a signal; 1 could not listen or load --from;
2 usage error.

Examples:
  letta-tokens mock
  letta-tokens mock --addr 127.0.0.1:0 --tokens 10000
  letta-tokens mock --from tokens.json --key test-key
`)
}

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mock")
	addr := fs.String("addr", defaultMockAddr, "listen on `HOST:PORT`; port 0 picks a free port")
	count := fs.Int("tokens", defaultMockTokens, "serve `N` seeded synthetic tokens")
	key := fs.String("key", "", "accept only this bearer key `K` (default: any non-empty key)")
	from := fs.String("from", "", "serve the tokens in JSON `FILE` instead of seeded ones")
	usage := func(w io.Writer) { mockUsage(w, func(w io.Writer) { printFlags(w, fs) }) }
	if err := parseFlags(fs, "mock", args, stdout, usage); err != nil {
		if errors.Is(err, errHelp) {
			return nil
		}
		return err
	}
	set := flagsSet(fs)
	switch {
	case *count < 0:
		return usageErrorf("mock", "mock: --tokens must not be negative, got %d", *count)
	case set["from"] && set["tokens"]:
		return usageErrorf("mock", "mock: --tokens and --from cannot be used together")
	case set["from"] && *from == "":
		return usageErrorf("mock", "mock: --from needs a file name")
	case set["key"] && *key == "":
		return usageErrorf("mock", "mock: --key must not be empty (leave it out to accept any key)")
	}

	var tokens []gen.Token
	source := fmt.Sprintf("%d seeded tokens", *count)
	if *from != "" {
		var err error
		if tokens, err = mock.LoadTokensFile(*from); err != nil {
			return failf("%v", err)
		}
		source = fmt.Sprintf("%d tokens from %s", len(tokens), *from)
	} else {
		tokens = mock.SeedTokens(*count)
	}
	srv, err := mock.New(mock.Options{Tokens: tokens, APIKey: *key})
	if err != nil {
		return failf("%v", err)
	}
	tokens = nil // the mock has its own copy

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return failf("mock: cannot listen on %s: %v", *addr, err)
	}
	base := baseURLOf(ln.Addr())
	// The first line on stdout is the base URL, alone, for scripts. Writes
	// to an *os.File are not buffered, so it is out before serving starts.
	if _, err := fmt.Fprintln(stdout, base); err != nil {
		ln.Close()
		return writeError(err)
	}
	if f, ok := stdout.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	keyHint := "<any non-empty value>"
	if *key != "" {
		keyHint = "<the value of --key>"
	}
	fmt.Fprintf(stderr, "mock: serving %s at %s%s (Ctrl-C to stop)\n", source, base, listPath)
	fmt.Fprintf(stderr, "mock: point clients at it with:\n  export %s=%s %s=%s\n", envBaseURL, base, envAPIKey, keyHint)

	hs := newHTTPServer(srv)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return failf("mock: %v", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running after the grace period are cut off.
		_ = hs.Close()
	}
	<-errc // http.ErrServerClosed
	fmt.Fprintln(stderr, "mock: stopped")
	return nil
}

// listPath is the operation's path, for the mock's banner.
const listPath = "/v1/client-side-access-tokens"

// newHTTPServer returns a server for h with the timeouts a long-running
// loopback server needs.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
	}
}
