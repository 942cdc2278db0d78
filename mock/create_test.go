package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// createdValue is the shape of a created token's value.
var createdValue = regexp.MustCompile(`^ck-let-[0-9a-f]{48}$`)

// send sends an authorised request with a JSON body ("" sends none).
func send(t testing.TB, ts *httptest.Server, method, path, body string) exchange {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	return roundTrip(t, ts, req)
}

func createBody(agentID, hostname, expiresAt string) string {
	body := map[string]any{
		"policy":   []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: agentID, Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteAgent}}},
		"hostname": hostname,
	}
	if expiresAt != "" {
		body["expires_at"] = expiresAt
	}
	data, _ := json.Marshal(body)
	return string(data)
}

// create creates a token, failing the test on anything but 201.
func create(t testing.TB, ts *httptest.Server, body string) gen.Token {
	t.Helper()
	e := send(t, ts, http.MethodPost, listPath, body)
	if e.status != http.StatusCreated {
		t.Fatalf("create: status %d, body %s", e.status, e.body)
	}
	var tok gen.Token
	if err := json.Unmarshal(e.body, &tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func deletePath(token string) string { return listPath + "/" + url.PathEscape(token) }

// allTokens lists every token in one page.
func allTokens(t testing.TB, ts *httptest.Server, agentID string) []string {
	t.Helper()
	q := url.Values{"limit": {"1000000"}, "agentId": {agentID}}
	return tokenValues(get(t, ts, q.Encode()).page(t).Tokens)
}

func TestCreateAndDelete(t *testing.T) {
	const agent = "agent-created-1"
	ts := newServer(t, mock.Options{SeedCount: 12, APIKey: testKey})
	seeded := tokenValues(mock.SeedTokens(12))

	tok := create(t, ts, createBody(agent, "https://app.example.org", "2031-02-03T04:05:06.7+01:00"))
	if !createdValue.MatchString(tok.Token) {
		t.Errorf("created value %q, want ck-let- and 48 hex digits", tok.Token)
	}
	want := gen.Token{Token: tok.Token, Hostname: "https://app.example.org", ExpiresAt: "2031-02-03T03:05:06.700Z",
		Policy: gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{{
			Type: gen.AgentPolicyTypeAgent, Id: agent, Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteAgent}}}}}
	if fmt.Sprint(tok) != fmt.Sprint(want) {
		t.Errorf("created %+v\nwant %+v", tok, want)
	}
	// What lists show after creates and deletes, TestChangesMatchModel
	// checks.
	for _, value := range []string{tok.Token, seeded[3]} {
		e := send(t, ts, http.MethodDelete, deletePath(value), "")
		if e.status != http.StatusNoContent || len(e.body) != 0 {
			t.Fatalf("delete: status %d, body %q; want 204 and none", e.status, e.body)
		}
	}

	// Deleting again, or a value that was never a token: 400, and the
	// message does not repeat the value.
	for _, value := range []string{tok.Token, seeded[3], "ck-let-mock-000005-0123456789abcdef01234567", "no-such-token-0123456789"} {
		e := send(t, ts, http.MethodDelete, deletePath(value), "")
		msg := e.message(t, http.StatusBadRequest)
		if !strings.Contains(msg, "not found") || strings.Contains(string(e.body), value) || strings.Contains(string(e.body), "0123456789") {
			t.Errorf("delete of an unknown token: message %q", msg)
		}
	}
}

func TestCreateDefaultExpiry(t *testing.T) {
	ts := newServer(t, mock.Options{})
	before := time.Now().UTC().Truncate(time.Millisecond)
	tok := create(t, ts, createBody("agent-1", "https://a.example.com", ""))
	after := time.Now().UTC()
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(tok.ExpiresAt) {
		t.Fatalf("expiresAt %q is not Cloud's format", tok.ExpiresAt)
	}
	got, _ := time.Parse(time.RFC3339, tok.ExpiresAt)
	if got.Before(before.Add(5*time.Minute)) || got.After(after.Add(5*time.Minute)) {
		t.Errorf("expiresAt %s, want 5 minutes after the create (between %s and %s)", got, before, after)
	}
}

