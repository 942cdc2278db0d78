package lettatokens

import (
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
// a 2xx response declaring a JSON body, whose body is capped at
// maxBodyBytes. Everything else becomes an *Error here, so even gen's raw
// ListClientSideAccessTokens method never sees an HTML page or a 500 as a
// success.
type checkingDoer struct {
	retrying     *retryablehttp.Client
	maxBodyBytes int64
	apiKey       string // for redaction only
}

// Do sends req with retries and returns a usable response or an error:
// the caller's context error when ctx ended, else an *Error.
func (d *checkingDoer) Do(req *http.Request) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(req)
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
	if resp.ContentLength > d.maxBodyBytes {
		// Declared too large: refuse without reading a byte.
		resp.Body.Close()
		return nil, newResponseError(resp, nil, d.tooLarge(), d.apiKey)
	}
	resp.Body = &cappedBody{body: resp.Body, remaining: d.maxBodyBytes, resp: resp, doer: d}
	return resp, nil
}

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

// cappedBody is a response body that fails with an *Error wrapping
// ErrBodyTooLarge as soon as more than the cap has been read, rather than
// letting an endless body fill memory. (io.LimitReader alone would end in a
// silent, truncated EOF.)
type cappedBody struct {
	body      io.ReadCloser
	remaining int64
	resp      *http.Response
	doer      *checkingDoer
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.remaining < 0 {
		return 0, newResponseError(b.resp, nil, b.doer.tooLarge(), b.doer.apiKey)
	}
	// Allow one byte past the cap: reading it is how an over-long body is
	// told apart from one that is exactly at the cap.
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.body.Read(p)
	b.remaining -= int64(n)
	if b.remaining < 0 {
		return n - 1, newResponseError(b.resp, nil, b.doer.tooLarge(), b.doer.apiKey)
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.body.Close() }

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
