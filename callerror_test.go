package lettatokens

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// TestNoAnswerIsTheTransportError: a refused connection comes back as
// itself (a *net.OpError inside net/http's *url.Error), wrapped with the
// operation; its URL is cut to the origin.
func TestNoAnswerIsTheTransportError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := NewClient(WithAPIKey(testAPIKey), WithBaseURL(base+"/prefix"), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTokens(context.Background(), ListOptions{})
	assertNoAnswer(t, err, "list tokens")
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Errorf("err = %v, want errors.As(err, *net.OpError) for the dial", err)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.URL != base+"" && urlErr.URL != base {
		t.Errorf("*url.Error's URL = %q, want the origin %s", urlErr.URL, base)
	}
	if strings.Contains(err.Error(), "prefix") || strings.Contains(err.Error(), "client-side-access-tokens") {
		t.Errorf("Error() = %q names the path", err.Error())
	}
}

// TestContextErrorIsWrappedWithTheOperation: a call whose context ends
// returns the context's error, wrapped with the operation.
func TestContextErrorIsWrappedWithTheOperation(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	c, _ := newTestClient(t, srv)
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
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := c.ListTokens(ctx, ListOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want errors.Is(err, %v)", err, tt.want)
			}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				t.Errorf("err = %v is an *Error", err)
			}
			if want := "lettatokens: list tokens: " + tt.want.Error(); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
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
