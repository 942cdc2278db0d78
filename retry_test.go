package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// step is one scripted answer of a test server.
type step struct {
	status  int
	headers map[string]string
}

// scriptedServer answers the n-th request with steps[n] (the last step
// repeating), a 200 step with an empty last page, and counts requests.
func scriptedServer(t *testing.T, steps ...step) (*counter, *httptest.Server) {
	t.Helper()
	n := &counter{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		s := steps[min(n.inc(), len(steps))-1]
		for k, v := range s.headers {
			w.Header().Set(k, v)
		}
		if s.status == http.StatusOK {
			writePage(t, w, nil, false)
			return
		}
		writeJSON(t, w, s.status, map[string]string{"message": "scripted " + strconv.Itoa(s.status)})
	})
	return n, srv
}

func TestRetryPolicy(t *testing.T) {
	ok := step{status: http.StatusOK}
	tests := []struct {
		name         string
		steps        []step
		opts         []Option
		wantAttempts int
		wantStatus   int // 0: success
		wantWaits    []time.Duration
	}{
		{
			name:         "429 with Retry-After then 200, one wait",
			steps:        []step{{429, map[string]string{"Retry-After": "2"}}, ok},
			wantAttempts: 2,
			wantWaits:    []time.Duration{2 * time.Second},
		},
		{
			name:         "retry-after-ms wins over Retry-After",
			steps:        []step{{429, map[string]string{"Retry-After-Ms": "150", "Retry-After": "9"}}, ok},
			wantAttempts: 2,
			wantWaits:    []time.Duration{150 * time.Millisecond},
		},
		{
			name:         "503 three times gives up after exactly 3 attempts",
			steps:        []step{{503, nil}},
			wantAttempts: 3,
			wantStatus:   503,
		},
		{
			name:         "x-should-retry false on a 500 is not retried",
			steps:        []step{{500, map[string]string{"X-Should-Retry": "false"}}},
			wantAttempts: 1,
			wantStatus:   500,
		},
		{
			name:         "x-should-retry true on a 400 is retried",
			steps:        []step{{400, map[string]string{"X-Should-Retry": "true"}}, ok},
			wantAttempts: 2,
		},
		{
			name:         "x-should-retry true on a 200 is not retried",
			steps:        []step{{200, map[string]string{"X-Should-Retry": "true"}}},
			wantAttempts: 1,
		},
		// The retry of the call that got a 429 waits its own backoff once:
		// the throttle that answer set does not hold it again.
		{name: "429 without a delay retried after one wait", steps: []step{{429, nil}, ok}, wantAttempts: 2},
		{name: "409 retried", steps: []step{{409, nil}, ok}, wantAttempts: 2},
		{name: "502 retried", steps: []step{{502, nil}, {502, nil}, ok}, wantAttempts: 3},
		{name: "400 not retried", steps: []step{{400, nil}}, wantAttempts: 1, wantStatus: 400},
		{
			name:         "no retries when disabled",
			steps:        []step{{503, nil}},
			opts:         []Option{WithMaxRetries(0)},
			wantAttempts: 1,
			wantStatus:   503,
		},
		{
			name:         "more retries when asked",
			steps:        []step{{503, nil}},
			opts:         []Option{WithMaxRetries(4)},
			wantAttempts: 5,
			wantStatus:   503,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, srv := scriptedServer(t, tt.steps...)
			c, waits := newTestClient(t, srv, tt.opts...)
			resp, err := c.ListTokens(context.Background(), ListOptions{})
			if got := n.count(); got != tt.wantAttempts {
				t.Errorf("server saw %d attempts, want %d", got, tt.wantAttempts)
			}
			if tt.wantStatus == 0 {
				if err != nil || resp == nil {
					t.Fatalf("got resp %+v, err %v; want a page", resp, err)
				}
			} else {
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
					t.Fatalf("err = %v, want *Error with status %d", err, tt.wantStatus)
				}
				if want := "scripted " + strconv.Itoa(tt.wantStatus); apiErr.Message != want {
					t.Errorf("Message = %q, want %q (the last response's)", apiErr.Message, want)
				}
			}
			if tt.wantWaits != nil && !slices.Equal(waits.recorded(), tt.wantWaits) {
				t.Errorf("waits = %v, want %v", waits.recorded(), tt.wantWaits)
			}
			if got, want := len(waits.recorded()), tt.wantAttempts-1; got != want {
				t.Errorf("waited %d times, want %d", got, want)
			}
		})
	}
}

// TestRetriedWithoutAnAnswer: an attempt that gets no answer (a connection
// reset, or closed before the headers, a body that breaks off before its
// declared length) is retried after a backoff, and the call succeeds when
// the next attempt is whole; failing every time, it gives up after three
// attempts with the transport's error, wrapped.
func TestRetriedWithoutAnAnswer(t *testing.T) {
	hangUp := func(reset bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			if tcp, ok := conn.(*net.TCPConn); ok && reset {
				tcp.SetLinger(0) // close with RST, not FIN: a real reset
			}
			conn.Close()
		}
	}
	for _, tt := range []struct {
		name   string
		fail   http.HandlerFunc
		always bool
	}{
		{"reset once", hangUp(true), false},
		{"closed every time", hangUp(false), true},
		{"body broken off once", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.Write([]byte(`{"tokens":[`)) // and the handler returns: the connection closes
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := &counter{}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n.inc() == 1 || tt.always {
					tt.fail(w, r)
					return
				}
				writePage(t, w, makeTokens(0, 2), false)
			})
			c, waits := newTestClient(t, srv)
			page, err := c.ListTokens(t.Context(), ListOptions{})
			attempts := 2
			if tt.always {
				attempts = 1 + defaultMaxRetries
				assertNoAnswer(t, err, "list tokens")
			} else if err != nil || len(page.Tokens) != 2 {
				t.Fatalf("page %+v, err %v; want the page of the second attempt", page, err)
			}
			if n.count() != attempts || len(waits.recorded()) != attempts-1 {
				t.Errorf("server saw %d attempts after %d waits, want %d after %d", n.count(), len(waits.recorded()), attempts, attempts-1)
			}
		})
	}
}

