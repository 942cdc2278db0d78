package lettatokens

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/redact"
)

// assertNoAnswer checks the shape of a call that got no usable answer: not
// an *Error (there was no HTTP answer to describe), but the cause wrapped
// with the operation, reachable with errors.As as net/http's *url.Error.
func assertNoAnswer(t *testing.T, err error, op string) {
	t.Helper()
	var apiErr *Error
	if errors.As(err, &apiErr) {
		t.Fatalf("err = %v is an *Error (status %d); want the transport error, wrapped", err, apiErr.StatusCode)
	}
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		t.Fatalf("err = %v (%T), want errors.As(err, *url.Error)", err, err)
	}
	if want := "lettatokens: " + op + ": "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %q, want it to start with %q", err.Error(), want)
	}
}

// TestNoConnection: a call that reaches no server (a refused connection,
// a certificate that does not verify) returns the transport's error
// wrapped with the operation, unreachable, its URL cut to the origin: no
// base URL prefix, no token. A refused connection is retried, a TLS
// failure is not (one connection a call, no backoff).
func TestNoConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	var conns atomic.Int64
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake fails, as it should
	tlsSrv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	tr := &http.Transport{} // does not trust the test certificate
	t.Cleanup(tr.CloseIdleConnections)
	for _, tt := range []struct {
		base      string
		wantWaits int
	}{{refused, 2 * defaultMaxRetries}, {tlsSrv.URL, 0}} {
		rec := &waitRecorder{}
		c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(tt.base+"/proxy/secret-prefix"),
			WithHTTPClient(&http.Client{Transport: tr}), withRetryWait(rec.wait))
		if err != nil {
			t.Fatal(err)
		}
		for op, call := range map[string]func() error{
			"list tokens": func() error {
				_, err := c.ListTokens(t.Context(), ListOptions{})
				return err
			},
			"delete token": func() error { return c.DeleteToken(t.Context(), awkwardToken) },
		} {
			err := call()
			assertNoAnswer(t, err, op)
			var urlErr *url.Error
			if errors.As(err, &urlErr) && urlErr.URL != tt.base {
				t.Errorf("%s: *url.Error's URL = %q, want the origin %s", op, urlErr.URL, tt.base)
			}
			var opErr *net.OpError
			if tt.base == refused && (!errors.As(err, &opErr) || opErr.Op != "dial") {
				t.Errorf("%s: err = %v, want errors.As(err, *net.OpError) for the dial", op, err)
			}
			for _, leak := range []string{"secret-prefix", "client-side-access-tokens", "?", "SECRET"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("%s: Error() = %q contains %q", op, err, leak)
				}
			}
			if got := KindOf(err); got != KindUnreachable {
				t.Errorf("%s: KindOf(%v) = %s, want %s", op, err, got, KindUnreachable)
			}
		}
		if got := len(rec.recorded()); got != tt.wantWaits {
			t.Errorf("%s: %d waits for two calls, want %d", tt.base, got, tt.wantWaits)
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d TLS connections for two calls, want 2: a certificate that does not verify is not retried", n)
	}
}

// TestContextErrorIsWrappedWithTheOperation: a call whose context ends
// returns the context's error, wrapped with the operation, promptly, not an
// *Error: before the headers come, or while a body trickles in under a
// long per-attempt timeout.
func TestContextErrorIsWrappedWithTheOperation(t *testing.T) {
	for _, h := range map[string]http.HandlerFunc{
		"before the headers":      func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"while the body trickles": trickle(10*time.Millisecond, 0),
	} {
		srv := newServer(t, h)
		c, _ := newTestClient(t, srv, WithTimeout(30*time.Second))
		for _, tt := range []struct {
			name string
			ctx  func() (context.Context, context.CancelFunc)
			want error
		}{
			{"cancelled", func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			}, context.Canceled},
			{"deadline", func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			}, context.DeadlineExceeded},
		} {
			ctx, cancel := tt.ctx()
			start := time.Now()
			_, err := c.ListTokens(ctx, ListOptions{})
			cancel()
			if !errors.Is(err, tt.want) {
				t.Fatalf("%s: err = %v, want errors.Is(err, %v)", tt.name, err, tt.want)
			}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				t.Errorf("%s: err = %v is an *Error", tt.name, err)
			}
			if want := "lettatokens: list tokens: " + tt.want.Error(); err.Error() != want {
				t.Errorf("%s: Error() = %q, want %q", tt.name, err.Error(), want)
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("%s: returned after %s, want promptly when the context ends", tt.name, elapsed)
			}
		}
	}
}

// TestTransportErrorTextIsSafe: net/http quotes what a server sent in some
// errors (a malformed header line). Wrapped, that text is masked (the key
// in use, whatever its shape, and tokens), escaped and capped like any
// server string, while errors.As still reaches the cause.
func TestTransportErrorTextIsSafe(t *testing.T) {
	const token = "ck-let-echoedSECRETtoken0123456789"
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		bw := bufio.NewWriter(buf)
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
		bw.WriteString("no colon " + testAPIKey + " " + token + " \x1b[2J\u202e" + strings.Repeat("x", 1<<16) + "\r\n\r\n")
		bw.Flush()
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))
	_, err := c.ListTokens(context.Background(), ListOptions{})
	assertNoAnswer(t, err, "list tokens")
	msg := err.Error()
	for _, leak := range []string{testAPIKey, token, "\x1b", "\u202e"} {
		if strings.Contains(msg, leak) {
			t.Errorf("Error() contains %q: %.300q", leak, msg)
		}
	}
	if max := len("lettatokens: list tokens: ") + maxErrorCause + len("…"); len(msg) > max {
		t.Errorf("Error() is %d bytes, want at most %d", len(msg), max)
	}
	if !strings.Contains(msg, redact.Line("malformed", 20)) {
		t.Errorf("Error() = %.200q, want net/http's words kept", msg)
	}
}
