package lettatokens

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
	"github.com/letta-tokens/letta-tokens/redact"
)

// ErrNoAPIKey is returned by [NewClient] when no API key was given, neither
// with [WithAPIKey] nor in the LETTA_API_KEY environment variable.
var ErrNoAPIKey = errors.New("lettatokens: no API key: set LETTA_API_KEY or pass WithAPIKey")

// ErrCreateUnconfirmed is in the chain of a create whose 2xx status
// arrived but whose body did not arrive whole (it stalled past the
// attempt's time limit, or broke off): the server has probably made the
// token, which the caller never saw. Such a create is not sent again, as
// that would make another live token; list the tokens to find it.
var ErrCreateUnconfirmed = attempt.ErrCreateUnconfirmed

// ErrBodyTooLarge is the cause (see [Error.Err]) when a response body is
// larger than the cap set with [WithMaxBodyBytes].
var ErrBodyTooLarge = attempt.ErrBodyTooLarge

// ErrCrossOriginRedirect is the cause (see [Error.Err]) when the server
// redirects a request to another scheme, host or port than the base
// URL's: not followed, since the request carries the API key (net/http
// drops it only when the host name changes), and not retried. The *Error
// has the 3xx status; its message names the origin pointed to, never the
// path or query.
var ErrCrossOriginRedirect = attempt.ErrCrossOriginRedirect

// maxBodyExcerpt bounds Error.Body: enough to recognise an HTML error page
// or a JSON error document, small enough to log.
const maxBodyExcerpt = 512

// maxErrorLineBody bounds how much of the body Error() shows when the server
// gave no message, so the error stays one short line.
const maxErrorLineBody = 120

// maxErrorCause bounds the cause's text in Error(): ours are far shorter,
// but a transport error may quote what a server sent (a malformed header
// line, say), and a server can make that a megabyte long.
const maxErrorCause = 2 * redact.MaxLine

// Error is the error returned for an answer the server gave that a caller
// cannot use: a non-2xx status (a 3xx that net/http does not follow, such
// as a 300 or a 302 without Location, included), a 2xx response that is
// not JSON (JSON is application/json or any type/subtype+json, such as
// application/problem+json, which is then decoded as the answer), a body
// that does not decode or exceeds the size cap, a redirect to another
// origin (refused, see [ErrCrossOriginRedirect]). Use [errors.As] to get at
// it.
//
// A call that got no usable answer at all does not return an *Error: a
// refused connection, a DNS or TLS failure, a timeout, a body that timed
// out or broke off on every attempt, or the caller's context ending. It
// returns the cause itself (net/http's *url.Error, its URL cut to the
// origin, or the context's error) wrapped with the operation, as in
// "lettatokens: list tokens: Get \"https://api.letta.com:443\": …", so that
// errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) and
// errors.As(err, &urlErr) work. The text of that error is made safe in the
// same way as an Error's.
//
// Every string field is already redacted: it contains neither the API key in
// use nor any client-side access token (the token a DeleteToken call names
// included, whatever its shape). Every string that came from the server is
// also made safe to print on one line: control characters (ESC, CR, LF,
// bidi overrides, invalid UTF-8) are written as Go escapes such as \x1b and
// \n, and the length is capped (see [redact.Line]). An Error this package
// returns is safe to log whole, and Error() is one line.
type Error struct {
	// StatusCode is the HTTP status of the response. It is never 0 in an
	// Error this package returns: a call without an answer returns the
	// transport's error instead (see above).
	StatusCode int
	// Message is Letta's error message (the "message" member of a JSON error
	// body), when the body had one.
	Message string
	// RequestID is the server's request id header (x-request-id or
	// request-id), when present; quote it when asking Letta for support.
	RequestID string
	// Body is an excerpt of at most 512 bytes of the response body, runs of
	// white space (line breaks included) collapsed to one space.
	Body string
	// Err is the underlying cause, if any: a decoding error,
	// ErrBodyTooLarge, ErrCrossOriginRedirect. Its text is masked of the
	// call's secrets, and errors.Is and errors.As see through it to the
	// cause.
	Err error

	// bodyJSON is whether the body was JSON (declared or valid), and
	// collection whether the request addressed the collection itself: a
	// 404 without JSON there is no Letta API at all (see KindNotAPI).
	bodyJSON   bool
	collection bool
}

// Error returns a one-line description such as
//
//	lettatokens: HTTP 401: Invalid API key (request id req_123)
func (e *Error) Error() string {
	// Not from this package, which never returns an Error without a
	// status; a caller may build one.
	s := "lettatokens: request failed"
	if e.StatusCode != 0 {
		s = strings.TrimSuffix("lettatokens: HTTP "+strconv.Itoa(e.StatusCode)+" "+http.StatusText(e.StatusCode), " ")
	}
	// The parts were masked when the Error was built (see
	// newResponseError); they are escaped and capped again here, as an
	// Error may be built by other code.
	switch {
	case e.Message != "":
		s += ": " + redact.Line(e.Message, redact.MaxLine)
	case e.Err == nil && e.Body != "":
		// Without a message or a cause, the start of the body (an HTML title,
		// a proxy's plain-text complaint) is the only clue there is.
		s += ": " + redact.Line(oneLine(e.Body), maxErrorLineBody)
	}
	if e.Err != nil {
		s += ": " + redact.Line(e.Err.Error(), maxErrorCause)
	}
	if e.RequestID != "" {
		s += " (request id " + redact.Line(e.RequestID, redact.MaxLine) + ")"
	}
	return s
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// newResponseError builds the *Error for a response the caller cannot use.
// body is what was read of the response body (possibly nothing); mask (the
// client's, with the token a call names) masks every field and the cause's
// text, which are escaped and capped too.
func newResponseError(resp *http.Response, body []byte, cause error, mask *redact.Masker) *Error {
	e := &Error{
		StatusCode: resp.StatusCode,
		// The request id, under either of the names servers commonly use.
		RequestID: mask.Safe(cmp.Or(resp.Header.Get("X-Request-Id"), resp.Header.Get("Request-Id")), redact.MaxLine),
		Body:      redactedExcerpt(body, maxBodyExcerpt, mask),
		bodyJSON:  attempt.IsJSON(resp.Header.Get("Content-Type")),
	}
	if cause != nil {
		e.Err = newCallError("", cause, mask)
	}
	var msg struct {
		Message string `json:"message"`
	}
	// Only a JSON error body has a message; for anything else (an empty
	// body included) the unmarshal fails quickly on the first byte and
	// Message stays empty.
	if json.Unmarshal(body, &msg) == nil {
		e.Message = mask.Safe(msg.Message, redact.MaxLine)
		e.bodyJSON = true
	} else if !e.bodyJSON {
		e.bodyJSON = json.Valid(body)
	}
	return e
}

// redactedExcerpt returns the first n bytes of body with secrets redacted,
// white space collapsed and control characters escaped. It masks, then
// cuts: both collapsing and masking shorten the text, so a body cut first
// could bring a secret cut at the window's edge, no longer recognisable,
// into the excerpt. A body is scanned up to attempt.MaxErrorBodyRead bytes
// (a 2xx that did not decode may be longer); a secret cut there is masked
// as any run of it is (see redact.Masker.Mask).
func redactedExcerpt(body []byte, n int, mask *redact.Masker) string {
	text := mask.Mask(string(body[:min(len(body), attempt.MaxErrorBodyRead)]))
	return mask.Safe(oneLine(text), n)
}

// oneLine collapses runs of whitespace (newlines in an HTML page, say) into
// single spaces so an error stays on one log line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
