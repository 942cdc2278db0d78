package lettatokens

import (
	"net/http"
	"time"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Defaults applied by NewClient; each has an option to change it.
const (
	defaultMaxRetries = 2
	defaultTimeout    = 60 * time.Second
	// maxMaxRetries bounds WithMaxRetries: with the 60 s cap on a server's
	// delay, one call then waits at most about ten minutes between its
	// attempts, and a typo (WithMaxRetries(1000)) cannot make it hours.
	maxMaxRetries = 10
)

// DefaultMaxBodyBytes caps how much of a response body is read: 32 MiB is
// about 100,000 tokens in one page, far beyond any real page. Change it
// with [WithMaxBodyBytes].
const DefaultMaxBodyBytes = 32 << 20

// Option configures a [Client]; pass options to [NewClient].
type Option func(*config)

// config is what the options accumulate; NewClient fills the defaults in.
type config struct {
	apiKey       string
	baseURL      string
	origin       string // scheme://host:port of baseURL, set by complete: where the key may go
	httpClient   *http.Client
	transport    http.RoundTripper
	maxRetries   int
	timeout      time.Duration // 0 means "not set": the caller's client or the default decides
	maxBodyBytes int64
	userAgent    string
	mask         *redact.Masker
	retryWait    func(time.Duration) time.Duration // attempt.Loop.Wait
}

// WithAPIKey sets the Letta API key, trimmed of white space as
// LETTA_API_KEY is. Without it, NewClient reads LETTA_API_KEY (see
// [LoadEnv]).
func WithAPIKey(key string) Option {
	return func(c *config) { c.apiKey = key }
}

// WithMasker masks the errors of the client's calls with m, the masker of
// a run that knows its API key (see [redact.NewMasker]), so that a run
// builds one. Without it, NewClient builds one for the key it uses.
func WithMasker(m *redact.Masker) Option {
	return func(c *config) { c.mask = m }
}

// WithBaseURL sets the server to call, for example a mock or a proxy.
// Without it, NewClient reads LETTA_BASE_URL, and falls back to
// [DefaultBaseURL]. It is checked as [LoadEnv] checks LETTA_BASE_URL: a
// trailing slash is tolerated, a gateway's path prefix is kept, and a path
// ending in /v1 is refused.
func WithBaseURL(u string) Option {
	return func(c *config) { c.baseURL = u }
}

// WithHTTPClient makes every attempt go through a copy of hc, so that its
// Transport, Jar and CheckRedirect are honoured. Its CheckRedirect runs
// after the client's own check, which refuses any redirect to another
// origin than the base URL's (see [ErrCrossOriginRedirect]). Its Timeout, if non-zero,
// becomes the per-attempt timeout unless [WithTimeout] is also given. hc
// itself is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient = hc }
}

// WithTransport sets the RoundTripper every attempt goes through (for
// example the contract package's validating RoundTripper). It takes
// precedence over the Transport of a client given with [WithHTTPClient].
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) { c.transport = rt }
}

// WithMaxRetries sets how many times a failed request is retried; the
// default is 2 (3 attempts in all). 0 disables retries; more than 10, or a
// negative number, is an error from NewClient. Creates are retried too
// (see [Client.CreateToken] for what that means).
func WithMaxRetries(n int) Option {
	return func(c *config) { c.maxRetries = n }
}

// Retryable reports whether a Client retries an attempt answered with
// resp, as Letta's SDKs do: 408, 409, 429 and 5xx, unless x-should-retry
// says otherwise; a 2xx is final. A validating transport or proxy asks it
// which answers are not yet a verdict.
func Retryable(resp *http.Response) bool { return attempt.Retryable(resp) }

// WithTimeout sets the time limit of each attempt, including reading the
// response body; the default is 60 s. The context passed to a call bounds
// the whole call, retries and waits included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithMaxBodyBytes caps how many bytes are read from any response body; the
// default is 32 MiB. A larger body ends the call with an *Error wrapping
// [ErrBodyTooLarge], so a server that streams forever cannot exhaust memory.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) { c.maxBodyBytes = n }
}

// WithUserAgent puts ua (for example "my-app/1.2") in front of this
// module's own User-Agent product token, so the server sees both.
func WithUserAgent(ua string) Option {
	return func(c *config) { c.userAgent = ua }
}
