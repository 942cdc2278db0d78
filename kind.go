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

	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

// Kind sorts a failure by who must act on it. [KindOf] decides it for any
// error this package returns; it is the one place that sorts failures, so
// the CLI, the contract runner and a caller's code agree. Only
// KindUndocumented is drift, what a contract check exists to catch. Every
// other kind says the check could not be made, and someone other than the
// API's authors must act.
type Kind int

// The kinds of failure.
const (
	KindNone    Kind = iota // no failure (a nil error)
	KindUnknown             // anything else
	// KindUndocumented is an answer the API does not document: a status the
	// spec does not list (404, 409, …), a body that is not JSON or lacks
	// members, a body over the cap, lying pagination.
	KindUndocumented
	KindUnauthorized // the API key was refused: 401 or 403
	KindRejected     // the server refused the request: 400
	// KindUnavailable is no complete answer in time: 408, 429 or 5xx still
	// after the retries, every attempt timed out, a body broke off.
	KindUnavailable
	KindUnreachable // no connection: refused, DNS, TLS
	// KindRedirected is a redirect not followed: to another origin (the key
	// stays home), or past ten hops. A server did answer, and the fix (the
	// base URL, or the server's redirect) is not the network's.
	KindRedirected
	// KindNotAPI is a 404 without JSON on the collection itself: the server
	// is reachable but probably not Letta's API (check the base URL).
	KindNotAPI
	KindBoundReached // a walk stopped at ListOptions.MaxTokens ([*LimitError])
	KindInterrupted  // the context was cancelled
	// KindInvalid is arguments or configuration refused before sending
	// ([*ParamError], [*ConfigError], [ErrNoAPIKey]).
	KindInvalid
)

// kindNames are the kinds' words, in the constants' order.
var kindNames = [...]string{"none", "unknown", "undocumented", "unauthorized", "rejected", "unavailable",
	"unreachable", "redirected", "not-api", "bound-reached", "interrupted", "invalid"}

// String names the kind in one lower-case word, such as "unavailable".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
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
	case errors.Is(err, ErrCrossOriginRedirect), errors.Is(err, attempt.ErrTooManyRedirects):
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
		// No answer at all: refused, no such host, TLS.
		return KindUnreachable
	}
	return KindUnknown
}

// kind sorts an answer the client could not use.
func (e *Error) kind() Kind {
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return KindUnauthorized
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500,
		timedOut(e.Err), brokeOff(e.Err): // an error body that stopped arriving
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
	var readErr attempt.BodyReadError
	return errors.As(err, &readErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}
