package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// checkingDoer is the gen.HttpRequestDoer of a Client. It runs a request
// through the retry engine and then lets through only what a caller can use:
// a 204 No Content, or a 2xx response declaring a JSON body of at most
// maxBodyBytes, already read whole within its attempt (see
// bodyReadingTransport). Any other answer becomes an *Error here, so even
// gen's raw methods never see an HTML page or a 500 as a success; a call
// without a usable answer fails with its cause wrapped (see callError).
type checkingDoer struct {
	retrying     *retryablehttp.Client
	maxBodyBytes int64
	apiKey       string // for redaction only
}

// Do sends req with retries and returns a usable response or an error: an
// *Error for an answer that cannot be used, else the cause (the context's
// error when ctx ended, the transport's) wrapped with the operation.
func (d *checkingDoer) Do(req *http.Request) (*http.Response, error) {
	slot := &bodySlot{}
	rreq, err := retryablehttp.FromRequest(req.WithContext(context.WithValue(req.Context(), bodySlotKey{}, slot)))
	if err != nil {
		return nil, newCallError(operation(req), err, d.secrets(req))
	}
	resp, err := d.retrying.Do(rreq)
	if err != nil {
		if resp != nil {
			// The policy gave up on a response (the context ended as it
			// arrived, say): nobody else will close it.
			resp.Body.Close()
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			// The caller cancelled or timed out: give back exactly that, so
			// errors.Is(err, context.Canceled) reads naturally.
			return nil, newCallError(operation(req), ctxErr, d.secrets(req))
		}
		if errors.Is(err, ErrCrossOriginRedirect) && resp != nil {
			// The server did answer, with the redirect we refused: an
			// answer a caller cannot use, so an *Error with its status and
			// request id. net/http's *url.Error around our refusal would
			// only repeat the target.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, newResponseError(resp, nil, err, d.secrets(req)...)
		}
		return nil, newCallError(operation(req), withoutPath(err), d.secrets(req))
	}
	if resp.StatusCode == http.StatusNoContent {
		// A delete's answer. A 204 has no body (net/http gives it none), so
		// there is neither a Content-Type nor a length to check.
		resp.Body.Close()
		resp.Body = http.NoBody
		return resp, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, d.drainToError(resp, nil, d.secrets(req))
	}
	if !isJSON(resp.Header.Get("Content-Type")) {
		return nil, d.drainToError(resp, fmt.Errorf("%w (Content-Type %q)", errNotJSON, resp.Header.Get("Content-Type")), d.secrets(req))
	}
	// The body was read within the attempt, unless it was declared too
	// large (then it is refused unread) or found too large as it was read.
	// Closing the body net/http wrapped it in also stops the attempt's timer.
	resp.Body.Close()
	b := slot.take(resp)
	switch {
	case resp.ContentLength > d.maxBodyBytes, b != nil && b.tooLarge:
		return nil, newResponseError(resp, nil, d.tooLarge(), d.secrets(req)...)
	case b == nil:
		// Not expected: bodyReadingTransport is always the outermost.
		return nil, newResponseError(resp, nil, errBodyNotRead, d.secrets(req)...)
	}
	resp.Body = b
	return resp, nil
}

// secrets are what no error of req may show: the API key, and the token
// that a delete names in its path (a token of any shape: a caller may
// pass a malformed one, which the server may echo). Worked out only when
// an error is built, off the path of a usable answer.
func (d *checkingDoer) secrets(req *http.Request) []string {
	if token, ok := pathToken(req.URL); ok {
		return []string{d.apiKey, token}
	}
	return []string{d.apiKey}
}

// tokenPathPrefix is the path of the collection; a token's own path is
// this, then the token, escaped.
const tokenPathPrefix = "/v1/client-side-access-tokens/"

// pathToken returns the token that u's path names, unescaped (as a server
// would echo it), if it names one.
func pathToken(u *url.URL) (string, bool) {
	escaped := u.EscapedPath()
	i := strings.LastIndex(escaped, tokenPathPrefix)
	if i < 0 || i+len(tokenPathPrefix) == len(escaped) {
		return "", false
	}
	raw := escaped[i+len(tokenPathPrefix):]
	if token, err := url.PathUnescape(raw); err == nil {
		return token, true
	}
	return raw, true
}

// errBodyNotRead is the cause if a usable response somehow arrives without
// its body read within the attempt; it is not read afterwards, outside the
// per-attempt timeout.
var errBodyNotRead = errors.New("response body was not read within the attempt")

// maxErrorBodyRead bounds how much of an unusable response's body is read:
// enough for any JSON error document, while an HTML page of megabytes is
// not read just to keep a 512-byte excerpt of it.
const maxErrorBodyRead = 64 << 10

// drainToError reads the start of an unusable response's body, closes it
// and describes the response as an *Error.
func (d *checkingDoer) drainToError(resp *http.Response, cause error, secrets []string) *Error {
	defer resp.Body.Close()
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
	return newResponseError(resp, body, cause, secrets...)
}

func (d *checkingDoer) tooLarge() error {
	return fmt.Errorf("%w (over %d bytes)", ErrBodyTooLarge, d.maxBodyBytes)
}

// isJSON reports whether a Content-Type names a JSON body: application/json
// or any +json type, with or without parameters. It is called on every
// response, so it avoids mime.ParseMediaType's allocations.
func isJSON(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	const suffix = "+json"
	return strings.EqualFold(mediaType, "application/json") ||
		len(mediaType) > len(suffix) && strings.Contains(mediaType, "/") &&
			strings.EqualFold(mediaType[len(mediaType)-len(suffix):], suffix)
}
