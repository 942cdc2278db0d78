package lettatokens

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

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

// TestUndeclaredZeroLengthIsReadWhole: a response whose ContentLength is 0
// although it has a body (a caller's fake transport that never set it) is
// read to its end, within the cap, like one of unknown length: not taken
// for an empty body.
func TestUndeclaredZeroLengthIsReadWhole(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	body := pageJSON(t)
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		return fakeAnswer(req, http.StatusOK, "application/json", body), nil
	}))
	page, err := c.ListTokens(ctx, ListOptions{})
	if err != nil || len(page.Tokens) != 2 {
		t.Fatalf("ListTokens: page %v, err %v; want the page of two tokens", page, err)
	}
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

// TestBodyBreaksOffAfterA2xx: a 2xx whose body breaks off is no answer.
// A list is retried, and fails as net/http's "Get" error to the origin; a
// create is sent once (its 2xx says the token was made), fails as a
// "Post" error wrapping ErrCreateUnconfirmed. Both are unavailable.
func TestBodyBreaksOffAfterA2xx(t *testing.T) {
	for _, declared := range []bool{true, false} {
		var mu sync.Mutex
		sent := map[string]int{}
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			sent[req.Method]++
			mu.Unlock()
			status, part := http.StatusOK, `{"tokens":[`
			if req.Method == http.MethodPost {
				status, part = http.StatusCreated, `{"token":"ck-let-`
			}
			resp := fakeAnswer(req, status, "application/json", nil)
			resp.Body = io.NopCloser(brokenBody{strings.NewReader(part)})
			if declared {
				resp.ContentLength = 100
			}
			return resp, nil
		}))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		_, listErr := c.ListTokens(ctx, ListOptions{})
		_, createErr := c.CreateToken(ctx, validCreate)
		cancel()
		for _, tc := range []struct {
			method, op string
			err        error
			sends      int
		}{
			{http.MethodGet, `lettatokens: list tokens: Get "http://127.0.0.1:1": reading response body: unexpected EOF`, listErr, 1 + defaultMaxRetries},
			{http.MethodPost, `lettatokens: create token: Post "http://127.0.0.1:1": reading response body: ` + ErrCreateUnconfirmed.Error() + `: unexpected EOF (HTTP 201)`, createErr, 1},
		} {
			if sent[tc.method] != tc.sends {
				t.Errorf("declared %v: %s sent %d times, want %d", declared, tc.method, sent[tc.method], tc.sends)
			}
			if tc.err == nil || tc.err.Error() != tc.op {
				t.Errorf("declared %v: %s: err = %v, want %q", declared, tc.method, tc.err, tc.op)
			}
			if got := errors.Is(tc.err, ErrCreateUnconfirmed); got != (tc.method == http.MethodPost) {
				t.Errorf("declared %v: %s: errors.Is(err, ErrCreateUnconfirmed) = %v", declared, tc.method, got)
			}
			if k := KindOf(tc.err); k != KindUnavailable {
				t.Errorf("declared %v: %s: KindOf = %s, want %s", declared, tc.method, k, KindUnavailable)
			}
		}
	}
}

// TestResentBodyComesFromGetBody: a create retried after two 503s is sent
// whole each time, its body taken afresh from GetBody for each resend; the
// first attempt sends the body as it was given.
func TestResentBodyComesFromGetBody(t *testing.T) {
	var bodies []string
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, string(b))
		if len(bodies) < 3 {
			return fakeAnswer(req, http.StatusServiceUnavailable, "application/json", []byte(`{}`)), nil
		}
		return fakeAnswer(req, http.StatusCreated, "application/json", []byte(`{"token":"ck-let-x"}`)), nil
	}))
	rewinds := 0
	countRewinds := func(_ context.Context, req *http.Request) error {
		getBody := req.GetBody
		req.GetBody = func() (io.ReadCloser, error) {
			rewinds++
			return getBody()
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	resp, err := c.Generated().CreateClientSideAccessToken(ctx, gen.CreateTokenRequest{Hostname: "https://app.example.com"}, countRewinds)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(bodies) != 3 || bodies[0] != bodies[1] || bodies[1] != bodies[2] || !strings.Contains(bodies[0], `"hostname":"https://app.example.com"`) || rewinds != 2 {
		t.Errorf("bodies sent %q, GetBody called %d times; want the same body three times, GetBody twice", bodies, rewinds)
	}
}

// TestResendNeedsAWayBack: a request whose body cannot be had again (no
// GetBody, as a caller's request editor may leave it) is sent once, its
// 503 the answer; one without a body (nil or http.NoBody) is retried.
func TestResendNeedsAWayBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   gen.RequestEditorFn
		create bool
		sends  int
	}{
		{"a body without GetBody", func(_ context.Context, req *http.Request) error { req.GetBody = nil; return nil }, true, 1},
		{"http.NoBody without GetBody", func(_ context.Context, req *http.Request) error {
			req.Body, req.GetBody = http.NoBody, nil
			return nil
		}, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n counter
			c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
				if req.Body != nil {
					io.Copy(io.Discard, req.Body)
				}
				if n.inc() == 1 {
					return fakeAnswer(req, http.StatusServiceUnavailable, "application/json", []byte(`{}`)), nil
				}
				return fakeAnswer(req, http.StatusOK, "application/json", []byte(`{"tokens":[],"hasNextPage":false}`)), nil
			}))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var resp *http.Response
			var err error
			if tc.create {
				resp, err = c.Generated().CreateClientSideAccessToken(ctx, gen.CreateTokenRequest{Hostname: "https://app.example.com"}, tc.edit)
			} else {
				resp, err = c.Generated().ListClientSideAccessTokens(ctx, nil, tc.edit)
			}
			if err == nil {
				resp.Body.Close()
			}
			var apiErr *Error
			if n.count() != tc.sends || (tc.sends == 1) != (errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusServiceUnavailable) {
				t.Errorf("sent %d times, err %v; want %d sends", n.count(), err, tc.sends)
			}
		})
	}
}

