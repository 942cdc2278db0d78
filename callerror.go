package lettatokens

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
	"github.com/letta-tokens/letta-tokens/redact"
)

// doer is the gen.HttpRequestDoer of a Client: the attempt loop, its
// failures worded as this package's errors (an *Error, a callError),
// masked of the call's secrets.
type doer struct {
	loop *attempt.Loop
	mask *redact.Masker // the client's
}

func (d doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.loop.Do(req)
	if err == nil {
		return resp, nil
	}
	// The secrets no error of req may show: the API key, and the token
	// that a delete names in its path (of any shape: a caller may pass a
	// malformed one, which the server may echo).
	mask := d.mask.With(pathToken(req.URL))
	u, ok := err.(*attempt.Unusable) //nolint:errorlint // the loop returns it unwrapped
	if !ok {
		return nil, newCallError(operation(req), err, mask)
	}
	e := newResponseError(u.Resp, u.Body, u.Cause, mask)
	e.collection = isCollection(req.URL)
	if e.kind() == KindNotAPI {
		e.Err = errNotAPI
	}
	return nil, e
}

// errNotAPI is the cause of a 404 without JSON to a request for the
// collection itself: whatever answered is not Letta's API, or not at its
// root (a base URL ending in a wrong prefix, say).
var errNotAPI = errors.New("possibly not Letta's API: check the base URL, which must be the API root")

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

// callError is how a call fails when no usable answer arrived (see
// [Error]): the cause, named with the operation as
// fmt.Errorf("lettatokens: list tokens: %w", cause) would name it, but
// with its text made safe once, when it is built: some transport errors
// quote what a server sent (a malformed header line), and a server can put
// a secret, terminal escapes or a megabyte there. Without the prefix, it is
// the cause of an *Error.
type callError struct {
	err error
	msg string
}

// newCallError makes cause safe, as the error of operation op, or, with op
// empty, as the cause of an *Error.
func newCallError(op string, cause error, mask *redact.Masker) *callError {
	msg := mask.Safe(cause.Error(), maxErrorCause)
	if op != "" {
		msg = "lettatokens: " + op + ": " + msg
	}
	return &callError{err: cause, msg: msg}
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

// operations name what a request does, for error messages. The API has one
// operation per method, so the method says which; raw generated calls
// through Client.Generated are named the same way.
var operations = map[string]string{
	http.MethodGet: "list tokens", http.MethodPost: "create token", http.MethodDelete: "delete token",
}

func operation(req *http.Request) string {
	return cmp.Or(operations[req.Method], req.Method+" request")
}

// failed returns err as the error of operation op: an *Error or an error
// already naming its operation unchanged, anything else (a request that
// could not be built, a request editor's refusal) wrapped as a callError.
func failed(op string, err error, mask *redact.Masker) error {
	switch err.(type) { //nolint:errorlint // only our own, unwrapped, are final
	case *Error, *callError, *ParamError:
		return err
	}
	return newCallError(op, err, mask)
}
