package attempt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
)

// BodyReadError is a failure to read a usable answer's body within its
// attempt. It reports a timeout as one: *url.Error.Timeout asks its direct
// cause (no unwrapping), and a read cut short by the attempt's deadline
// fails with the context's error.
type BodyReadError struct{ err error }

func (e BodyReadError) Error() string { return "reading response body: " + e.err.Error() }
func (e BodyReadError) Unwrap() error { return e.err }

// Timeout reports whether the read ended because a deadline passed.
func (e BodyReadError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.Is(e.err, context.DeadlineExceeded) || errors.As(e.err, &t) && t.Timeout()
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

// bufferedBody is a response body read whole within its attempt. The
// client's own decoding takes data as it is (see Body) rather than
// copying it out through Read.
type bufferedBody struct {
	bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// Body returns the body of a usable answer from a Loop, which read it
// whole within its attempt: taken as it is, without a copy, less what was
// already read through Read. Only a 204 has none (http.NoBody): nil, which
// no decoding takes for an answer.
func Body(resp *http.Response) []byte {
	if b, ok := resp.Body.(*bufferedBody); ok {
		return b.data[len(b.data)-b.Len():]
	}
	return nil
}

// MaxErrorBodyRead bounds how much of an unusable response's body is read:
// enough for any JSON error document, while an HTML page of megabytes is
// not read just to keep a 512-byte excerpt of it.
const MaxErrorBodyRead = 64 << 10

// IsJSON reports whether a Content-Type names a JSON body: application/json
// or any +json type, with or without parameters. It is called on every
// response, so it avoids mime.ParseMediaType's allocations.
func IsJSON(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	const suffix = "+json"
	return strings.EqualFold(mediaType, "application/json") ||
		len(mediaType) > len(suffix) && strings.Contains(mediaType, "/") &&
			strings.EqualFold(mediaType[len(mediaType)-len(suffix):], suffix)
}
