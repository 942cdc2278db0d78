package lettatokens

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// DefaultBaseURL is the Letta Cloud API, used when neither [WithBaseURL] nor
// LETTA_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.letta.com"

// Version is this module's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client calls Letta's client-side access tokens API: [Client.CreateToken],
// [Client.ListTokens] (one page), [Client.DeleteToken], and walks of every
// page with [Tokens] and [CollectTokens]. It is configured for production
// use: API key and base URL from options or the environment, Bearer
// authentication, a User-Agent, a timeout per attempt, retries, a cap on
// response bodies, typed errors ([*Error] for an answer that cannot be
// used, [*ParamError] for arguments refused before sending, the transport's
// or the context's own error, wrapped, for a call that got no answer), and
// redaction of the API key and tokens from every error.
//
// The generated client is reachable with [Client.Generated] for anything
// these methods do not cover; its methods go through the same retries,
// checks and authentication. (Before version 0.1.0 a Client embedded it;
// its methods are no longer promoted onto Client, except
// ListClientSideAccessTokensWithResponse, which makes a Client a
// [PageLister].)
//
// A Client is safe for concurrent use.
type Client struct {
	generated *gen.ClientWithResponses

	apiKey string // for redaction of errors only; requests carry it via BearerAuth
}

// Generated returns the generated client that c's methods use: every
// request it sends carries c's authentication and User-Agent, is retried
// by c's policy, and gets a response only for a 204 or a 2xx JSON body
// within the cap; any other answer is an [*Error], a call without an
// answer returns its cause wrapped. It is for operations or options these
// methods do not offer; prefer them where they do, as they also check
// arguments and decode strictly.
func (c *Client) Generated() *gen.ClientWithResponses { return c.generated }

// NewClient returns a Client configured by opts, falling back to the
// LETTA_API_KEY and LETTA_BASE_URL environment variables and then to the
// defaults. It fails with an error wrapping [ErrNoAPIKey] when no key is
// found, and on invalid options.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		maxRetries:   defaultMaxRetries,
		maxBodyBytes: DefaultMaxBodyBytes,
		retryWait:    func(d time.Duration) time.Duration { return d },
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.complete(); err != nil {
		return nil, err
	}

	retrying := newRetryingClient(cfg.attemptClient(), cfg.maxRetries, cfg.retryWait)
	installThrottle(retrying, cfg.retryWait) // a 429 or 503 holds back every request of this Client
	doer := &checkingDoer{retrying: retrying, maxBodyBytes: cfg.maxBodyBytes, apiKey: cfg.apiKey}
	generated, err := gen.NewClientWithResponses(cfg.baseURL,
		gen.WithHTTPClient(doer),
		gen.WithRequestEditorFn(BearerAuth(cfg.apiKey)),
		gen.WithRequestEditorFn(userAgentEditor(cfg.userAgent)),
	)
	if err != nil {
		return nil, errorf("creating client: %w", err)
	}
	return &Client{generated: generated, apiKey: cfg.apiKey}, nil
}

// complete fills in what the options left unset from the environment and
// validates the result.
func (c *config) complete() error {
	if c.apiKey == "" {
		c.apiKey = os.Getenv(envAPIKey)
	}
	if c.apiKey == "" {
		return ErrNoAPIKey
	}
	if c.baseURL == "" {
		c.baseURL = os.Getenv(envBaseURL)
	}
	if c.baseURL == "" {
		c.baseURL = DefaultBaseURL
	}
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return errorf("invalid base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf("invalid base URL %q: want http(s)://host[/path]", c.baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errorf("invalid base URL %q: no query or fragment allowed", c.baseURL)
	}
	c.origin = originOf(u)
	// gen appends "/" and resolves the operation path against it; trimming
	// first makes "https://host/", "https://host//" and "https://host" equal.
	c.baseURL = strings.TrimRight(c.baseURL, "/")
	if c.maxRetries < 0 {
		return errorf("max retries must not be negative, got %d", c.maxRetries)
	}
	if c.timeout < 0 {
		return errorf("timeout must not be negative, got %s", c.timeout)
	}
	if c.maxBodyBytes <= 0 {
		return errorf("max body bytes must be positive, got %d", c.maxBodyBytes)
	}
	return nil
}

// attemptClient returns the *http.Client that makes each single attempt: a
// copy of the caller's, if any, with the per-attempt timeout set and our
// redirect policy in front of the caller's. Its Timeout covers reading the
// body of a usable answer too, which bodyReadingTransport does before the
// attempt ends.
func (c *config) attemptClient() *http.Client {
	hc := &http.Client{}
	if c.httpClient != nil {
		*hc = *c.httpClient // a copy: the caller's client is theirs
	}
	if c.transport != nil {
		hc.Transport = c.transport
	}
	if hc.Transport == nil {
		hc.Transport = http.DefaultTransport
	}
	// retryablehttp closes the client's idle connections each time it gives
	// up. On a shared transport (http.DefaultTransport, or a caller's) that
	// would drop every pooled connection in the process, so hide the method.
	// Outermost, the body of a usable answer is read within the attempt.
	hc.Transport = bodyReadingTransport{next: keepIdleConnections{hc.Transport}, maxBodyBytes: c.maxBodyBytes}
	// The key goes to the configured origin only, whatever the caller's
	// own redirect policy would allow.
	hc.CheckRedirect = sameOriginRedirects(c.origin, hc.CheckRedirect)
	switch {
	case c.timeout > 0:
		hc.Timeout = c.timeout
	case hc.Timeout == 0:
		hc.Timeout = defaultTimeout
	}
	return hc
}

// keepIdleConnections wraps a RoundTripper, hiding its CloseIdleConnections
// method (see attemptClient).
type keepIdleConnections struct{ http.RoundTripper }
