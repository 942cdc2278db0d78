package attempt

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/letta-tokens/letta-tokens/redact"
)

// ErrCrossOriginRedirect is the cause of an *Unusable 3xx whose redirect
// left the configured origin: not followed, since the request carries the
// API key, and not retried (see lettatokens.ErrCrossOriginRedirect).
var ErrCrossOriginRedirect = errors.New("redirect to another origin refused")

// maxRedirects is net/http's own limit, kept when the caller's client sets
// no CheckRedirect of its own.
const maxRedirects = 10

// ErrTooManyRedirects is the cause when same-origin redirects go on past
// maxRedirects, in net/http's own words.
var ErrTooManyRedirects = fmt.Errorf("stopped after %d redirects", maxRedirects)

// SameOriginRedirects returns a CheckRedirect policy that refuses any
// redirect leaving origin (see Origin) and otherwise defers to next, the
// caller's own policy, or to net/http's default when next is nil. Ours runs
// first, so that no caller policy can let the key travel elsewhere.
func SameOriginRedirects(origin string, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if to := Origin(req.URL); to != origin {
			return fmt.Errorf("%w: the server redirected to %s (configured: %s)",
				ErrCrossOriginRedirect, redact.Line(to, redact.MaxLine), origin)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			// net/http's own wording. Like any refused redirect, it is
			// final: the next attempt would be sent round the same loop.
			return ErrTooManyRedirects
		}
		return nil
	}
}

// Origin returns the origin of u as scheme://host:port, lower-cased and
// with the scheme's default port written out, so that two spellings of one
// origin compare equal. User information, path, query and fragment are
// left out: they may hold secrets and are no part of an origin.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// WithoutPath returns err with the URL that net/http quotes in a
// *url.Error ("Get \"https://host/path?query\": ...") cut down to its
// origin: the path and query of a request, or of the Location a server
// redirected to, are not an error message's business, and a proxy prefix
// or a signed query could hold a secret. Other errors are returned as they
// are.
func WithoutPath(err error) error {
	// net/http returns the *url.Error itself, unwrapped; that is the only
	// place one comes from here.
	ue, ok := err.(*url.Error) //nolint:errorlint // see above
	if !ok {
		return err
	}
	to := "(unparsable URL)"
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		to = Origin(u)
	}
	return &url.Error{Op: ue.Op, URL: to, Err: ue.Err}
}
