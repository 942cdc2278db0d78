package main

// Edge tests of the CLI's critical files (mask.go, tokenvalue.go,
// failure.go), written with the first mutation run of cmd/letta-tokens
// (TESTING.md): the one table from a failure to its exit status and words,
// a row's own value masked field by field, the characters and sizes a
// token may have, and what masking a row allocates. They test results
// (the command's output, the error line and exit status), not how the
// files get there.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestFailureTable is the table from a failure to its exit status and
// words, kind by kind, with the exact line: who must act, and how, is the
// whole point of each. (KindNotAPI and the endless redirect need a server:
// TestFailureTableFromServers.)
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
		{"interrupted", fmt.Errorf("listing: %w", context.Canceled), exitInterrupted, "interrupted"},
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
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := failure{cfg: config{apiKey: testKey, baseURL: target, target: target}, timeout: 3 * time.Second, doing: "listing tokens at"}
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

// TestFailureMasksSecrets: the call's own secrets (the token a delete
// names, in any shape) are masked in every server string of the line.
// (The API key is masked in everything the command prints: runCLI checks
// that on every run.)
func TestFailureMasksSecrets(t *testing.T) {
	const plain = "plain-secret-value-0123456789"
	f := failure{cfg: config{apiKey: testKey, target: "https://letta.test"}, doing: "deleting a token at", secrets: []string{plain}}
	for _, err := range []error{
		errors.New("lettatokens: no token " + plain),
		&lettatokens.Error{StatusCode: http.StatusNotFound, Message: "no token " + plain, RequestID: "req-" + plain},
		&lettatokens.Error{StatusCode: http.StatusServiceUnavailable, Body: "no token " + plain},
		&lettatokens.Error{StatusCode: http.StatusBadRequest, Err: errors.New("no token " + plain)},
	} {
		_, msg := cliResult(t, f.of(err))
		if strings.Contains(msg, "secret-value-0123") {
			t.Errorf("%v: the token printed: %q", err, msg)
		}
	}
}

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

	notAPI := textServer(t, http.StatusNotFound, "<html>Not Found</html>")
	r = runCLI(t, envFor(notAPI), "list")
	if r.code != exitUsage {
		t.Errorf("404 without JSON on the collection: exit %d, want %d", r.code, exitUsage)
	}
	if want := "letta-tokens: " + notAPI + " is possibly not Letta's API: it answered HTTP 404 Not Found for the token collection, without JSON; check LETTA_BASE_URL, which must be the API root, such as " + lettatokens.DefaultBaseURL + "\n"; r.stderr != want {
		t.Errorf("404 without JSON:\n got %q\nwant %q", r.stderr, want)
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

// own is a token value not shaped like one: only the value itself can
// mask it.
const own = "plainOWNvalue-Q7w2E9r4T6y1"

// ownValueFields put own in one string field of a row each.
var ownValueFields = map[string]func(tok map[string]any){
	"hostname":  func(tok map[string]any) { tok["hostname"] = "https://" + own + ".example.com" },
	"expiresAt": func(tok map[string]any) { tok["expiresAt"] = own },
	"version":   func(tok map[string]any) { policyOf(tok)["version"] = own },
	"id":        func(tok map[string]any) { agentOf(tok)["id"] = "agent-" + own },
	"type":      func(tok map[string]any) { agentOf(tok)["type"] = own },
	"access":    func(tok map[string]any) { agentOf(tok)["access"] = []any{"read_messages", own} },
}

// TestListMasksOwnValueInEachField puts a row's own value, not shaped like
// a token (so only the value itself can mask it), in one field of the row
// at a time: list prints it in the token's cell with --reveal and nowhere
// else, and masks nothing but that field.
func TestListMasksOwnValueInEachField(t *testing.T) {
	for field, set := range ownValueFields {
		row := hostileToken(own, "https://app.example.com", "agent-1")
		set(row)
		clean := hostileToken(own, "https://app.example.com", "agent-1")
		base := servePage(t, []map[string]any{row})
		for _, reveal := range []bool{false, true} {
			for _, args := range [][]string{{"list"}, {"list", "--json"}} {
				if reveal {
					args = append(args, "--reveal")
				}
				r := runCLI(t, envFor(base), args...)
				if r.code != exitOK {
					t.Fatalf("%s, %q: exit %d: %s", field, args, r.code, r.stderr)
				}
				if n, want := strings.Count(r.stdout+r.stderr, own[5:17]), map[bool]int{true: 1}[reveal]; n != want {
					t.Errorf("%s holds the row's value, %q: printed %d times, want %d:\n%s", field, args, n, want, r.stdout)
				}
				if !slices.Contains(args, "--json") {
					continue
				}
				// Every other field as the server sent it.
				got := decodeTokens(t, r.stdout)[0]
				want := decodeTokens(t, string(mustJSON(t, []map[string]any{clean})))[0]
				got.Token, want.Token = "", ""
				gotJSON, wantJSON := string(mustJSON(t, got)), string(mustJSON(t, want))
				if diff := fieldsDiffering(t, gotJSON, wantJSON); len(diff) != 1 || diff[0] != field {
					t.Errorf("%s holds the row's value, %q: fields changed %v, want [%s]:\n%s", field, args, diff, field, gotJSON)
				}
			}
		}
	}
}

// TestCreateJSONMasksOwnValueInEachField: create --json prints the new
// token's value in full, and masks it in every other field, one at a time.
func TestCreateJSONMasksOwnValueInEachField(t *testing.T) {
	for field, set := range ownValueFields {
		tok := hostileToken(own, "https://app.example.com", "agent-1")
		set(tok)
		r := runCLI(t, envFor(hostileCreate(t, tok)), createArgs("--json")...)
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", field, r.code, r.stderr)
		}
		if n := strings.Count(r.stdout+r.stderr, own[5:17]); n != 1 || !strings.Contains(r.stdout, `"token": "`+own+`"`) {
			t.Errorf("%s holds the new token's value: printed %d times, want once, as the token:\n%s", field, n, r.stdout)
		}
	}
}

