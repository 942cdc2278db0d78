package lettatokens

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
)

// bodyReadingTransport is the outermost RoundTripper of every attempt. For
// an answer a caller can use (2xx, JSON, not declared larger than the cap)
// it reads the whole body before returning, so that the read happens inside
// the attempt: under the per-attempt timeout, which http.Client enforces on
// its Transport, and before the retry policy looks at the outcome. A body
// that times out or breaks off is then a failed attempt, retried like a
// reset connection, instead of a failure discovered after the retries were
// over and reported with a 200 status that was never a usable answer.
//
// Other answers pass through untouched: the error layer reads only the
// start of an error body, and refuses a body declared too large unread.
type bodyReadingTransport struct {
	next         http.RoundTripper
	maxBodyBytes int64
}

func (t bodyReadingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || !usable(resp) || resp.ContentLength > t.maxBodyBytes {
		return resp, err
	}
	body, tooLarge, err := readCapped(resp.Body, resp.ContentLength, t.maxBodyBytes)
	resp.Body.Close()
	if err != nil {
		// Returned as a transport error, which net/http wraps in a
		// *url.Error and the retry policy retries.
		return nil, bodyReadError{err}
	}
	b := &bufferedBody{data: body, tooLarge: tooLarge}
	b.Reset(body)
	resp.Body = b
	if slot, ok := req.Context().Value(bodySlotKey{}).(*bodySlot); ok {
		slot.resp, slot.body = resp, b
	}
	return resp, nil
}

// bodySlot hands the body read by bodyReadingTransport to checkingDoer,
// which puts one in the request's context. http.Client wraps the body of
// a response with a per-attempt timeout in its own unexported type, so the
// *bufferedBody cannot be found again through resp.Body. Attempts are
// sequential and RoundTrip runs in the caller's goroutine, so each attempt
// simply overwrites the slot; resp says which response the body belongs to.
type bodySlot struct {
	resp *http.Response
	body *bufferedBody
}

type bodySlotKey struct{}

// take returns the body read for resp, or nil if resp's body was not read
// within its attempt.
func (s *bodySlot) take(resp *http.Response) *bufferedBody {
	if s.resp != resp {
		return nil
	}
	return s.body
}

// bodyReadError is a failure to read a usable answer's body. It reports a
// timeout as one: *url.Error.Timeout asks its direct cause (no unwrapping),
// and net/http wraps a read that hit the per-attempt deadline in its own
// timeout error only when its timer won the race against the context's.
type bodyReadError struct{ err error }

func (e bodyReadError) Error() string { return "reading response body: " + e.err.Error() }
func (e bodyReadError) Unwrap() error { return e.err }

// Timeout reports whether the read ended because a deadline passed.
func (e bodyReadError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.Is(e.err, context.DeadlineExceeded) || errors.As(e.err, &t) && t.Timeout()
}

// usable reports whether resp is what a caller can use: a 2xx answer
// declaring a JSON body.
func usable(resp *http.Response) bool {
	return resp.StatusCode >= 200 && resp.StatusCode <= 299 && isJSON(resp.Header.Get("Content-Type"))
}

// readCapped reads a whole body of at most limit bytes. A declared length
// (checked against limit by the caller) is read into one buffer of exactly
// that size instead of a growing one, which is most of what makes this
// client as cheap as a hand-written decode. An undeclared length is read up
// to one byte past limit: reading that byte is how an over-long body is
// told apart from one exactly at the cap; tooLarge then reports it, and
// the body read so far is dropped.
func readCapped(r io.Reader, declared, limit int64) (body []byte, tooLarge bool, err error) {
	if declared > 0 {
		body = make([]byte, declared)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, false, err
		}
		return body, false, nil
	}
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, nil
}

// bufferedBody is a response body read whole by bodyReadingTransport. The
// client's own decoding takes data as it is (see readBody) rather than
// copying it out through Read.
type bufferedBody struct {
	bytes.Reader
	data []byte
	// tooLarge marks a body that went past the cap; checkingDoer turns it
	// into an *Error wrapping ErrBodyTooLarge.
	tooLarge bool
}

func (*bufferedBody) Close() error { return nil }

// unread returns the part of the body not yet read through Read.
func (b *bufferedBody) unread() []byte { return b.data[len(b.data)-b.Len():] }
