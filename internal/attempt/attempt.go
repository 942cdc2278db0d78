package lettatokens

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

	"github.com/letta-tokens/letta-tokens/internal/retrypolicy"
)

// doer is the gen.HttpRequestDoer of a Client: the attempt loop, the one
// place where a request is sent, retried and judged (see the package
// documentation for why the module owns it). It lets through only what a
// caller can use: a 204, any 2xx to a delete, or a 2xx answer declaring a
// JSON body of at most maxBodyBytes, already read whole within its
// attempt. Any other answer becomes an *Error here, so even gen's raw
// methods never see an HTML page or a 500 as a success; a call without a
// usable answer fails with its cause wrapped (see callError).
type doer struct {
	hc           *http.Client  // one attempt: the caller's client, our redirect policy, no Timeout of its own
	timeout      time.Duration // the limit of each attempt, body included
	maxRetries   int
	maxBodyBytes int64
	apiKey       string // for redaction only
	throttle     *throttle
	// wait turns a backoff into the wait slept: config.retryWait.
	wait func(time.Duration) time.Duration
}

// Do sends req until an attempt is final, and returns a usable response or
// an error: an *Error for an answer that cannot be used, else the cause
// (the context's error when ctx ended, the transport's) wrapped with the
// operation.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		// A server that said it is overloaded holds back every request of
		// the Client, not just the one it answered.
		d.throttle.await(ctx, req)
		if err := ctx.Err(); err != nil {
			return nil, d.noAnswer(req, err)
		}
		out := d.attempt(ctx, req, attempt)
		d.throttle.observe(req, out.answer, time.Now())
		if err := ctx.Err(); err != nil {
			// The caller cancelled or timed out: give back exactly that, so
			// errors.Is(err, context.Canceled) reads naturally, even if an
			// answer arrived as the context ended.
			return nil, d.noAnswer(req, err)
		}
		if !out.retry || attempt >= d.maxRetries || !resendable(req) {
			return out.resp, out.err
		}
		var h http.Header
		if out.answer != nil {
			h = out.answer.Header
		}
		sleep(ctx, d.wait(retryDelay(attempt, h, rand.Float64)))
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
func (d *doer) attempt(ctx context.Context, req *http.Request, n int) outcome {
	actx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	r := req.WithContext(actx)
	if n > 0 && req.GetBody != nil {
		// The first attempt consumed the body; a POST is sent again whole.
		body, err := req.GetBody()
		if err != nil {
			return outcome{err: d.noAnswer(req, fmt.Errorf("rewinding the request body: %w", err))}
		}
		r.Body = body
	}
	resp, err := d.hc.Do(r)
	switch {
	case err != nil && resp != nil:
		// Only a refused redirect comes with a response (its body closed
		// by net/http); the next attempt would meet the same redirect.
		return outcome{err: d.refusedRedirect(req, resp, err), answer: resp}
	case err != nil:
		return outcome{err: d.noAnswer(req, withoutPath(err)), retry: retrypolicy.TransportError(err)}
	}
	return d.judge(req, resp)
}

// judge reads what is needed of resp's body and decides what the caller
// gets. It runs within the attempt's time limit: a body that times out or
// breaks off is a failed attempt, retried like a reset connection, rather
// than a failure found after the retries are over.
func (d *doer) judge(req *http.Request, resp *http.Response) outcome {
	defer resp.Body.Close()
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	switch {
	case resp.StatusCode == http.StatusNoContent || success && req.Method == http.MethodDelete:
		// A delete's answer: any 2xx means the token is gone, whatever the
		// body says. It is drained (a little) so the connection is reused.
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBodyRead))
		resp.Body = http.NoBody
		return outcome{resp: resp, answer: resp}
	case !success:
		return outcome{err: d.unusable(req, resp, nil), retry: retrypolicy.Response(resp), answer: resp}
	case !isJSON(resp.Header.Get("Content-Type")):
		return outcome{err: d.unusable(req, resp, fmt.Errorf("%w (Content-Type %q)", errNotJSON, resp.Header.Get("Content-Type"))), answer: resp}
	case resp.ContentLength > d.maxBodyBytes:
		// Refused unread.
		return outcome{err: newResponseError(resp, nil, d.tooLarge(), d.secrets(req)...), answer: resp}
	}
	body, tooLarge, err := readCapped(resp.Body, resp.ContentLength, d.maxBodyBytes)
	switch {
	case err != nil:
		// No answer after all: net/http's shape for a failed attempt, the
		// URL cut to the origin.
		// Retried like a reset connection, with the backoff's own delay:
		// an answer that never arrived whole asks for nothing.
		// Not a create, though: its 2xx status says the server made the
		// token, and sending it again would make another live secret.
		if req.Method == http.MethodPost {
			err = fmt.Errorf("%w: %w (HTTP %d)", ErrCreateUnconfirmed, err, resp.StatusCode)
		}
		cause := &url.Error{Op: urlOp(req.Method), URL: req.URL.String(), Err: bodyReadError{err}}
		return outcome{err: d.noAnswer(req, withoutPath(cause)), retry: req.Method != http.MethodPost}
	case tooLarge:
		return outcome{err: newResponseError(resp, nil, d.tooLarge(), d.secrets(req)...), answer: resp}
	}
	b := &bufferedBody{data: body}
	b.Reset(body)
	resp.Body = b
	return outcome{resp: resp, answer: resp}
}

