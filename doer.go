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
// a 2xx response declaring a JSON body of at most maxBodyBytes, already read
// whole within its attempt (see bodyReadingTransport). Everything else
// becomes an *Error here, so even gen's raw ListClientSideAccessTokens
// method never sees an HTML page or a 500 as a success.
type checkingDoer struct {
	retrying     *retryablehttp.Client
	maxBodyBytes int64
	apiKey       string // for redaction only
}

// Do sends req with retries and returns a usable response or an error:
// the caller's context error when ctx ended, else an *Error.
func (d *checkingDoer) Do(req *http.Request) (*http.Response, error) {
	slot := &bodySlot{}
	rreq, err := retryablehttp.FromRequest(req.WithContext(context.WithValue(req.Context(), bodySlotKey{}, slot)))
	if err != nil {
		return nil, &Error{Err: err}
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
			return nil, ctxErr
		}
		if errors.Is(err, ErrCrossOriginRedirect) {
			// The server did answer, with the redirect we refused: its
			// status and request id say more than "request failed".
			// net/http's *url.Error around our refusal would only repeat
			// the target.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, newResponseError(resp, nil, err, d.apiKey)
		}
		return nil, &Error{Err: withoutPath(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, d.drainToError(resp, nil)
	}
	if !isJSON(resp.Header.Get("Content-Type")) {
		return nil, d.drainToError(resp, fmt.Errorf("%w (Content-Type %q)", errNotJSON, resp.Header.Get("Content-Type")))
	}
	// The body was read within the attempt, unless it was declared too
	// large (then it is refused unread) or found too large as it was read.
	// Closing the body net/http wrapped it in also stops the attempt's timer.
	resp.Body.Close()
	b := slot.take(resp)
	switch {
	case resp.ContentLength > d.maxBodyBytes, b != nil && b.tooLarge:
		return nil, newResponseError(resp, nil, d.tooLarge(), d.apiKey)
	case b == nil:
		// Not expected: bodyReadingTransport is always the outermost.
		return nil, newResponseError(resp, nil, errBodyNotRead, d.apiKey)
	}
	resp.Body = b
	return resp, nil
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
func (d *checkingDoer) drainToError(resp *http.Response, cause error) *Error {
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
	return newResponseError(resp, body, cause, d.apiKey)
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
