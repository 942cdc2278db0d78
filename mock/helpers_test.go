package mock_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

const listPath = "/v1/client-side-access-tokens"

// testKey is a key for tests that configure one; it is not a real key.
const testKey = "sk-let-test-key-not-real-0123456789"

// exchange is one request to the mock and its whole response.
type exchange struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

// newServer starts a loopback mock holding tokens.
func newServer(t testing.TB, opts mock.Options) *httptest.Server {
	t.Helper()
	return mocktest.NewServer(t, opts)
}

// do sends method to ts at listPath?query with the given Authorization
// header ("" sends none).
func do(t testing.TB, ts *httptest.Server, method, query, authorization string) exchange {
	t.Helper()
	url := ts.URL + listPath
	if query != "" {
		url += "?" + query
	}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return roundTrip(t, ts, req)
}

// roundTrip sends req to ts and reads the whole response.
func roundTrip(t testing.TB, ts *httptest.Server, req *http.Request) exchange {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return exchange{req: req, status: resp.StatusCode, header: resp.Header, body: body}
}

// get sends an authorised GET.
func get(t testing.TB, ts *httptest.Server, query string) exchange {
	t.Helper()
	return do(t, ts, http.MethodGet, query, "Bearer "+testKey)
}

// page decodes a 200 response, failing the test on anything else.
func (e exchange) page(t testing.TB) gen.TokenPage {
	t.Helper()
	if e.status != http.StatusOK {
		t.Fatalf("%s: status %d, body %s", e.req.URL.RequestURI(), e.status, e.body)
	}
	var p gen.TokenPage
	if err := json.Unmarshal(e.body, &p); err != nil {
		t.Fatalf("%s: decode page: %v", e.req.URL.RequestURI(), err)
	}
	return p
}

// message decodes an error response's {"message": ...}, checking status
// and Content-Type.
func (e exchange) message(t testing.TB, wantStatus int) string {
	t.Helper()
	if e.status != wantStatus {
		t.Fatalf("%s: status %d, want %d; body %s", e.req.URL.RequestURI(), e.status, wantStatus, e.body)
	}
	if ct := e.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json", e.req.URL.RequestURI(), ct)
	}
	var m gen.ErrorMessage
	if err := json.Unmarshal(e.body, &m); err != nil || m.Message == "" {
		t.Fatalf("%s: body %s is not {\"message\": ...} (%v)", e.req.URL.RequestURI(), e.body, err)
	}
	return m.Message
}

// tokenValues lists the token values of tokens, in order.
func tokenValues(tokens []gen.Token) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = t.Token
	}
	return out
}

// namesAgent reports whether t's policy names agentID.
func namesAgent(t gen.Token, agentID string) bool {
	for _, p := range t.Policy.Data {
		if p.Id == agentID {
			return true
		}
	}
	return false
}