// refusedRedirect is the error for an attempt whose redirect the policy
// refused. A cross-origin one is an answer a caller cannot use, so an
// *Error with its status and request id (net/http's *url.Error around our
// refusal would only repeat the target); any other (too many redirects, a
// caller's CheckRedirect) is the transport's error.
func (d *doer) refusedRedirect(req *http.Request, resp *http.Response, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return d.noAnswer(req, err)
	}
	if errors.Is(err, ErrCrossOriginRedirect) {
		return newResponseError(resp, nil, ue.Err, d.secrets(req)...)
	}
	// net/http quotes the Location as sent, often a bare path; the
	// redirect stayed at the configured origin, so that is named instead.
	return d.noAnswer(req, &url.Error{Op: ue.Op, URL: originOf(req.URL), Err: ue.Err})
}

// noAnswer is the error of a call that got no usable answer: cause,
// wrapped with the operation and made safe to print.
func (d *doer) noAnswer(req *http.Request, cause error) error {
	return newCallError(operation(req), cause, d.secrets(req))
}

// resendable reports whether req can be sent again: it has no body, or a
// way to get it afresh (http.NewRequest sets GetBody for the bodies gen
// builds).
func resendable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// urlOp is how net/http's *url.Error names a method: "Get", "Post".
func urlOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// secrets are what no error of req may show: the API key, and the token
// that a delete names in its path (a token of any shape: a caller may
// pass a malformed one, which the server may echo). Worked out only when
// an error is built, off the path of a usable answer.
func (d *doer) secrets(req *http.Request) []string {
	return []string{d.apiKey, pathToken(req.URL)}
}

// pathToken returns the token that u's path names, unescaped (as a server
// would echo it), or "" when it names none (redaction ignores "").
func pathToken(u *url.URL) string {
	escaped := u.EscapedPath()
	i := strings.LastIndex(escaped, tokenPathPrefix)
	if i < 0 {
		return ""
	}
	raw := escaped[i+len(tokenPathPrefix):]
	if token, err := url.PathUnescape(raw); err == nil {
		return token
	}
	return raw
}

// isCollection reports whether u addresses the collection itself, not one
// token: where a server that answers 404 cannot be Letta's API.
func isCollection(u *url.URL) bool {
	return strings.HasSuffix(strings.TrimRight(u.EscapedPath(), "/"), collectionPath)
}

// unusable reads the start of an unusable response's body and describes
// the response as an *Error.
func (d *doer) unusable(req *http.Request, resp *http.Response, cause error) *Error {
	limit := min(d.maxBodyBytes, maxErrorBodyRead)
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case int64(len(body)) > limit:
		body = body[:limit]
		if cause == nil && limit == d.maxBodyBytes {
			cause = d.tooLarge()
		}
	case err != nil && cause == nil:
		cause = fmt.Errorf("reading response body: %w", err)
	}
	e := newResponseError(resp, body, cause, d.secrets(req)...)
	e.collection = isCollection(req.URL)
	if e.kind() == KindNotAPI {
		e.Err = errNotAPI
	}
	return e
}

// errNotAPI is the cause of a 404 without JSON to a request for the
// collection itself: whatever answered is not Letta's API, or not at its
// root (a base URL ending in a wrong prefix, say).
var errNotAPI = errors.New("possibly not Letta's API: check the base URL (LETTA_BASE_URL), which must be the API root")

func (d *doer) tooLarge() error {
	return fmt.Errorf("%w (over %d bytes)", ErrBodyTooLarge, d.maxBodyBytes)
}
