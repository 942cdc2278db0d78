package lettatokens

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// capturedRequest is what a test server saw of a request.
type capturedRequest struct {
	method, path, rawQuery, auth, userAgent string
}

// capturingServer answers every request with an empty last page and keeps
// what it saw.
func capturingServer(t *testing.T) (*captured, string) {
	t.Helper()
	got := &captured{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.add(capturedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("User-Agent")})
		writePage(t, w, nil, false)
	})
	return got, srv.URL
}

type captured struct {
	mu   sync.Mutex
	reqs []capturedRequest
}

func (c *captured) add(r capturedRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, r)
}

func (c *captured) all() []capturedRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]capturedRequest(nil), c.reqs...)
}

func ptr[T any](v T) *T { return &v }

// TestClientSendsExactRequest: the request line, the key, and a User-Agent
// naming this module and its version, after the caller's own, if any.
func TestClientSendsExactRequest(t *testing.T) {
	const moduleUA = "letta-tokens-go/" + Version + " (+https://github.com/letta-tokens/letta-tokens)"
	tests := []struct {
		name      string
		params    *gen.ListClientSideAccessTokensParams
		opts      []Option
		wantQuery string
		wantUA    string
	}{
		{
			name:      "no params",
			wantQuery: "",
			wantUA:    moduleUA,
		},
		{
			name:      "all params",
			params:    &gen.ListClientSideAccessTokensParams{AgentId: ptr("agent-123"), Offset: ptr(200), Limit: ptr(50)},
			wantQuery: "agentId=agent-123&offset=200&limit=50",
			wantUA:    moduleUA,
		},
		{
			name:      "agent id needing escapes",
			params:    &gen.ListClientSideAccessTokensParams{AgentId: ptr("a b&c=d/é")},
			wantQuery: "agentId=a+b%26c%3Dd%2F%C3%A9", // form encoding, as gen does
			wantUA:    moduleUA,
		},
		{
			name:      "caller user agent first",
			opts:      []Option{WithUserAgent("my-app/1.2")},
			params:    &gen.ListClientSideAccessTokensParams{Limit: ptr(0)},
			wantQuery: "limit=0",
			wantUA:    "my-app/1.2 " + moduleUA,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, url := capturingServer(t)
			c, err := NewClient(append([]Option{WithAPIKey(testAPIKey), WithBaseURL(url)}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			// The generated method, to send gen's parameters as they are
			// (ListTokens always sends an offset); it goes through the same
			// loop, authentication and User-Agent.
			resp, err := c.Generated().ListClientSideAccessTokensWithResponse(context.Background(), tt.params)
			if err != nil {
				t.Fatalf("ListClientSideAccessTokensWithResponse: %v", err)
			}
			if resp.JSON200 == nil || resp.JSON200.HasNextPage {
				t.Errorf("JSON200 = %+v, want an empty last page", resp.JSON200)
			}
			want := capturedRequest{
				method:    http.MethodGet,
				path:      "/v1/client-side-access-tokens",
				rawQuery:  tt.wantQuery,
				auth:      "Bearer " + testAPIKey,
				userAgent: tt.wantUA,
			}
			if reqs := got.all(); len(reqs) != 1 || reqs[0] != want {
				t.Errorf("server saw %+v, want exactly [%+v]", reqs, want)
			}
		})
	}
}

func TestNewClientWithoutKeyNamesEnvVar(t *testing.T) {
	t.Setenv(envAPIKey, "")
	_, err := NewClient(WithBaseURL("http://127.0.0.1:1"))
	if !errors.Is(err, ErrNoAPIKey) {
		t.Fatalf("NewClient() error = %v, want ErrNoAPIKey", err)
	}
	if !strings.Contains(err.Error(), "LETTA_API_KEY") || KindOf(err) != KindInvalid {
		t.Errorf("error %q (kind %s) does not name LETTA_API_KEY, or is not invalid", err, KindOf(err))
	}
}

func TestDefaultBaseURL(t *testing.T) {
	t.Setenv(envBaseURL, "")
	c, err := NewClient(WithAPIKey(testAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	raw := c.Generated().ClientInterface.(*gen.Client)
	if raw.Server != DefaultBaseURL+"/" {
		t.Errorf("Server = %q, want %q", raw.Server, DefaultBaseURL+"/")
	}
}

// TestBaseURLForms: the options win over the environment, and a base URL
// is the API root however many slashes end it, or a gateway's prefix.
func TestBaseURLForms(t *testing.T) {
	t.Setenv(envAPIKey, "env-key-0123456789")
	t.Setenv(envBaseURL, "http://127.0.0.1:1") // nothing listens there
	tests := []struct{ suffix, wantPath string }{
		{"", "/v1/client-side-access-tokens"},
		{"/", "/v1/client-side-access-tokens"},
		{"//", "/v1/client-side-access-tokens"},
		{"/proxy/letta", "/proxy/letta/v1/client-side-access-tokens"},
		{"/proxy/letta/", "/proxy/letta/v1/client-side-access-tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.suffix, func(t *testing.T) {
			got, url := capturingServer(t)
			c, err := NewClient(WithAPIKey("option-key-0123456789"), WithBaseURL(url+tt.suffix))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListTokens(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if reqs := got.all(); len(reqs) != 1 || reqs[0].path != tt.wantPath || reqs[0].auth != "Bearer option-key-0123456789" {
				t.Errorf("server saw %+v, want path %q with the option's key", reqs, tt.wantPath)
			}
		})
	}
}

// TestNewClientRejectsBadOptions: each bad option is a *ConfigError, of
// kind invalid, naming the option and its rule; the bounds themselves
// (10 retries) are accepted.
func TestNewClientRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		want string // in Error()
	}{
		{"relative base URL", WithBaseURL("api.letta.com"), "WithBaseURL is not a base URL"},
		{"base URL with bad scheme", WithBaseURL("ftp://api.letta.com"), "WithBaseURL is not a base URL"},
		{"base URL with query", WithBaseURL("https://api.letta.com/?x=1"), "WithBaseURL is not a base URL"},
		{"unparsable base URL", WithBaseURL("http://[::1"), "WithBaseURL is not a base URL"},
		{"negative retries", WithMaxRetries(-1), "WithMaxRetries must be 0 to 10"},
		{"retries past the bound", WithMaxRetries(maxMaxRetries + 1), "WithMaxRetries must be 0 to 10"},
		{"retries far past the bound", WithMaxRetries(1000), "WithMaxRetries must be 0 to 10"},
		{"base URL ending in /v1", WithBaseURL("https://api.letta.com/v1"), "WithBaseURL ends in /v1"},
		{"negative timeout", WithTimeout(-time.Second), "WithTimeout must not be negative"},
		{"zero body cap", WithMaxBodyBytes(0), "WithMaxBodyBytes must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(WithAPIKey(testAPIKey), tt.opt)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewClient: err = %v, want a *ConfigError saying %q", err, tt.want)
			}
			if KindOf(err) != KindInvalid {
				t.Errorf("KindOf(%v) = %s, want %s", err, KindOf(err), KindInvalid)
			}
		})
	}
	if _, err := NewClient(WithAPIKey(testAPIKey), WithMaxRetries(maxMaxRetries), WithMaxBodyBytes(1)); err != nil {
		t.Errorf("WithMaxRetries(10), WithMaxBodyBytes(1): %v", err)
	}
}

