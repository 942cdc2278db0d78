package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
)

// TestExitStatus: only drift is 1; no failure is 0; every other kind,
// and a Kind no constant names, is 2.
func TestExitStatus(t *testing.T) {
	for k := lettatokens.KindNone - 1; k <= lettatokens.KindInvalid+1; k++ {
		want := exitUsage
		switch k {
		case lettatokens.KindNone:
			want = exitOK
		case lettatokens.KindUndocumented:
			want = exitFailure
		}
		if got := exitStatus(k); got != want {
			t.Errorf("exitStatus(%s (%d)) = %d, want %d", k, int(k), got, want)
		}
	}
}

// TestFailureTable is the table from a failure to its exit status and
// words, kind by kind, with the exact line: who must act, and how, is the
// whole point of each. (The endless redirect needs a server:
// TestFailureTableFromServers; KindNotAPI: TestNotLettasAPI.)
func TestFailureTable(t *testing.T) {
	const target = "https://letta.test"
	var syntaxErr error = json.Unmarshal([]byte("{"), new(any))
	refused := &url.Error{Op: "Get", URL: target + "/v1/client-side-access-tokens",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	for _, tt := range []struct {
		name string
		err  error
		code int
		want string
	}{
		{"interrupted", fmt.Errorf("listing: %w", context.Canceled), exitUsage, "interrupted"},
		{"401", &lettatokens.Error{StatusCode: http.StatusUnauthorized, Message: "bad key"}, exitUsage,
			"credentials rejected by https://letta.test (HTTP 401): check LETTA_API_KEY"},
		{"403", &lettatokens.Error{StatusCode: http.StatusForbidden}, exitUsage,
			"credentials rejected by https://letta.test (HTTP 403): check LETTA_API_KEY"},
		{"400 with a message and a request id", &lettatokens.Error{StatusCode: http.StatusBadRequest, Message: "expiresAt is in the past", RequestID: "req-7", Body: `{"message":"expiresAt is in the past"}`}, exitUsage,
			"https://letta.test rejected the request: HTTP 400 Bad Request: expiresAt is in the past (request id req-7)"},
		{"503 with a body and no message", &lettatokens.Error{StatusCode: http.StatusServiceUnavailable, Body: "upstream down"}, exitUsage,
			"https://letta.test is unavailable: HTTP 503 Service Unavailable: upstream down, still after the client's retries; try again later"},
		// The cause, not the excerpt of the body that broke off.
		{"502 whose body broke off", &lettatokens.Error{StatusCode: http.StatusBadGateway, Body: "partial", Err: io.ErrUnexpectedEOF}, exitUsage,
			"https://letta.test is unavailable: HTTP 502 Bad Gateway: unexpected EOF, still after the client's retries; try again later"},
		{"500 with a message and a cause", &lettatokens.Error{StatusCode: http.StatusInternalServerError, Message: "oops", Err: io.ErrUnexpectedEOF, RequestID: "r1"}, exitUsage,
			"https://letta.test is unavailable: HTTP 500 Internal Server Error: oops: unexpected EOF (request id r1), still after the client's retries; try again later"},
		{"no answer in time", fmt.Errorf("lettatokens: listing: %w", context.DeadlineExceeded), exitUsage,
			"https://letta.test is unavailable: no complete answer on any attempt (timed out; each request attempt is limited by --timeout 3s); try again later, or raise --timeout"},
		{"a create whose answer broke off", fmt.Errorf("%w: %w (HTTP %d)", lettatokens.ErrCreateUnconfirmed, io.ErrUnexpectedEOF, http.StatusCreated), exitUsage,
			"https://letta.test answered the create, but its answer did not arrive whole (" + lettatokens.ErrCreateUnconfirmed.Error() + ": unexpected EOF (HTTP 201)): a token was probably created, and the create was not sent again; find it with 'letta-tokens list --all --hostname URL'"},
		{"connection refused", refused, exitUsage,
			"cannot reach https://letta.test: connect: connection refused (is LETTA_BASE_URL right?)"},
		{"a redirect to another origin", fmt.Errorf("lettatokens: %w: https://elsewhere.test", lettatokens.ErrCrossOriginRedirect), exitUsage,
			"https://letta.test redirected to another origin, which is not followed with the API key: " + lettatokens.ErrCrossOriginRedirect.Error() + ": https://elsewhere.test (is LETTA_BASE_URL right?)"},
		{"the walk's bound", &lettatokens.LimitError{MaxTokens: 7, Offset: 7}, exitUsage,
			"https://letta.test could not be listed completely: the walk stopped at 7 tokens with more to come; raise --max-tokens or LETTA_MAX_TOKENS"},
		{"lying pagination, a page", &lettatokens.PaginationError{Offset: 3, Page: 2, Reason: "a token already listed"}, exitFailure,
			"https://letta.test paginates inconsistently: a token already listed at page 2 (offset 3); the listing is incomplete"},
		{"lying pagination", fmt.Errorf("%w: the server repeats page 1", lettatokens.ErrPagination), exitFailure,
			"https://letta.test paginates inconsistently (" + lettatokens.ErrPagination.Error() + ": the server repeats page 1); the listing is incomplete"},
		{"404, undocumented", &lettatokens.Error{StatusCode: http.StatusNotFound, Message: "no such token"}, exitFailure,
			"https://letta.test answered HTTP 404 Not Found: no such token: not an answer the API documents"},
		{"a status without a name", &lettatokens.Error{StatusCode: 470, Body: "odd"}, exitFailure,
			"https://letta.test answered HTTP 470: odd: not an answer the API documents"},
		{"a status alone", &lettatokens.Error{StatusCode: http.StatusConflict}, exitFailure,
			"https://letta.test answered HTTP 409 Conflict: not an answer the API documents"},
		{"a body that is not JSON", syntaxErr, exitFailure,
			"listing tokens at https://letta.test: unexpected end of JSON input"},
		{"invalid", &lettatokens.ParamError{Field: "Limit", Reason: "must be at least 1"}, exitUsage,
			"listing tokens at https://letta.test: " + strings.TrimPrefix((&lettatokens.ParamError{Field: "Limit", Reason: "must be at least 1"}).Error(), "lettatokens: ")},
		{"unknown", errors.New("lettatokens: something odd"), exitUsage,
			"listing tokens at https://letta.test: something odd"},
		// The call's own secrets (the token a delete names) are masked in
		// every server string of the line. (The API key is masked in
		// everything the command prints: runCLI checks that on every run.)
		{"unknown, naming the token", errors.New("lettatokens: no token " + ownToken), exitUsage,
			"listing tokens at https://letta.test: no token " + ownMasked},
		{"a message and a request id naming the token", &lettatokens.Error{StatusCode: http.StatusNotFound, Message: "no token " + ownToken, RequestID: "req-" + ownToken}, exitFailure,
			"https://letta.test answered HTTP 404 Not Found: no token " + ownMasked + " (request id req-" + ownMasked + "): not an answer the API documents"},
		{"a body naming the token", &lettatokens.Error{StatusCode: http.StatusServiceUnavailable, Body: "no token " + ownToken}, exitUsage,
			"https://letta.test is unavailable: HTTP 503 Service Unavailable: no token " + ownMasked + ", still after the client's retries; try again later"},
		{"a cause naming the token", &lettatokens.Error{StatusCode: http.StatusBadRequest, Err: errors.New("no token " + ownToken)}, exitUsage,
			"https://letta.test rejected the request: HTTP 400 Bad Request: no token " + ownMasked},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := failure{cfg: config{apiKey: testKey, baseURL: target, target: target}, timeout: 3 * time.Second, doing: "listing tokens at", secrets: []string{ownToken}}
			code, msg := cliResult(t, f.of(tt.err))
			if code != tt.code || msg != tt.want {
				t.Errorf("kind %v:\n got exit %d, %q\nwant exit %d, %q", lettatokens.KindOf(tt.err), code, msg, tt.code, tt.want)
			}
			// What a seeded check left is said after every line.
			f.after = "; left: 1 token"
			if _, msg := cliResult(t, f.of(tt.err)); msg != tt.want+"; left: 1 token" {
				t.Errorf("with after: %q", msg)
			}
		})
	}
}

// ownToken is the token a call names, of no token shape; ownMasked, how
// an error line shows it.
const ownToken, ownMasked = "plain-secret-value-0123456789", "plain-se…6789"

// TestFailureTableFromServers: the kinds only a server can give.
func TestFailureTableFromServers(t *testing.T) {
	var hops atomic.Int64
	loop := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	r := runCLI(t, envFor(loop.URL), "list")
	if r.code != exitUsage || r.stdout != "" {
		t.Errorf("endless redirect: exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
	}
	oneLine(t, r, loop.URL+" redirects without end: ", " (is LETTA_BASE_URL right?)")
	if n := hops.Load(); n > 20 {
		t.Errorf("%d requests for one list: the redirects were not stopped", n)
	}

}

// cliResult is the exit status and line of the command's error err.
func cliResult(t *testing.T, err error) (int, string) {
	t.Helper()
	var ce *cliError
	if !errors.As(err, &ce) {
		t.Fatalf("%T %v is not the command's error", err, err)
	}
	return ce.code, ce.msg
}