func TestCreateRejects(t *testing.T) {
	ts := newServer(t, mock.Options{APIKey: testKey})
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	valid := createBody("agent-1", "https://a.example.com", future)
	edit := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("edit %q does not apply to %s", old, valid)
		}
		return strings.Replace(valid, old, new, 1)
	}
	tests := []struct {
		name, body string
		status     int
		want       []string
	}{
		{"no hostname", edit(`"hostname":"https://a.example.com",`, ""), 400, []string{"hostname", "missing"}},
		{"ftp hostname", edit(`"https://a.example.com"`, `"ftp://a.example.com"`), 400, []string{"/hostname", "regular expression"}},
		{"no policy", `{"hostname":"https://a.example.com"}`, 400, []string{"policy", "missing"}},
		{"unknown access", edit(`"write_agent"`, `"fly"`), 400, []string{"/policy/0/access/1", `"fly"`}},
		{"policy without id", edit(`"id":"agent-1",`, ""), 400, []string{"/policy/0/id", "missing"}},
		{"expires_at not a time", edit(future, "tomorrow"), 400, []string{"/expires_at", "ISO 8601"}},
		{"expires_at in the past", edit(future, "2001-01-01T00:00:00Z"), 400, []string{"/expires_at", "future"}},
		{"expires_at a number", edit(`"`+future+`"`, "1"), 400, []string{"/expires_at", "string"}},
		{"not JSON", `{"policy":`, 400, []string{"request body"}},
		{"no body", "", 400, []string{"request body", "required"}},
		{"the key in a field", edit(`"agent-1"`, `"`+testKey+`"`) + "x", 400, []string{"request body"}},
		{"over 1 MiB", createBody("agent-1", "https://a.example.com/"+strings.Repeat("a", 1<<20), ""), 413, []string{"larger than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := send(t, ts, http.MethodPost, listPath, tt.body)
			msg := e.message(t, tt.status)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, testKey) || len(msg) > 1000 {
				t.Errorf("message %q quotes the key or a schema", msg)
			}
		})
	}
	if got := allTokens(t, ts, ""); len(got) != 0 {
		t.Errorf("rejected creates left %d tokens", len(got))
	}
}

// TestCreateAndDeleteAnswersPassContract: the mock's answers to create and
// delete are what the spec documents.
func TestCreateAndDeleteAnswersPassContract(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, mock.Options{SeedCount: 3, APIKey: testKey})
	created := send(t, ts, http.MethodPost, listPath, createBody("agent-1", "https://a.example.com", ""))
	rejected := send(t, ts, http.MethodPost, listPath, `{"hostname":"x"}`)
	unknown := send(t, ts, http.MethodDelete, deletePath("ck-let-unknown-0123456789"), "")
	deleted := send(t, ts, http.MethodDelete, deletePath(tokenValues(mock.SeedTokens(3))[0]), "")
	for name, e := range map[string]exchange{"201": created, "400": rejected, "delete 400": unknown, "delete 204": deleted} {
		if fs := v.ValidateResponse(e.req, e.status, e.header, e.body); len(fs) != 0 {
			t.Errorf("%s: findings:\n%s", name, fs)
		}
		if fs := v.ValidateRequest(e.req); name == "201" && len(fs) != 0 {
			t.Errorf("%s: request findings:\n%s", name, fs)
		}
	}
	if created.status != http.StatusCreated || rejected.status != http.StatusBadRequest || unknown.status != http.StatusBadRequest || deleted.status != http.StatusNoContent {
		t.Errorf("statuses %d, %d, %d, %d", created.status, rejected.status, unknown.status, deleted.status)
	}
}

// TestDeleteBody: delete takes an optional JSON body of any shape, as the
// spec's empty schema says, and rejects one that is not JSON.
func TestDeleteBody(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 3})
	seeded := tokenValues(mock.SeedTokens(3))
	if e := send(t, ts, http.MethodDelete, deletePath(seeded[0]), `{"anything":[1,2]}`); e.status != http.StatusNoContent {
		t.Errorf("delete with a JSON body: status %d, body %s", e.status, e.body)
	}
	e := send(t, ts, http.MethodDelete, deletePath(seeded[1]), `{`)
	if msg := e.message(t, http.StatusBadRequest); !strings.Contains(msg, "request body") || strings.Contains(msg, seeded[1]) {
		t.Errorf("delete with a broken body: %q", msg)
	}
	if got := allTokens(t, ts, ""); !slices.Equal(got, seeded[1:]) {
		t.Errorf("after deletes: %v", got)
	}
}

// TestDeleteNeedsAuth: a delete without credentials deletes nothing.
func TestDeleteNeedsAuth(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 2, APIKey: testKey})
	value := mock.SeedTokens(1)[0].Token
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+deletePath(value), nil)
	req.Header.Set("Authorization", "Bearer wrong-key")
	if e := roundTrip(t, ts, req); e.status != http.StatusUnauthorized || strings.Contains(string(e.body), value) {
		t.Errorf("status %d, body %s", e.status, e.body)
	}
	if got := allTokens(t, ts, ""); len(got) != 2 {
		t.Errorf("an unauthorised delete deleted: %v", got)
	}
}
