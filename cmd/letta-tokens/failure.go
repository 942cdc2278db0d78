package main

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/redact"
)

// failure words the error of a call (list, create, delete, a check run) as
// one line, sorted by lettatokens.KindOf, with its kind's exitStatus: who
// must act and how (the target, the flag or the variable to change).
type failure struct {
	cfg     config
	timeout time.Duration // --timeout, named when no answer came in time
	// doing names the call, before the target, for an error no kind
	// words: "creating a token at" gives "creating a token at
	// https://api.letta.com: …".
	doing string
	// secrets are masked in every line (the key is the boundary's): the
	// token a delete names, which need not be shaped like one.
	secrets []string
	// after is added to every line: what a seeded check left in the
	// account, which no ending may leave unsaid.
	after string
	// setting is what names the target, when not LETTA_BASE_URL (the
	// proxy's --upstream).
	setting string
}

// of is the command's error for err.
func (f failure) of(err error) error {
	kind := lettatokens.KindOf(err)
	return kindErrorf(kind, "%s%s", f.words(kind, err), f.after)
}

// words is the one table from a kind to its wording.
func (f failure) words(kind lettatokens.Kind, err error) string {
	target := f.cfg.target
	setting := cmp.Or(f.setting, envBaseURL)
	var apiErr *lettatokens.Error
	errors.As(err, &apiErr)
	var pagErr *lettatokens.PaginationError
	var limitErr *lettatokens.LimitError
	switch kind {
	case lettatokens.KindInterrupted:
		return "interrupted"
	case lettatokens.KindUnauthorized:
		return fmt.Sprintf("credentials rejected by %s (HTTP %d): check %s", target, apiErr.StatusCode, envAPIKey)
	case lettatokens.KindRejected:
		return fmt.Sprintf("%s rejected the request: %s", target, f.describe(apiErr))
	case lettatokens.KindUnavailable:
		if errors.Is(err, lettatokens.ErrCreateUnconfirmed) {
			// No "try again": a second create would make a second token.
			return fmt.Sprintf("%s answered the create, but its answer did not arrive whole (%s): a token was probably created, and the create was not sent again; find it with '%s list --all --hostname URL'",
				target, f.serverText(networkReason(err)), progName)
		}
		if apiErr != nil {
			return fmt.Sprintf("%s is unavailable: %s, still after the client's retries; try again later", target, f.describe(apiErr))
		}
		if f.timeout == 0 { // the proxy: the time limits are the client's
			return fmt.Sprintf("%s is unavailable: no complete answer (%s); try again later", target, f.serverText(networkReason(err)))
		}
		return fmt.Sprintf("%s is unavailable: no complete answer on any attempt (%s; each request attempt is limited by --timeout %s); try again later, or raise --timeout",
			target, f.serverText(networkReason(err)), f.timeout)
	case lettatokens.KindUnreachable:
		return fmt.Sprintf("cannot reach %s: %s (is %s right?)", target, f.serverText(networkReason(err)), setting)
	case lettatokens.KindRedirected:
		if errors.Is(err, lettatokens.ErrCrossOriginRedirect) {
			return fmt.Sprintf("%s redirected to another origin, which is not followed with the API key: %s (is %s right?)",
				target, f.serverText(err.Error()), setting)
		}
		return fmt.Sprintf("%s redirects without end: %s (is %s right?)", target, f.serverText(networkReason(err)), setting)
	case lettatokens.KindNotAPI:
		return fmt.Sprintf("%s is possibly not Letta's API: it answered %s for the token collection, without JSON; check %s, which must be the API root, such as %s",
			target, f.status(apiErr), setting, lettatokens.DefaultBaseURL)
	case lettatokens.KindBoundReached:
		if errors.As(err, &limitErr) {
			// An account this large is not a lying server: the run could
			// not finish, which is not a change in the API.
			return fmt.Sprintf("%s could not be listed completely: the walk stopped at %d tokens with more to come; raise --max-tokens or %s",
				target, limitErr.MaxTokens, envMaxTokens)
		}
	case lettatokens.KindUndocumented:
		switch {
		case errors.As(err, &pagErr):
			return fmt.Sprintf("%s paginates inconsistently: %s at page %d (offset %d); the listing is incomplete",
				target, pagErr.Reason, pagErr.Page, pagErr.Offset)
		case errors.Is(err, lettatokens.ErrPagination):
			return fmt.Sprintf("%s paginates inconsistently (%s); the listing is incomplete", target, f.serverText(err.Error()))
		case apiErr != nil:
			return fmt.Sprintf("%s answered %s: not an answer the API documents", target, f.describe(apiErr))
		}
	}
	return fmt.Sprintf("%s %s: %s", f.doing, target, f.serverText(err.Error()))
}

// kindErrorf is a failure of kind that the command words itself: it exits
// with the kind's status.
func kindErrorf(kind lettatokens.Kind, format string, args ...any) error {
	return &cliError{code: exitStatus(kind), msg: fmt.Sprintf(format, args...)}
}

// exitStatus is the exit status of a failure of kind: 0 for none, 1 for
// drift (an answer the API does not document), 2 for everything else,
// which says the check could not be made.
func exitStatus(kind lettatokens.Kind) int {
	switch kind {
	case lettatokens.KindNone:
		return exitOK
	case lettatokens.KindUndocumented:
		return exitFailure
	}
	return exitUsage
}

// status is "HTTP 404 Not Found", or "HTTP 418".
func (f failure) status(e *lettatokens.Error) string {
	return strings.TrimSuffix("HTTP "+strconv.Itoa(e.StatusCode)+" "+http.StatusText(e.StatusCode), " ")
}

// describe words an *Error as "HTTP 404 Not Found: message: cause (request
// id X)", each server string in it masked, escaped and capped on its own,
// so that a long message cannot push the request id out of the line.
func (f failure) describe(e *lettatokens.Error) string {
	var b strings.Builder
	b.WriteString(f.status(e))
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
// transport error quotes a malformed header) fit for an error line: the
// run's own values masked (f.secrets, which need not be shaped like
// tokens; the boundary masks the key), escaped, at most redact.MaxLine.
func (f failure) serverText(s string) string {
	return redact.Line(redact.NewMasker("", f.secrets...).Mask(trimPrefix(s)), redact.MaxLine)
}
