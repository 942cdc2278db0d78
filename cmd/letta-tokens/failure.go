package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/redact"
)

// failure turns a failed call (a listing, a create, a delete) into one
// error line and an exit status that says who must act (see the package
// documentation):
//
//   - 1 when the server's answer shows a change in the API: lying
//     pagination, an answer the client cannot use (invalid JSON, a body over
//     the cap), a status the spec does not document (404, 409, …);
//   - 2 for everything else: credentials rejected, a request rejected (the
//     documented 400), an outage (nothing answers, every attempt timed out,
//     429/5xx still after the retries), an interrupted run.
type failure struct {
	cfg     config
	timeout time.Duration // --timeout, named when a request timed out
	// doing names the call, before the target, for an error no case
	// words: "creating a token at" gives "creating a token at
	// https://api.letta.com: …". Empty: "listing tokens from".
	doing string
	// secrets are masked in every line besides the API key: the token a
	// delete names, which need not be shaped like one.
	secrets []string
}

// callError words err, the error of a call made with ctx.
func (f failure) callError(ctx context.Context, err error) error {
	var pagErr *lettatokens.PaginationError
	var limitErr *lettatokens.LimitError
	var apiErr *lettatokens.Error
	switch {
	case interrupted(ctx, err):
		return errInterrupted
	case errors.As(err, &pagErr):
		return failf("%s paginates inconsistently: %s at page %d (offset %d); the listing is incomplete",
			f.cfg.target, pagErr.Reason, pagErr.Page, pagErr.Offset)
	case errors.Is(err, lettatokens.ErrPagination):
		return failf("%s paginates inconsistently (%s); the listing is incomplete", f.cfg.target, f.serverText(err.Error()))
	case errors.As(err, &limitErr):
		// An account this large is not a lying server: the run could not
		// finish, which is exit 2, not a change in the API.
		return unavailablef("%s could not be listed completely: the walk stopped at %d tokens with more to come; raise --max-tokens or %s",
			f.cfg.target, limitErr.MaxTokens, envMaxTokens)
	case errors.Is(err, lettatokens.ErrCrossOriginRedirect):
		return unavailablef("%s redirected to another origin, which is not followed with the API key: %s (is %s right?)",
			f.cfg.target, f.serverText(trimPrefix(err.Error())), envBaseURL)
	case errors.As(err, &apiErr):
		return f.apiError(apiErr)
	case timedOut(err):
		// No answer in time after the retries: no headers, or a body that
		// stopped arriving.
		return f.timedOut()
	}
	if reason, ok := unreachable(err); ok {
		return unavailablef("cannot reach %s: %s (is %s right?)", f.cfg.target, f.serverText(reason), envBaseURL)
	}
	doing := f.doing
	if doing == "" {
		doing = "listing tokens from"
	}
	return failf("%s %s: %s", doing, f.cfg.target, f.serverText(err.Error()))
}

func (f failure) apiError(e *lettatokens.Error) error {
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return credentialErrorf("credentials rejected by %s (HTTP %d): check %s", f.cfg.target, code, envAPIKey)
	case timedOut(e):
		// An error body that stopped arriving.
		return f.timedOut()
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return unavailablef("%s is unavailable: %s, still after the client's retries; try again later",
			f.cfg.target, f.describe(e))
	case code == http.StatusBadRequest:
		return unavailablef("%s rejected the request: %s", f.cfg.target, f.describe(e))
	}
	return failf("%s answered %s: not an answer the API documents", f.cfg.target, f.describe(e))
}

func (f failure) timedOut() error {
	return unavailablef("%s is unavailable: timed out (each request attempt is limited by --timeout %s); try again later, or raise --timeout",
		f.cfg.target, f.timeout)
}

// describe words an *Error as "HTTP 404 Not Found: message: cause (request
// id X)", each server string in it masked, escaped and capped on its own,
// so that a long message cannot push the request id out of the line.
func (f failure) describe(e *lettatokens.Error) string {
	var b strings.Builder
	b.WriteString("HTTP " + strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + f.serverText(e.Message))
	case e.Err == nil && e.Body != "":
		b.WriteString(": " + f.serverText(e.Body))
	}
	if e.Err != nil {
		b.WriteString(": " + f.serverText(e.Err.Error()))
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + f.serverText(e.RequestID) + ")")
	}
	return b.String()
}

// serverText makes one string that a server chose (or that quotes one, as a
// transport error quotes a malformed header) fit for an error line: masked,
// escaped, at most redact.MaxLine bytes.
func (f failure) serverText(s string) string {
	return redact.Safe(trimPrefix(s), redact.MaxLine, append([]string{f.cfg.apiKey}, f.secrets...)...)
}

// timedOut reports whether err is a request attempt running out of time
// (a deadline, not a cancellation).
func timedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}
