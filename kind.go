package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

// Kind sorts a failure by who must act on it. [KindOf] decides it for any
// error this package returns; it is the one place that sorts failures, so
// the CLI, the contract runner and a caller's code agree. Each kind's
// ExitStatus is the exit status the letta-tokens command gives it:
//
//	Kind              Failure                                                      Exit
//	KindNone          no failure (a nil error)                                        0
//	KindUndocumented  an answer the API does not document: a status the spec         1
//	                  does not list (404, 409, …), a body that is not JSON or
//	                  lacks members, a body over the cap, lying pagination
//	KindUnauthorized  the API key was refused: 401 or 403                             2
//	KindRejected      the server refused the request: 400                             2
//	KindUnavailable   no complete answer in time: 408, 429 or 5xx still after        2
//	                  the retries, every attempt timed out, a body broke off
//	KindUnreachable   no connection: refused, DNS, TLS                                2
//	KindRedirected    a redirect not followed: to another origin (the key stays      2
//	                  home), or past ten hops
//	KindNotAPI        404 without JSON on the collection itself: the server is       2
//	                  reachable but probably not Letta's API (check LETTA_BASE_URL)
//	KindBoundReached  a walk stopped at ListOptions.MaxTokens ([*LimitError])         2
//	KindInterrupted   the context was cancelled                                       2
//	KindInvalid       arguments or configuration refused before sending              2
//	                  ([*ParamError], [*ConfigError], [ErrNoAPIKey])
//	KindUnknown       anything else                                                   2
//
// Only drift is exit 1: that is what a contract check exists to catch.
// Everything else says the check could not be made, and someone other than
// the API's authors must act. A refused redirect is a kind of its own
// rather than unreachable: a server did answer, and the fix (the base
// URL, or the server's redirect) is not the network's.
type Kind int

// The kinds of failure; see [Kind].
const (
	KindNone Kind = iota
	KindUnknown
	KindUndocumented
	KindUnauthorized
	KindRejected
	KindUnavailable
	KindUnreachable
	KindRedirected
	KindNotAPI
	KindBoundReached
	KindInterrupted
	KindInvalid
)

var kindNames = [...]string{
	KindNone:         "none",
	KindUnknown:      "unknown",
	KindUndocumented: "undocumented",
	KindUnauthorized: "unauthorized",
	KindRejected:     "rejected",
	KindUnavailable:  "unavailable",
	KindUnreachable:  "unreachable",
	KindRedirected:   "redirected",
	KindNotAPI:       "not-api",
	KindBoundReached: "bound-reached",
	KindInterrupted:  "interrupted",
	KindInvalid:      "invalid",
}

// String names the kind in one lower-case word, such as "unavailable".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// ExitStatus is the exit status the letta-tokens command gives a failure
// of this kind: 0 for none, 1 for drift (KindUndocumented), 2 otherwise.
func (k Kind) ExitStatus() int {
	switch k {
	case KindNone:
		return 0
	case KindUndocumented:
		return 1
	}
	return 2
}

// KindOf returns the kind of err, an error returned by this package (or
// wrapping one); see [Kind].
func KindOf(err error) Kind {
	var paramErr *ParamError
	var cfgErr *ConfigError
	var limitErr *LimitError
	var apiErr *Error
	switch {
	case err == nil:
		return KindNone
	case errors.Is(err, context.Canceled):
		return KindInterrupted
	case errors.As(err, &paramErr), errors.As(err, &cfgErr), errors.Is(err, ErrNoAPIKey):
		return KindInvalid
	case errors.As(err, &limitErr):
		return KindBoundReached
	case errors.Is(err, ErrPagination):
		return KindUndocumented
	case errors.Is(err, ErrCrossOriginRedirect), errors.Is(err, errTooManyRedirects):
		return KindRedirected
	case errors.As(err, &apiErr):
		return apiErr.kind()
	case timedOut(err), brokeOff(err):
		return KindUnavailable
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case errors.As(err, &syntaxErr), errors.As(err, &typeErr):
		return KindUndocumented
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		// No answer at all: refused, no such host, TLS. (A timeout or a
		// body that broke off was sorted above.)
		return KindUnreachable
	}
	return KindUnknown
}

// kind sorts an answer the client could not use.
func (e *Error) kind() Kind {
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return KindUnauthorized
	case timedOut(e.Err), brokeOff(e.Err):
		// An error body that stopped arriving: no complete answer.
		return KindUnavailable
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return KindUnavailable
	case code == http.StatusBadRequest:
		return KindRejected
	case code == http.StatusNotFound && e.collection && !e.bodyJSON:
		return KindNotAPI
	}
	return KindUndocumented
}

// timedOut reports whether err is a deadline passing (an attempt's or the
// caller's), not a cancellation.
func timedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}

// brokeOff reports whether err is an answer that stopped before its end.
func brokeOff(err error) bool {
	var readErr bodyReadError
	return errors.As(err, &readErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}