// trickle writes the start of a 200 JSON page, then one more byte every
// interval until the client hangs up: a server that is never quite silent
// but never done. declared, if positive, is sent as the Content-Length.
func trickle(interval time.Duration, declared int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if declared > 0 {
			w.Header().Set("Content-Length", strconv.Itoa(declared))
		}
		w.Write([]byte(`{"tokens":[`))
		for {
			http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done(): // the client gave up and hung up
				return
			case <-time.After(interval):
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}
}

// TestTricklingBodyIsAnOutage: a body that does not arrive within the
// per-attempt timeout is no answer at all, the same as a server that never
// sends headers (the first row): each attempt times out, it is retried, and
// the caller gets the timeout (net/http's *url.Error, cut to the origin)
// wrapped with the operation, not an *Error with status 200, which the
// contract runner would call drift.
func TestTricklingBodyIsAnOutage(t *testing.T) {
	for _, tt := range []struct {
		name     string
		declared int
	}{
		{"no headers", -1},
		{"chunked", 0},
		{"declared length", 1000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := &counter{}
			h := trickle(2*time.Second, tt.declared)
			if tt.declared < 0 {
				h = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
			}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { n.inc(); h(w, r) })
			c, waits := newTestClient(t, srv, WithTimeout(100*time.Millisecond))
			start := time.Now()
			_, err := c.ListTokens(context.Background(), ListOptions{})
			elapsed := time.Since(start)
			assertNoAnswer(t, err, "list tokens")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want errors.Is(err, context.DeadlineExceeded)", err)
			}
			var netErr net.Error
			if !errors.As(err, &netErr) || !netErr.Timeout() {
				t.Errorf("err = %v, want a net.Error with Timeout() true", err)
			}
			if n.count() != 3 || len(waits.recorded()) != 2 {
				t.Errorf("server saw %d attempts after %d waits, want 3 after 2", n.count(), len(waits.recorded()))
			}
			if elapsed > 2*time.Second {
				t.Errorf("took %s, want about 3 × 100ms", elapsed)
			}
		})
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	firstSeen := make(chan struct{})
	n := &counter{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.inc() == 1 {
			close(firstSeen)
		}
		w.Header().Set("Retry-After", "30")
		writeJSON(t, w, http.StatusServiceUnavailable, map[string]string{"message": "busy"})
	})
	// The real wait: the policy asks for 30 s, and only the context can end it.
	c, _ := newTestClient(t, srv, withRetryWait(func(d time.Duration) time.Duration { return d }))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-firstSeen
		time.Sleep(20 * time.Millisecond) // let the response arrive and the wait begin
		cancel()
	}()
	start := time.Now()
	_, err := c.ListTokens(ctx, ListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %s, want promptly after the cancel", elapsed)
	}
	if n.count() != 1 {
		t.Errorf("server saw %d attempts, want 1", n.count())
	}
}

func TestContextAlreadyDone(t *testing.T) {
	n, srv := scriptedServer(t, step{status: http.StatusOK})
	c, _ := newTestClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.ListTokens(ctx, ListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n.count() != 0 {
		t.Errorf("server saw %d requests, want 0", n.count())
	}
}

// TestHostileRetryAfterIsBounded: whatever a server asks for, no wait
// between attempts exceeds 60*time.Second, so that one call takes at most
// (MaxRetries+1) × (timeout + 60 s).
func TestHostileRetryAfterIsBounded(t *testing.T) {
	headers := []map[string]string{
		{"Retry-After": "86400"},
		{"Retry-After": "1e9"},
		{"Retry-After": "1e400"},
		{"Retry-After": "Inf"},
		{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
		{"Retry-After-Ms": "9223372036854775807"},
		{"Retry-After-Ms": "60000.001"},
		{"Retry-After-Ms": "-1", "Retry-After": "61"},
		{"Retry-After-Ms": "+Inf", "Retry-After": "NaN"},
	}
	for _, h := range headers {
		t.Run(fmt.Sprint(h), func(t *testing.T) {
			_, srv := scriptedServer(t, step{http.StatusServiceUnavailable, h})
			c, waits := newTestClient(t, srv, WithMaxRetries(3))
			if _, err := c.ListTokens(context.Background(), ListOptions{}); err == nil {
				t.Fatal("want an error after the retries")
			}
			got := waits.recorded()
			if len(got) != 3 {
				t.Fatalf("waited %d times, want 3", len(got))
			}
			for _, d := range got {
				if d <= 0 || d > 60*time.Second {
					t.Errorf("waits = %v, want each in (0, %s]", got, 60*time.Second)
				}
			}
		})
	}
}

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
			if !errors.Is(tc.err, io.ErrUnexpectedEOF) || errors.As(tc.err, new(*Error)) || !errors.As(tc.err, new(*url.Error)) {
				t.Errorf("declared %v: %s: err = %v, want net/http's *url.Error wrapping io.ErrUnexpectedEOF, no *Error", declared, tc.method, tc.err)
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