func TestCallerTransportAndClientHonoured(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writePage(t, w, nil, false) })
	// counting returns a transport to srv that counts the requests it carries.
	counting := func(n *counter) http.RoundTripper {
		return transportFunc(func(req *http.Request) (*http.Response, error) {
			n.inc()
			return srv.Client().Transport.RoundTrip(req)
		})
	}

	t.Run("WithHTTPClient", func(t *testing.T) {
		var n counter
		hc := &http.Client{Transport: counting(&n)}
		c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(srv.URL), WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListTokens(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if n.count() != 1 || hc.Timeout != 0 || hc.CheckRedirect != nil {
			t.Errorf("caller's transport carried %d requests, want 1; caller's client now %+v, want it unmodified", n.count(), hc)
		}
	})

	t.Run("WithTransport wins over the client's", func(t *testing.T) {
		var viaClient, viaOption counter
		c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(srv.URL),
			WithHTTPClient(&http.Client{Transport: counting(&viaClient)}), WithTransport(counting(&viaOption)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListTokens(context.Background(), ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if viaClient.count() != 0 || viaOption.count() != 1 {
			t.Errorf("client transport carried %d, option transport %d; want 0 and 1", viaClient.count(), viaOption.count())
		}
	})
}

func TestAttemptTimeoutPrecedence(t *testing.T) {
	tests := []struct {
		name          string
		callerTimeout time.Duration
		opts          []Option
		want          time.Duration
	}{
		{"default", 0, nil, defaultTimeout},
		{"caller client's", 5 * time.Second, nil, 5 * time.Second},
		{"option over caller's", 5 * time.Second, []Option{WithTimeout(time.Second)}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config{apiKey: testAPIKey, maxBodyBytes: 1, httpClient: &http.Client{Timeout: tt.callerTimeout}}
			for _, o := range tt.opts {
				o(&cfg)
			}
			if err := cfg.complete(func(string) string { return "" }); err != nil {
				t.Fatal(err)
			}
			if got := cfg.timeout; got != tt.want {
				t.Errorf("attempt timeout = %s, want %s", got, tt.want)
			}
			// The loop limits each attempt by its context; a Timeout left on
			// the client would also cut the loop's own body read short.
			if got := cfg.attemptClient().Timeout; got != 0 {
				t.Errorf("attempt client's Timeout = %s, want 0", got)
			}
		})
	}
}

func TestBearerAuthAloneWithGeneratedClient(t *testing.T) {
	got, url := capturingServer(t)
	raw, err := gen.NewClientWithResponses(url, gen.WithRequestEditorFn(BearerAuth(testAPIKey)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := raw.ListClientSideAccessTokensWithResponse(context.Background(), nil)
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("raw call: resp %+v, err %v", resp, err)
	}
	if reqs := got.all(); len(reqs) != 1 || reqs[0].auth != "Bearer "+testAPIKey {
		t.Errorf("server saw %+v", reqs)
	}
}

// TestFailedCallKeepsIdleConnections: a call that gives up after its
// retries leaves the pooled connections of a shared transport alone, so
// the next call (here, of another Client on the same transport) reuses
// the connection instead of dialling again.
func TestFailedCallKeepsIdleConnections(t *testing.T) {
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusServiceUnavailable, map[string]string{"message": "busy"})
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	for range 2 {
		c, _ := newTestClient(t, srv)
		if _, err := c.ListTokens(t.Context(), ListOptions{}); err == nil {
			t.Fatal("want an error after the retries")
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections dialled for 6 sequential attempts, want 1", n)
	}
}