// TestErrorBodyAtTheCap: an unusable answer's body of exactly
// WithMaxBodyBytes bytes (under the 64 KiB read for errors) is shown whole
// and is not "too large"; one byte more is cut to the cap and is.
func TestErrorBodyAtTheCap(t *testing.T) {
	const limit = 64
	for _, extra := range []int{0, 1} {
		body := []byte(`{"message":"bad"` + strings.Repeat(" ", limit-len(`{"message":"bad"}`)+extra) + "}")
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			return fakeAnswer(req, http.StatusBadRequest, "application/json", body), nil
		}), WithMaxBodyBytes(limit))
		_, err := c.ListTokens(t.Context(), ListOptions{})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
			t.Fatalf("%d bytes: err = %v, want an *Error 400", len(body), err)
		}
		if tooLarge := errors.Is(err, ErrBodyTooLarge); tooLarge != (extra > 0) {
			t.Errorf("%d bytes, cap %d: errors.Is(err, ErrBodyTooLarge) = %v: %v", len(body), limit, tooLarge, err)
		}
		if extra == 0 && apiErr.Message != "bad" {
			t.Errorf("%d bytes: Message = %q, want the body's message", len(body), apiErr.Message)
		}
	}
}

// TestErrorBodyBreaksOff: an unusable answer whose body breaks off is no
// complete answer: a 400 so cut is unavailable, not rejected, its cause
// the read's error. A 2xx HTML page so cut is still not JSON: drift, its
// cause attempt.ErrNotJSON, whatever happened to the rest of it. Neither is sent
// again.
func TestErrorBodyBreaksOff(t *testing.T) {
	for _, tc := range []struct {
		status      int
		contentType string
		cause       error
		kind        Kind
	}{
		{http.StatusBadRequest, "application/json", io.ErrUnexpectedEOF, KindUnavailable},
		{http.StatusOK, "text/html", attempt.ErrNotJSON, KindUndocumented},
	} {
		var n counter
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			n.inc()
			resp := fakeAnswer(req, tc.status, tc.contentType, nil)
			resp.Body = io.NopCloser(brokenBody{strings.NewReader(`<html><title>half`)})
			return resp, nil
		}))
		_, err := c.ListTokens(t.Context(), ListOptions{})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !errors.Is(err, tc.cause) {
			t.Errorf("%d %s: err = %v, want an *Error %d wrapping %v", tc.status, tc.contentType, err, tc.status, tc.cause)
		}
		if k := KindOf(err); k != tc.kind || n.count() != 1 {
			t.Errorf("%d %s: KindOf = %s after %d requests, want %s after 1", tc.status, tc.contentType, k, n.count(), tc.kind)
		}
	}
}

// TestNoContentToAListIsNoPage: a 204 is usable as a delete's answer, but
// a list answered 204 has no page: an *Error 204, drift.
func TestNoContentToAListIsNoPage(t *testing.T) {
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		return fakeAnswer(req, http.StatusNoContent, "", nil), nil
	}))
	_, err := c.ListTokens(t.Context(), ListOptions{})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNoContent || KindOf(err) != KindUndocumented {
		t.Errorf("err = %v (kind %s), want an *Error 204, undocumented", err, KindOf(err))
	}
}