// TestListKeepsNullPolicyParts: a row that must be masked (the API key in
// its hostname) keeps what the server sent for data and access, null
// included: masking edits strings, not the row's shape.
func TestListKeepsNullPolicyParts(t *testing.T) {
	withNullData := hostileToken("ck-let-null-data-0123456789abcdef", "https://"+keyPart()+".example.com", "agent-1")
	policyOf(withNullData)["data"] = nil
	withNullAccess := hostileToken("ck-let-null-access-0123456789abcd", "https://"+keyPart()+".example.com", "agent-"+keyPart())
	agentOf(withNullAccess)["access"] = nil
	base := servePage(t, []map[string]any{withNullData, withNullAccess})
	r := runCLI(t, envFor(base), "list", "--json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rows []any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("not 2 rows (%v): %s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, `"data": null`) || strings.Count(r.stdout, `"access": null`) != 1 || leak(r.stdout, keyPart()) != "" {
		t.Errorf("want data null in row 1, access null in row 2, the key masked:\n%s", r.stdout)
	}
}

func policyOf(tok map[string]any) map[string]any { return tok["policy"].(map[string]any) }

func agentOf(tok map[string]any) map[string]any {
	return policyOf(tok)["data"].([]any)[0].(map[string]any)
}

// fieldsDiffering names the string leaves (by their key) that differ
// between two JSON documents of the same shape.
func fieldsDiffering(t *testing.T, a, b string) []string {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatal(err)
	}
	var diff []string
	var walk func(key string, x, y any)
	walk = func(key string, x, y any) {
		switch x := x.(type) {
		case map[string]any:
			y, _ := y.(map[string]any)
			for k := range x {
				walk(k, x[k], y[k])
			}
		case []any:
			y, _ := y.([]any)
			for i := range x {
				if i < len(y) {
					walk(key, x[i], y[i])
				} else {
					diff = append(diff, key)
				}
			}
		default:
			if x != y && !slices.Contains(diff, key) {
				diff = append(diff, key)
			}
		}
	}
	walk("", va, vb)
	return diff
}

