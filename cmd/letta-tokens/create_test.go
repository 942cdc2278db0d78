package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/redact"
)

// createArgs are the flags of a valid create, for an agent the mock seeds.
func createArgs(extra ...string) []string {
	return append([]string{"create", "--hostname", "https://app.example.com", "--agent-id", mock.SeedAgentID(0),
		"--access", "read_messages,write_messages"}, extra...)
}

// createdValue is the value on create's plain stdout: one line, the token
// alone.
var createdValue = regexp.MustCompile(`^(ck-let-[0-9a-f]+)\n$`)

// listRevealed lists every token of the account behind env, values in full.
func listRevealed(t *testing.T, env map[string]string) []gen.Token {
	t.Helper()
	r := runCLI(t, env, "list", "--all", "--json", "--reveal")
	if r.code != exitOK {
		t.Fatalf("list: exit %d: %s", r.code, r.stderr)
	}
	return decodeTokens(t, r.stdout)
}

func findToken(tokens []gen.Token, value string) (gen.Token, bool) {
	i := slices.IndexFunc(tokens, func(tok gen.Token) bool { return tok.Token == value })
	if i < 0 {
		return gen.Token{}, false
	}
	return tokens[i], true
}

// TestCreateListDelete runs the lifecycle against the stateful mock: the
// created token is listed, its value is printed on create's stdout and
// nowhere else, delete takes it from stdin, and it is gone from the list.
func TestCreateListDelete(t *testing.T) {
	ts := newMock(t, 3)
	env := envFor(ts.URL)
	agents := []string{mock.SeedAgentID(0), mock.SeedAgentID(1)}

	r := runCLI(t, env, "create", "--hostname", "https://app.example.com", "--agent-id", agents[0], "--agent-id", agents[1],
		"--access", "read_messages,write_messages", "--expires-in", "1h")
	if r.code != exitOK {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	m := createdValue.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("create's stdout is not one token line: %q", r.stdout)
	}
	value := m[1]
	wantNote := "created token " + redact.Token(value) + " for https://app.example.com, agents " +
		agents[0] + "(read_messages,write_messages); " + agents[1] + "(read_messages,write_messages), expires "
	if !strings.HasPrefix(r.stderr, wantNote) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("create's stderr:\n%q\nwant one line starting\n%q", r.stderr, wantNote)
	}
	if strings.Contains(r.stderr, value) {
		t.Error("create printed the token in full on stderr")
	}

	tok, ok := findToken(listRevealed(t, env), value)
	if !ok {
		t.Fatal("the created token is not listed")
	}
	want := gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{
		{Type: gen.AgentPolicyTypeAgent, Id: agents[0], Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages}},
		{Type: gen.AgentPolicyTypeAgent, Id: agents[1], Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages}},
	}}
	if got, _ := json.Marshal(tok.Policy); string(got) != string(mustJSON(t, want)) || tok.Hostname != "https://app.example.com" {
		t.Errorf("listed token: hostname %q, policy %s; want %s", tok.Hostname, got, mustJSON(t, want))
	}
	if at, err := lettatokens.ExpiresAt(tok); err != nil || at.Before(time.Now().Add(59*time.Minute)) || at.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("expiresAt %q, want about an hour from now (%v)", tok.ExpiresAt, err)
	}

	r = runCLIStdin(t, env, strings.NewReader(value+"\n"), "delete")
	if r.code != exitOK || r.stdout != "" {
		t.Fatalf("delete: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if want := "deleted " + redact.Token(value) + "\n"; r.stderr != want {
		t.Errorf("delete's stderr %q, want %q", r.stderr, want)
	}
	if _, ok := findToken(listRevealed(t, env), value); ok {
		t.Error("the deleted token is still listed")
	}

	// Deleting it again: the mock's 400, with its message, exit 2.
	r = runCLIStdin(t, env, strings.NewReader(value), "delete")
	if r.code != exitUsage || r.stdout != "" {
		t.Errorf("second delete: exit %d, stdout %q; want %d", r.code, r.stdout, exitUsage)
	}
	oneLine(t, r, ts.URL+" rejected the request: HTTP 400 Bad Request: mock: client-side access token not found")
	if strings.Contains(r.stderr, value) {
		t.Error("delete printed the token in full")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCreateJSON: --json prints the created token, its value in full, and
// nothing else on stdout; without an expiry flag the server's default (five
// minutes at the mock, as at Letta) applies.
func TestCreateJSON(t *testing.T) {
	ts := newMock(t, 0)
	env := envFor(ts.URL)
	r := runCLI(t, env, createArgs("--json")...)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var tok gen.Token
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil {
		t.Fatalf("stdout is not one JSON token: %v\n%s", err, r.stdout)
	}
	listed := listRevealed(t, env)
	if len(listed) != 1 || !tokensEqual([]gen.Token{tok}, listed) {
		t.Errorf("--json printed %s, the mock lists %s", mustJSON(t, tok), mustJSON(t, listed))
	}
	if at, err := lettatokens.ExpiresAt(tok); err != nil || at.Before(time.Now().Add(4*time.Minute)) || at.After(time.Now().Add(6*time.Minute)) {
		t.Errorf("expiresAt %q without --expires-in or --expires-at, want the default of about 5 minutes (%v)", tok.ExpiresAt, err)
	}
	if !strings.HasPrefix(r.stderr, "created token "+redact.Token(tok.Token)) || strings.Contains(r.stderr, tok.Token) {
		t.Errorf("stderr %q", r.stderr)
	}

	r = runCLI(t, env, createArgs("--expires-at", "2099-01-02T03:04:05Z")...)
	if r.code != exitOK {
		t.Fatalf("--expires-at: exit %d: %s", r.code, r.stderr)
	}
	value := strings.TrimSuffix(r.stdout, "\n")
	if got, _ := findToken(listRevealed(t, env), value); got.ExpiresAt != "2099-01-02T03:04:05.000Z" {
		t.Errorf("--expires-at 2099-01-02T03:04:05Z: token expires %q", got.ExpiresAt)
	}
}

// TestCreateUsageErrors: every flag mistake is one usage line, exit 2,
// with nothing on stdout and no request sent.
func TestCreateUsageErrors(t *testing.T) {
	var requests atomic.Int64
	ts := newServer(t, countRequests(mockHandler(t, mock.Options{}), &requests))
	env := envFor(ts.URL)
	host, agent, access := "https://app.example.com", mock.SeedAgentID(0), "read_messages"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--agent-id", agent, "--access", access}, "--hostname is required"},
		{[]string{"--hostname", "", "--agent-id", agent, "--access", access}, "--hostname is required"},
		{[]string{"--hostname", "app.example.com", "--agent-id", agent, "--access", access}, "--hostname does not match"},
		{[]string{"--hostname", "https://", "--agent-id", agent, "--access", access}, "--hostname names no host"},
		{[]string{"--hostname", host, "--access", access}, "--agent-id is required"},
		{[]string{"--hostname", host, "--agent-id", "", "--access", access}, "--agent-id must not be empty"},
		{[]string{"--hostname", host, "--agent-id", agent, "--agent-id", agent, "--access", access}, `--agent-id "` + agent + `" is given twice`},
		{[]string{"--hostname", host, "--agent-id", agent}, "--access is required"},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", "read_mesages"}, `--access: "read_mesages" is not an access the API knows: want read_messages, write_messages, read_agent or write_agent`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", "read_messages,WRITE_AGENT"}, `"WRITE_AGENT" is not an access the API knows`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", "read_messages,"}, `--access has an empty item`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", "read_agent", "--access", "read_agent"}, `--access: "read_agent" is given twice`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", "evil\x1b[2J"}, `"evil\x1b[2J" is not an access`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-in", "1h", "--expires-at", "2099-01-01T00:00:00Z"}, "--expires-in and --expires-at cannot be used together"},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-in", "0s"}, "--expires-in must be positive, got 0s"},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-in", "-1h"}, "--expires-in must be positive, got -1h0m0s"},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-in", "soon"}, `invalid value "soon" for --expires-in: want a duration such as 30s or 2m`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-at", "tomorrow"}, `--expires-at: "tomorrow" is not an RFC 3339 time, such as 2030-01-02T15:04:05Z`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--expires-at", "2001-01-01T00:00:00Z"}, "--expires-at 2001-01-01T00:00:00Z is not in the future"},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--timeout", "0s"}, "--timeout must be above 0 and at most 10m (such as 30s or 2m), got "},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "extra"}, `unexpected argument "extra"`},
		{[]string{"--hostname", host, "--agent-id", agent, "--access", access, "--reveal"}, "unknown flag --reveal"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, env, append([]string{"create"}, tt.args...)...)
			if r.code != exitUsage || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
			}
			oneLine(t, r, "letta-tokens: create: ", tt.want, "(see 'letta-tokens create --help')")
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent for flag errors, want none", n)
	}
}

