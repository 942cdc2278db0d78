// Package attempt is the attempt loop of a Client: the one place where a
// request is sent, retried and judged.
//
// The loop is written out rather than taken from a retry library because
// each step needs to see the others: the throttle must know which call an
// answer belongs to (so a call's own retry is not held back twice), the
// body must be read before the attempt's time limit ends and before the
// retry decision (so a body that breaks off is retried like a reset
// connection), and the error must be built from the last answer, not from
// a library's summary.
//
// The package knows nothing of secrets or of the API's errors: it hands
// back an answer the caller cannot use as an [*Unusable], and a call
// without an answer as its cause, and the root package words both.
package attempt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Loop sends requests. It lets through only what a caller can use: a 204,
// any 2xx to a delete, or a 2xx answer declaring a JSON body of at most
// MaxBodyBytes, already read whole within its attempt (see [Body]). Any
// other answer is an *Unusable, so even the generated client's raw methods
// never see an HTML page or a 500 as a success. A Loop is safe for
// concurrent use; it must not be copied after its first use.
type Loop struct {
	// Client makes one attempt: the caller's client, a redirect policy in
	// front (see SameOriginRedirects), no Timeout of its own.
	Client *http.Client
	// Timeout is the limit of each attempt, body included.
	Timeout      time.Duration
	MaxRetries   int
	MaxBodyBytes int64
	// Wait turns a wait the loop asks for into the wait slept: the
	// identity outside tests, which shrink it so that a test of a 10 s
	// Retry-After takes milliseconds.
	Wait func(time.Duration) time.Duration

	throttle throttle
}

// Unusable is an answer the caller cannot use: a status that is not a
// success, a body that is not JSON, one over the cap, a redirect to
// another origin.
type Unusable struct {
	Resp  *http.Response // its status and headers; the body is closed
	Body  []byte         // what was read of the body, at most MaxErrorBodyRead
	Cause error          // why it cannot be used, beyond its status; may be nil
}

// Error is for completeness: the root package words an Unusable itself.
func (u *Unusable) Error() string { return fmt.Sprintf("HTTP %d: %v", u.Resp.StatusCode, u.Cause) }

// Do sends req until an attempt is final, and returns a usable response or
// an error: an *Unusable for an answer that cannot be used, else the cause
// of getting none (the context's error when ctx ended, the transport's,
// its URL cut to the origin).
func (l *Loop) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for n := 0; ; n++ {
		// A server that said it is overloaded holds back every request of
		// the Client, not just the one it answered.
		l.throttle.await(ctx, req, l.Wait)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out := l.attempt(ctx, req, n)
		l.throttle.observe(req, out.answer, time.Now())
		if err := ctx.Err(); err != nil {
			// The caller cancelled or timed out: give back exactly that, so
			// errors.Is(err, context.Canceled) reads naturally, even if an
			// answer arrived as the context ended.
			return nil, err
		}
		// A body that cannot be had afresh cannot be sent again
		// (http.NewRequest sets GetBody for the bodies gen builds).
		lostBody := req.Body != nil && req.Body != http.NoBody && req.GetBody == nil
		if !out.retry || n >= l.MaxRetries || lostBody {
			return out.resp, out.err
		}
		sleep(ctx, l.Wait(retryDelay(n, out.answer, rand.Float64)))
	}
}

// outcome is how one attempt ended.
type outcome struct {
	resp  *http.Response // a usable answer, its body read; nil when err is set
	err   error          // why the call fails, if this attempt is its last
	retry bool           // whether another attempt may do better
	// answer is the server's answer, usable or not, for the throttle and
	// the backoff to read their headers; nil when none came.
	answer *http.Response
}

// attempt sends req once under its own time limit and judges the answer,
// reading what is needed of its body before the limit ends.
func (l *Loop) attempt(ctx context.Context, req *http.Request, n int) outcome {
	actx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	r := req.WithContext(actx)
	if n > 0 && req.GetBody != nil {
		// The first attempt consumed the body; a POST is sent again whole.
		body, err := req.GetBody()
		if err != nil {
			return outcome{err: fmt.Errorf("rewinding the request body: %w", err)}
		}
		r.Body = body
	}
	resp, err := l.Client.Do(r)
	switch {
	case err != nil && resp != nil:
		// Only a refused redirect comes with a response (its body closed
		// by net/http); the next attempt would meet the same redirect.
		return outcome{err: refusedRedirect(req, resp, err), answer: resp}
	case err != nil:
		return outcome{err: WithoutPath(err), retry: transportRetryable(err)}
	}
	return l.judge(req, resp)
}