// TestTokenCharacters: a token is printable ASCII without spaces, '!' to
// '~' both included; anything around that range, a workflow command, or
// the key is refused by delete before any request, and by create before
// printing. The reason never quotes the value.
func TestTokenCharacters(t *testing.T) {
	var requests atomic.Int64
	var deleted atomic.Value
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		deleted.Store(r.URL.EscapedPath())
		w.WriteHeader(http.StatusNoContent)
	}))
	const bad = "a character no token has (a control character, a space, or not ASCII)"
	const workflow = "a GitHub Actions workflow command, not a token"
	for _, tt := range []struct {
		value  string
		reason string // "" when usable
	}{
		{"ck-let-edges!~0123456789", ""},
		{"~ck-let-0123456789abcdef!", ""},
		{"ck-let-a::b-0123456789", ""},
		{"ck-let-#0123456789[abc", ""},
		{"ck-let-space 0123456789", bad},
		{"ck-let-tab\t0123456789", bad},
		{"ck-let-del\x7f0123456789", bad},
		{"ck-let-nul\x000123456789", bad},
		{"ck-let-unit\x1f0123456789", bad},
		{"ck-let-é-0123456789", bad},
		{"ck-let-\u00a0-0123456789", bad},
		{"\x7fck-let-0123456789", bad}, // the first byte is looked at too
		{"éck-let-0123456789", bad},
		{"::error::ck-let-0123456789", workflow},
		{"ck-let-0123456789#[x]", workflow},
		{testKey, "an API key, not a client-side access token"},
	} {
		before := requests.Load()
		r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(tt.value+"\n"), "delete")
		switch {
		case tt.reason == "":
			if r.code != exitOK || requests.Load() != before+1 || deleted.Load() != "/v1/client-side-access-tokens/"+url.PathEscape(tt.value) {
				t.Errorf("delete %q: exit %d, %d requests, path %v, stderr %q; want it deleted", tt.value, r.code, requests.Load()-before, deleted.Load(), r.stderr)
			}
		default:
			if r.code != exitUsage || requests.Load() != before {
				t.Errorf("delete %q: exit %d, %d requests; want %d and none", tt.value, r.code, requests.Load()-before, exitUsage)
			}
			if want := "letta-tokens: delete: stdin holds " + tt.reason + "; nothing was sent (see 'letta-tokens delete --help')\n"; r.stderr != want {
				t.Errorf("delete %q:\n got %q\nwant %q", tt.value, r.stderr, want)
			}
		}

		c := runCLI(t, envFor(hostileCreate(t, hostileToken(tt.value, "https://h.example.com", "agent-1"))), createArgs()...)
		switch {
		case tt.reason == "":
			if c.code != exitOK || c.stdout != tt.value+"\n" {
				t.Errorf("create answering %q: exit %d, stdout %q, stderr %q; want it printed", tt.value, c.code, c.stdout, c.stderr)
			}
		default:
			if c.code != exitFailure || c.stdout != "" {
				t.Errorf("create answering %q: exit %d, stdout %q; want %d and nothing", tt.value, c.code, c.stdout, exitFailure)
			}
			oneLine(t, c, "answered a token value that cannot be used ("+tt.reason+"): it is not printed")
		}
	}
}

// TestDeleteInputCap: delete reads at most 64 KiB: a token padded with
// white space to exactly that is deleted, one byte more is refused unread.
func TestDeleteInputCap(t *testing.T) {
	var requests atomic.Int64
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	const value = "ck-let-capped-0123456789abcdef"
	padded := func(n int) string { return value + strings.Repeat(" ", n-len(value)-1) + "\n" }
	r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(padded(maxTokenInput)), "delete")
	if r.code != exitOK || requests.Load() != 1 {
		t.Errorf("64 KiB of input: exit %d, %d requests, stderr %q; want it deleted", r.code, requests.Load(), r.stderr)
	}
	r = runCLIStdin(t, envFor(ts.URL), strings.NewReader(padded(maxTokenInput+1)), "delete")
	if r.code != exitUsage || requests.Load() != 1 {
		t.Errorf("64 KiB and a byte: exit %d, %d requests; want %d and none", r.code, requests.Load(), exitUsage)
	}
	if want := "letta-tokens: delete: stdin holds more than 64 KiB: want one token on one line (see 'letta-tokens delete --help')\n"; r.stderr != want {
		t.Errorf("64 KiB and a byte:\n got %q\nwant %q", r.stderr, want)
	}
}

// TestMaskerTokenAllocsAnyLength is TestMaskerTokenAllocs row by row, for
// every length of hostname up to 300 bytes: the one scan of a row is sized
// before it is built, so that no length of its fields costs one more
// allocation (an average over rows of several lengths hid a size short by
// a few bytes).
func TestMaskerTokenAllocsAnyLength(t *testing.T) {
	mask := newMasker(testKey, false)
	row := mock.SeedTokens(1)[0]
	row.Policy.Data = append(row.Policy.Data, gen.AgentPolicy{Type: "agent", Id: "agent-2", Access: []gen.AgentAccess{"read_messages", "write_messages"}})
	const most = 4
	for n := range 300 {
		row.Hostname = "https://" + strings.Repeat("h", n)
		if got := testing.AllocsPerRun(20, func() { mask.token(row) }); got > most {
			t.Fatalf("a hostname of %d bytes: masker.token allocates %.1f times, want at most %d", len(row.Hostname), got, most)
		}
	}
}
