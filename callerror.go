package lettatokens

import (
	"net/http"

	"github.com/letta-tokens/letta-tokens/redact"
)

// callError is how a call fails when no usable HTTP answer arrived: no
// connection, a TLS failure, a timeout, a body that timed out or broke off
// on every attempt, or the caller's context ending. It wraps the cause as
// it is (net/http's *url.Error, cut to the origin; the context's error), so
// that errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr)
// and errors.As(err, &urlErr) work, and names the operation, as
// fmt.Errorf("lettatokens: list tokens: %w", cause) would.
//
// Unlike fmt.Errorf, its text is made safe once, when it is built: some
// transport errors quote what a server sent (a malformed header line), and
// a server can put the API key, a token, terminal escapes or a megabyte
// there. The text is masked (the call's secrets, whatever their shape, and
// anything token-shaped), escaped and capped like any server string.
type callError struct {
	err error
	msg string
}

func newCallError(op string, cause error, secrets []string) *callError {
	return &callError{err: cause, msg: "lettatokens: " + op + ": " + redact.Safe(cause.Error(), maxErrorCause, secrets...)}
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

// operation names what a request does, for error messages. The API has one
// operation per method, so the method says which; raw generated calls
// through Client.Generated are named the same way.
func operation(req *http.Request) string {
	switch req.Method {
	case http.MethodGet:
		return "list tokens"
	case http.MethodPost:
		return "create token"
	case http.MethodDelete:
		return "delete token"
	}
	return req.Method + " request"
}

// failed returns err as the error of operation op: an *Error or an error
// already naming its operation unchanged, anything else (a request that
// could not be built, a request editor's refusal) wrapped as a callError.
func failed(op string, err error, secrets ...string) error {
	switch err.(type) { //nolint:errorlint // only our own, unwrapped, are final
	case *Error, *callError, *ParamError:
		return err
	}
	return newCallError(op, err, secrets)
}