// judge reads what is needed of resp's body and decides what the caller
// gets. It runs within the attempt's time limit: a body that times out or
// breaks off is a failed attempt, retried like a reset connection, rather
// than a failure found after the retries are over.
func (l *Loop) judge(req *http.Request, resp *http.Response) outcome {
	defer resp.Body.Close()
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	switch {
	case resp.StatusCode == http.StatusNoContent || success && req.Method == http.MethodDelete:
		// A delete's answer: any 2xx means the token is gone, whatever the
		// body says. It is drained (a little) so the connection is reused.
		io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBodyRead))
		resp.Body = http.NoBody
		return outcome{resp: resp, answer: resp}
	case !success:
		return outcome{err: l.unusable(resp, nil), retry: Retryable(resp), answer: resp}
	case !IsJSON(resp.Header.Get("Content-Type")):
		return outcome{err: l.unusable(resp, fmt.Errorf("%w (Content-Type %q)", ErrNotJSON, resp.Header.Get("Content-Type"))), answer: resp}
	case resp.ContentLength > l.MaxBodyBytes:
		// Refused unread.
		return outcome{err: &Unusable{Resp: resp, Cause: l.tooLarge()}, answer: resp}
	}
	body, tooLarge, err := readCapped(resp.Body, resp.ContentLength, l.MaxBodyBytes)
	switch {
	case err != nil:
		// No answer after all: net/http's shape for a failed attempt, the
		// URL cut to the origin. Retried like a reset connection, with the
		// backoff's own delay: an answer that never arrived whole asks for
		// nothing. Not a create, though: its 2xx status says the server
		// made the token, and sending it again would make another live
		// secret.
		if req.Method == http.MethodPost {
			err = fmt.Errorf("%w: %w (HTTP %d)", ErrCreateUnconfirmed, err, resp.StatusCode)
		}
		// Op as net/http names a method ("Get", "Post"); gen sets every
		// request's method.
		op := req.Method[:1] + strings.ToLower(req.Method[1:])
		cause := &url.Error{Op: op, URL: req.URL.String(), Err: BodyReadError{err}}
		return outcome{err: WithoutPath(cause), retry: req.Method != http.MethodPost}
	case tooLarge:
		return outcome{err: &Unusable{Resp: resp, Cause: l.tooLarge()}, answer: resp}
	}
	b := &bufferedBody{data: body}
	b.Reset(body)
	resp.Body = b
	return outcome{resp: resp, answer: resp}
}

// unusable reads the start of an unusable answer's body.
func (l *Loop) unusable(resp *http.Response, cause error) *Unusable {
	limit := min(l.MaxBodyBytes, MaxErrorBodyRead)
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case int64(len(body)) > limit:
		body = body[:limit]
		if cause == nil && limit == l.MaxBodyBytes {
			cause = l.tooLarge()
		}
	case err != nil && cause == nil:
		cause = fmt.Errorf("reading response body: %w", err)
	}
	return &Unusable{Resp: resp, Body: body, Cause: cause}
}

// refusedRedirect is the error for an attempt whose redirect the policy
// refused. A cross-origin one is an answer a caller cannot use, an
// *Unusable with its status and request id (net/http's *url.Error around
// our refusal would only repeat the target); any other (too many
// redirects, a caller's CheckRedirect) is the transport's error.
func refusedRedirect(req *http.Request, resp *http.Response, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, ErrCrossOriginRedirect) {
		return &Unusable{Resp: resp, Cause: ue.Err}
	}
	// net/http quotes the Location as sent, often a bare path; the
	// redirect stayed at the configured origin, so that is named instead.
	return &url.Error{Op: ue.Op, URL: Origin(req.URL), Err: ue.Err}
}

// ErrCreateUnconfirmed is in the chain of a create whose 2xx status
// arrived but whose body did not arrive whole.
var ErrCreateUnconfirmed = errors.New("a token was probably created, but its answer did not arrive whole; it was not sent again")

// ErrBodyTooLarge is the cause when a response body is larger than
// MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrNotJSON is the cause when a 2xx response does not declare a JSON body
// (typically an HTML page from a proxy or a captive portal).
var ErrNotJSON = errors.New("response is not JSON")

func (l *Loop) tooLarge() error {
	return fmt.Errorf("%w (over %d bytes)", ErrBodyTooLarge, l.MaxBodyBytes)
}
