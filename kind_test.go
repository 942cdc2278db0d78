package lettatokens

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestKindOf sorts errors the client really returns, each produced against
// a loopback server. (Other tests check the kind where they make the error:
// a redirect loop in TestRedirectLoopStopsAtTen, a body broken off in
// TestBodyBreaksOffAfterA2xx, 2xx answers that are no page in
// TestListAnswers.)
func TestKindOf(t *testing.T) {
	status := func(code int, contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(code)
			io.WriteString(w, body)
		}
	}
	jsonStatus := func(code int) http.HandlerFunc {
		return status(code, "application/json", `{"message":"scripted"}`)
	}
	list := func(c *Client, ctx context.Context) error {
		_, err := c.ListTokens(ctx, ListOptions{})
		return err
	}
	del := func(c *Client, ctx context.Context) error {
		return c.DeleteToken(ctx, "ck-let-0123456789abcdef0123456789")
	}
	walk := func(opts ListOptions) func(*Client, context.Context) error {
		return func(c *Client, ctx context.Context) error {
			_, err := collect(c.Tokens(ctx, opts))
			return err
		}
	}
	elsewhere := newServer(t, func(w http.ResponseWriter, r *http.Request) {})

	tests := []struct {
		name    string
		handler http.HandlerFunc
		opts    []Option
		call    func(*Client, context.Context) error
		want    Kind
	}{
		{"401", jsonStatus(401), nil, list, KindUnauthorized},
		{"403", jsonStatus(403), nil, list, KindUnauthorized},
		{"400", jsonStatus(400), nil, list, KindRejected},
		{"408 after retries", jsonStatus(408), nil, list, KindUnavailable},
		{"429 after retries", jsonStatus(429), nil, list, KindUnavailable},
		{"500 after retries", jsonStatus(500), nil, list, KindUnavailable},
		{"503 HTML after retries", status(503, "text/html", "<h1>down</h1>"), nil, list, KindUnavailable},
		{"attempts time out", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, []Option{WithTimeout(30 * time.Millisecond), WithMaxRetries(1)}, list, KindUnavailable},
		{"cross-origin redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		}, nil, list, KindRedirected},
		{"404 text on the collection", status(404, "text/plain; charset=utf-8", "404 page not found\n"), nil, list, KindNotAPI},
		{"404 HTML on the collection, no Content-Type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			w.WriteHeader(404)
			io.WriteString(w, "<html>nope</html>")
		}, nil, list, KindNotAPI},
		{"404 JSON on the collection", jsonStatus(404), nil, list, KindUndocumented},
		{"404 JSON body labelled text", status(404, "text/plain", `{"detail":"Not Found"}`), nil, list, KindUndocumented},
		{"404 text on a token", status(404, "text/plain", "404 page not found\n"), nil, del, KindUndocumented},
		{"409 after retries", jsonStatus(409), nil, list, KindUndocumented},
		{"418", jsonStatus(418), nil, list, KindUndocumented},
		{"200 over the cap", status(200, "application/json", `{"tokens":[],"hasNextPage":false}`),
			[]Option{WithMaxBodyBytes(8)}, list, KindUndocumented},
		{"lying pagination", status(200, "application/json", `{"tokens":[],"hasNextPage":true}`),
			nil, walk(ListOptions{}), KindUndocumented},
		{"bound reached", func(w http.ResponseWriter, r *http.Request) {
			writePage(t, w, makeTokens(0, 2), true)
		}, nil, walk(ListOptions{MaxTokens: 2}), KindBoundReached},
		{"bad arguments", jsonStatus(200), nil, func(c *Client, ctx context.Context) error {
			_, err := c.ListTokens(ctx, ListOptions{Limit: -1})
			return err
		}, KindInvalid},
		{"bad walk options", jsonStatus(200), nil, walk(ListOptions{Concurrency: MaxConcurrency + 1}), KindInvalid},
		{"cancelled", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil,
			func(c *Client, ctx context.Context) error {
				ctx, cancel := context.WithCancel(ctx)
				time.AfterFunc(20*time.Millisecond, cancel)
				return list(c, ctx)
			}, KindInterrupted},
		{"caller's deadline", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil,
			func(c *Client, ctx context.Context) error {
				ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
				defer cancel()
				return list(c, ctx)
			}, KindUnavailable},
		{"success", func(w http.ResponseWriter, r *http.Request) { writePage(t, w, nil, false) }, nil, list, KindNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			srv := newServer(t, tt.handler)
			c, _ := newTestClient(t, srv, tt.opts...)
			err := tt.call(c, ctx)
			if got := KindOf(err); got != tt.want {
				t.Errorf("KindOf(%v) = %s, want %s", err, got, tt.want)
			}
		})
	}
}

// TestKindNames: each kind is one unique word; a Kind no constant names
// (one past the last, or negative, as a conversion from a stored int may
// give) is "unknown", never a panic, as is the kind of an error this
// package did not make.
func TestKindNames(t *testing.T) {
	if got := KindOf(errors.New("something else")); got != KindUnknown {
		t.Errorf("KindOf(unknown) = %s, want %s", got, KindUnknown)
	}
	seen := map[string]bool{}
	for k := KindNone; k <= KindInvalid; k++ {
		name := k.String()
		if name == "" || seen[name] || strings.ContainsAny(name, " \t") {
			t.Errorf("Kind %d named %q: want a unique word", int(k), name)
		}
		seen[name] = true
	}
	for k, want := range map[Kind]string{KindNone: "none", KindUnknown: "unknown", KindUndocumented: "undocumented",
		KindUnauthorized: "unauthorized", KindRejected: "rejected", KindUnavailable: "unavailable",
		KindUnreachable: "unreachable", KindRedirected: "redirected", KindNotAPI: "not-api",
		KindBoundReached: "bound-reached", KindInterrupted: "interrupted", KindInvalid: "invalid",
		KindInvalid + 1: "unknown", -1: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestNotAPINamesTheBaseURL: a 404 without JSON on the collection says what
// is likely wrong, not just "HTTP 404 Not Found: 404 page not found"; on a
// token's own path the same answer is just an undocumented 404. (The CLI
// names the variable: the library is configured by options too.)
func TestNotAPINamesTheBaseURL(t *testing.T) {
	srv := newServer(t, http.NotFound)
	c, _ := newTestClient(t, srv)
	_, err := c.ListTokens(t.Context(), ListOptions{})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v, want an *Error 404", err)
	}
	for _, want := range []string{"HTTP 404", "not Letta's API", "the base URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Error() = %q, want it to say %q", err.Error(), want)
		}
	}
	err = c.DeleteToken(t.Context(), "ck-let-0123456789abcdef0123456789")
	if err == nil || strings.Contains(err.Error(), "the base URL") {
		t.Errorf("delete: err = %v, want a plain 404", err)
	}
}