// TestAccessValuesAreTheSpecs: the values --access accepts, and names in
// its errors, are exactly the spec's AgentAccess enum.
func TestAccessValuesAreTheSpecs(t *testing.T) {
	spec, err := server.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var enum []string
	for _, v := range spec.Components.Schemas["AgentAccess"].Value.Enum {
		enum = append(enum, v.(string))
	}
	var ours []string
	for _, a := range accessValues {
		ours = append(ours, string(a))
	}
	if !slices.Equal(enum, ours) {
		t.Errorf("--access knows %q, the spec %q", ours, enum)
	}
}

// jsonServer answers every request with status and body, as JSON, and asks
// the client not to retry.
func jsonServer(t *testing.T, status int, body string) string {
	t.Helper()
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Should-Retry", "false")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})).URL
}

// TestCreateFailures: exit codes as for list, the server's message escaped
// and masked.
func TestCreateFailures(t *testing.T) {
	// Not shaped like a key, so only its value can mask it.
	const plainKey = "plain-api-key/0123456789+abc"
	for _, tt := range []struct {
		name   string
		status int
		body   string
		code   int
		wants  []string
	}{
		{"400", http.StatusBadRequest, `{"message":"hostname not allowed for key ` + plainKey + ` or sk-let-other-key-0123456789 \u001b[2J\nforged"}`,
			exitUsage, []string{" rejected the request: HTTP 400 Bad Request: hostname not allowed for key plain-ap…", `\x1b[2J\nforged`}},
		{"400 JSON-escaped key", http.StatusBadRequest, `{"message":"key plain-api-key\/0123456789+abc"}`,
			exitUsage, []string{" rejected the request: HTTP 400 Bad Request: key plain-ap…"}},
		{"400 long message", http.StatusBadRequest, `{"message":"` + strings.Repeat("x", 100_000) + `"}`,
			exitUsage, []string{"xxxx…"}},
		{"401", http.StatusUnauthorized, `{"message":"no"}`, exitUsage, []string{"credentials rejected", "(HTTP 401): check LETTA_API_KEY"}},
		{"404", http.StatusNotFound, `{"message":"no such route"}`, exitFailure, []string{"answered HTTP 404 Not Found: no such route", "not an answer the API documents"}},
		{"503", http.StatusServiceUnavailable, `{"message":"down"}`, exitUsage, []string{"is unavailable: HTTP 503 Service Unavailable: down"}},
		{"201 not a token", http.StatusCreated, `{"hostname":"h"}`, exitFailure, []string{"HTTP 201 Created", `required member "token"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{envBaseURL: jsonServer(t, tt.status, tt.body), envAPIKey: plainKey}
			r := runCLI(t, env, createArgs()...)
			if r.code != tt.code || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, tt.code)
			}
			line := oneLine(t, r, tt.wants...)
			if strings.Contains(line, "0123456789+abc") || strings.Contains(line, "sk-let-other-key-0123456789") || strings.Contains(line, "\x1b") {
				t.Errorf("stderr holds a secret or a raw escape: %q", line)
			}
			if len(line) > 1200 {
				t.Errorf("a %d-byte error line", len(line))
			}
		})
	}
}

// hostileCreate is a server that answers every create with tok, 201.
func hostileCreate(t *testing.T, tok any) string {
	t.Helper()
	body, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	return jsonServer(t, http.StatusCreated, string(body))
}

// TestCreateHostileToken: a server answers create with a token whose
// fields hold escape sequences, the API key and other secrets. Plain
// output is the value alone; --json keeps every field valid JSON, masked;
// stderr is escaped and masked. (A value that is not a usable token:
// TestTokenValues.)
func TestCreateHostileToken(t *testing.T) {
	const value = "ck-let-hostile-value-0123456789abcdef"
	const other = "ck-let-someone-elses-token-0123456789"
	evil := map[string]any{
		"token":     value,
		"hostname":  "https://x\x1b]0;pwned\x07\x1b[2J\n" + testKey + " " + other,
		"expiresAt": "2099-01-01T00:00:00.000Z\r\u202eforged",
		"policy": map[string]any{"version": "1", "data": []any{map[string]any{
			"type": "agent", "id": "agent-\x1b[31m" + value, "access": []any{"read_messages", "\x1b[5m" + testKey},
		}}},
	}
	url := hostileCreate(t, evil)

	r := runCLI(t, envFor(url), createArgs()...)
	if r.code != exitOK || r.stdout != value+"\n" {
		t.Fatalf("plain: exit %d, stdout %q; want the value alone", r.code, r.stdout)
	}
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", value, other} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr holds %q: %q", bad, r.stderr)
		}
	}
	if strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}

	r = runCLI(t, envFor(url), createArgs("--json")...)
	if r.code != exitOK {
		t.Fatalf("--json: exit %d: %s", r.code, r.stderr)
	}
	var tok gen.Token
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil {
		t.Fatalf("--json: not JSON: %v\n%q", err, r.stdout)
	}
	if tok.Token != value {
		t.Errorf("--json: value %q, want it in full", tok.Token)
	}
	for _, bad := range []string{"\x1b", "\x07", "\r", other} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("--json stdout holds %q raw: %q", bad, r.stdout)
		}
	}
	if !strings.Contains(tok.Hostname, "\x1b]0;pwned") || !strings.Contains(tok.Hostname, redact.Token(other)) {
		t.Errorf("--json: hostname %q, want the value kept whole (escaped by JSON) with the other token masked", tok.Hostname)
	}

}

// brokenWriter fails every write, as stdout does when the reading end of
// a pipe has gone.
type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestCreateOutputFails: when stdout cannot be written, the token exists
// all the same; the error says which one (redacted), so it can be deleted.
func TestCreateOutputFails(t *testing.T) {
	ts := newMock(t, 0)
	env := envFor(ts.URL)
	for _, args := range [][]string{createArgs(), createArgs("--json")} {
		var stderr strings.Builder
		code := run(t.Context(), args, brokenWriter{}, &stderr, func(k string) string { return env[k] })
		listed := listRevealed(t, env)
		if len(listed) == 0 {
			t.Fatal("no token was created")
		}
		value := listed[len(listed)-1].Token
		want := "letta-tokens: writing output: broken pipe; created token " + redact.Token(value) + " for https://app.example.com"
		if code != exitFailure || !strings.HasPrefix(stderr.String(), want) || strings.Contains(stderr.String(), value) {
			t.Errorf("%q: exit %d, stderr %q; want %d and a line starting %q", args[len(args)-1], code, stderr.String(), exitFailure, want)
		}
	}
}

// A created token's stderr line names at most maxNoteAgents agents and
// counts the rest: a server that answers with a huge policy costs one
// short line, not a masking pass over every entry.
func TestCreatedNoteCountsManyAgents(t *testing.T) {
	tok := gen.Token{Token: "ck-let-created-0123456789abcdef", Hostname: "https://a.example.com", ExpiresAt: "2031-01-01T00:00:00.000Z"}
	for i := range 20 {
		tok.Policy.Data = append(tok.Policy.Data, gen.AgentPolicy{Type: gen.AgentPolicyTypeAgent, Id: fmt.Sprintf("agent-%02d", i), Access: []gen.AgentAccess{gen.AgentAccessReadMessages}})
	}
	line := createdNote(tok, redact.NewMasker(testKey), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if !strings.Contains(line, "agent-07(") || strings.Contains(line, "agent-08(") || !strings.Contains(line, " and 12 more") {
		t.Errorf("note = %q", line)
	}
}
