package lettatokens

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/redact"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// testAPIKey has no sk-let- shape on purpose: redaction of the key in use
// must not depend on recognising its shape.
const testAPIKey = "test-api-key-0123456789abcdef"

// newServer starts a loopback server for one test and closes it (and the
// client connections it pooled) when the test ends.
func newServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// waitRecorder replaces the retry wait in tests: it records what the policy
// asked for and sleeps nothing, so a test of Retry-After: 30 takes no time.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *waitRecorder) wait(d time.Duration) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return 0
}

func (r *waitRecorder) recorded() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// withRetryWait is the test hook for the retry wait (see config.retryWait).
func withRetryWait(f func(time.Duration) time.Duration) Option {
	return func(c *config) { c.retryWait = f }
}

// newTestClient returns a Client for srv with the test key, srv's own
// transport (closed with srv), and retry waits recorded, not slept.
func newTestClient(t testing.TB, srv *httptest.Server, opts ...Option) (*Client, *waitRecorder) {
	t.Helper()
	rec := &waitRecorder{}
	all := append([]Option{
		WithAPIKey(testAPIKey),
		WithBaseURL(srv.URL),
		WithHTTPClient(srv.Client()),
		withRetryWait(rec.wait),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, rec
}

// counter counts requests a handler serves.
type counter struct{ n atomic.Int64 }

func (c *counter) inc() int   { return int(c.n.Add(1)) }
func (c *counter) count() int { return int(c.n.Load()) }

// makeToken returns the i-th token of a deterministic fixture account.
func makeToken(i int) gen.Token {
	return gen.Token{
		Token:     fmt.Sprintf("ck-let-%032d", i),
		Hostname:  fmt.Sprintf("app%d.example.com", i),
		ExpiresAt: "2030-01-02T03:04:05.678Z",
		Policy: gen.TokenPolicy{
			Version: gen.TokenPolicyVersionV1,
			Data: []gen.AgentPolicy{{
				Type:   gen.AgentPolicyTypeAgent,
				Id:     fmt.Sprintf("agent-%d", i%7),
				Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages},
			}},
		},
	}
}

func makeTokens(from, to int) []gen.Token {
	toks := make([]gen.Token, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		toks = append(toks, makeToken(i))
	}
	return toks
}

func writeJSON(t testing.TB, w http.ResponseWriter, status int, v any) {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Errorf("marshal: %v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func writePage(t testing.TB, w http.ResponseWriter, toks []gen.Token, hasNext bool) {
	t.Helper()
	if toks == nil {
		toks = []gen.Token{}
	}
	writeJSON(t, w, http.StatusOK, gen.TokenPage{Tokens: toks, HasNextPage: hasNext})
}

// fakePages is an in-process PageLister whose pages
// come from a function of the offset: no HTTP, for walks too long for a
// loopback server.
type fakePages func(offset int) (*gen.TokenPage, error)

func (f fakePages) ListTokens(_ context.Context, params ListOptions) (*gen.TokenPage, error) {
	return f(params.Offset)
}

// Collect is collect, for the external test package.
var Collect = collect

// collect gathers a walk's tokens, and its error, which ends it.
func collect(walk iter.Seq2[gen.Token, error]) ([]gen.Token, error) {
	var all []gen.Token
	for tok, err := range walk {
		if err != nil {
			return all, err
		}
		all = append(all, tok)
	}
	return all, nil
}

// transportFunc is a RoundTripper made of a function: a caller's transport
// (a fake in the caller's own tests, a middleware) answering without a
// server.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// fakeAnswer is a response as a caller's fake transport builds it: a
// literal with a status, a Content-Type and a body, its ContentLength left
// at 0 (as most fakes leave it), the request attached.
func fakeAnswer(req *http.Request, status int, contentType string, body []byte) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
}

// newFakeClient is a Client whose every attempt goes through rt, with
// retry waits recorded, not slept.
func newFakeClient(t *testing.T, rt http.RoundTripper, opts ...Option) (*Client, *waitRecorder) {
	t.Helper()
	rec := &waitRecorder{}
	c, err := NewClient(append([]Option{WithAPIKey(testAPIKey), WithBaseURL("http://127.0.0.1:1"),
		WithTransport(rt), withRetryWait(rec.wait)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// brokenBody gives its bytes, then fails as a connection cut mid-body does.
type brokenBody struct{ r io.Reader }

func (b brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// validCreate is a create the parameter checks let through.
var validCreate = CreateTokenParams{Hostname: "https://app.example.com",
	Policy: []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: "agent-1", Access: readMessages}}}

// keysMasker masks each of keys as a run's API key.
func keysMasker(keys ...string) *redact.Masker { return redact.NewMasker("").WithKeys(keys...) }
