package live

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// TestKeyURLGuard: a request whose path or query holds the key it carries, in any
// form, never leaves the process.
func TestKeyURLGuard(t *testing.T) {
	const key = "sk-let-Abcdefghijklmnopqrstuvwxyz0123"
	var reached atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer ts.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	r := &liveRun{} // a run that does not know the key: its shape counts
	r.masker.Store(redact.NewMasker(""))
	guard := keyURLGuard{next: base, holdsKey: r.holdsKey}
	for _, path := range []string{"/v1/client-side-access-tokens/" + key, "/v1/client-side-access-tokens/ck-let-%6B%6C%6D%6E%6F%70%71%72%73%74%75%76", "/v1/x/ck-let-KLMNOPQRSTUV", "/v1/client-side-access-tokens?agentId=" + key, "/v1/client-side-access-tokens?agentId=agent-%6B%6C%6D%6E%6F%70%71%72%73%74%75%76"} {
		req, _ := http.NewRequest(http.MethodDelete, ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		if _, err := guard.RoundTrip(req); !errors.Is(err, errKeyInURL) {
			t.Errorf("%s: err %v, want errKeyInURL", path, err)
		}
	}
	if reached.Load() != 0 {
		t.Fatalf("%d requests holding the key reached the server", reached.Load())
	}
	// Ordinary requests pass, with a long key or a short one that the
	// API's own path spells ("token", "access").
	for i, c := range []struct{ key, target string }{
		{key, "/v1/client-side-access-tokens/ck-let-Zx9QpL2mN8vR4tY6uW0sE3dF"},
		{"token", "/v1/client-side-access-tokens?limit=7&offset=14"},
		{"access", "/v1/client-side-access-tokens?agentId=agent-1"},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+c.target, nil)
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := guard.RoundTrip(req)
		if err != nil || reached.Load() != int64(i+1) {
			t.Fatalf("%s with key %q: %v, %d reached", c.target, c.key, err, reached.Load())
		}
		resp.Body.Close()
	}
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/v1/client-side-access-tokens/ck-let-mytoken", nil)
	req.Header.Set("Authorization", "Bearer token")
	if _, err := guard.RoundTrip(req); !errors.Is(err, errKeyInURL) {
		t.Errorf("a short key in the token's segment: err %v, want errKeyInURL", err)
	}
}

// Two empty policies are not "the same policy": a create answered with no
// policy at all must not pass as the one the run asked for.
func TestSamePolicyNeedsOne(t *testing.T) {
	p := []gen.AgentPolicy{{Type: "agent", Id: "agent-1", Access: []gen.AgentAccess{"read_messages"}}}
	for _, c := range []struct {
		a, b []gen.AgentPolicy
		want bool
	}{
		{nil, nil, false},
		{[]gen.AgentPolicy{}, nil, false},
		{p, p, true},
		{p, nil, false},
	} {
		if got := samePolicy(c.a, c.b); got != c.want {
			t.Errorf("samePolicy(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Every 2xx answer that names a token settles the create in flight (here
// as foreign: the run has no seeding to own it); 200 and 299 are the
// edges of "2xx". An answer with no create in flight (an empty ledger)
// is settled on a record of its own.
func TestCreateAnsweredSettlesEvery2xx(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"token":"ck-let-0123456789abcdef0123456789abcdef","hostname":"https://example.com","expiresAt":"2030-01-01T00:00:00Z","policy":{"version":"1","data":[]}}`)
	for _, c := range []struct {
		status int
		sent   bool
	}{{200, true}, {201, true}, {299, true}, {201, false}} {
		r := &liveRun{validator: v}
		r.masker.Store(redact.NewMasker("sk-let-test-key"))
		if c.sent {
			r.sent(0, nil)
		}
		req := httptest.NewRequest(http.MethodPost, "/v1/client-side-access-tokens", nil)
		r.createAnswered(req, c.status, http.Header{"Content-Type": {"application/json"}}, body)
		if n := len(r.ledger); n != 1 || r.ledger[0].state != createForeign {
			t.Errorf("HTTP %d with a token, sent %v: %d records, want one settled as foreign", c.status, c.sent, n)
		}
	}
}
