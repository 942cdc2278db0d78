package lettatokens

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/attempt"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Client calls Letta's client-side access tokens API: [Client.CreateToken],
// [Client.ListTokens] (one page), [Client.Tokens] (every page) and
// [Client.DeleteToken]. It is configured for production use: API key and
// base URL from options or the environment, Bearer authentication, a
// User-Agent, a timeout per attempt, retries of failed attempts (see
// [WithMaxRetries]), a cap on response bodies.
//
// Every method fails with a [*ParamError], and sends nothing, for
// arguments the spec rules out; with an [*Error] for an answer it cannot
// use (a non-2xx status, a body that is not JSON or lacks a member the
// spec requires); and with its cause wrapped when no answer came (see
// [Error]). No error shows the API key or a token.
//
// A Client is safe for concurrent use.
type Client struct {
	generated *gen.ClientWithResponses

	mask *redact.Masker // masks the errors of its calls
}

// Generated returns the generated client that c's methods use, for
// operations or options they do not offer: every request it sends carries
// c's authentication and User-Agent, is retried by c's policy, and gets a
// response only for a 204, any 2xx to a delete (its body dropped), or a
// 2xx JSON body within the cap; it fails as c's methods do. Prefer those
// where they serve, as they also check arguments and decode strictly.
func (c *Client) Generated() *gen.ClientWithResponses { return c.generated }

// NewClient returns a Client configured by opts, falling back to the
// LETTA_API_KEY and LETTA_BASE_URL environment variables (read by
// [LoadEnv], so trimmed and checked as the CLI reads them) and then to the
// defaults. It fails with an error wrapping [ErrNoAPIKey] when no key is
// found, and with a [*ConfigError] on invalid options or variables.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		maxRetries:   defaultMaxRetries,
		maxBodyBytes: DefaultMaxBodyBytes,
		retryWait:    func(d time.Duration) time.Duration { return d },
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.complete(os.Getenv); err != nil {
		return nil, err
	}
	if cfg.mask == nil {
		cfg.mask = redact.NewMasker(cfg.apiKey)
	}
	loop := doer{mask: cfg.mask, loop: &attempt.Loop{
		Client:       cfg.attemptClient(),
		Timeout:      cfg.timeout,
		MaxRetries:   cfg.maxRetries,
		MaxBodyBytes: cfg.maxBodyBytes,
		Wait:         cfg.retryWait,
	}}
	generated, err := gen.NewClientWithResponses(cfg.baseURL,
		gen.WithHTTPClient(loop),
		gen.WithRequestEditorFn(BearerAuth(cfg.apiKey)),
		// The caller's product token, if any, then this module's.
		gen.WithRequestEditorFn(setHeader("User-Agent", strings.TrimPrefix(cfg.userAgent+" "+defaultUserAgent, " "))),
	)
	if err != nil {
		return nil, fmt.Errorf("lettatokens: creating client: %w", err)
	}
	return &Client{generated: generated, mask: cfg.mask}, nil
}

// complete fills in what the options left unset from the environment,
// read through getenv, and validates the result.
func (c *config) complete(getenv func(string) string) error {
	c.apiKey = strings.TrimSpace(c.apiKey)
	if c.apiKey == "" || c.baseURL == "" {
		env, err := LoadEnv(getenv)
		var cfgErr *ConfigError
		if c.baseURL == "" && errors.As(err, &cfgErr) && cfgErr.Setting == envBaseURL {
			return err
		}
		c.apiKey = cmp.Or(c.apiKey, env.APIKey)
		c.baseURL = cmp.Or(c.baseURL, env.BaseURL, DefaultBaseURL)
	}
	if c.apiKey == "" {
		return ErrNoAPIKey
	}
	base, err := checkBaseURL("WithBaseURL", strings.TrimSpace(c.baseURL))
	if err != nil {
		return err
	}
	c.baseURL = base
	u, _ := url.Parse(base) // checked above
	c.origin = attempt.Origin(u)
	switch {
	case c.maxRetries < 0 || c.maxRetries > maxMaxRetries:
		return &ConfigError{Setting: "WithMaxRetries", Reason: fmt.Sprintf("must be 0 to %d, got %d", maxMaxRetries, c.maxRetries)}
	case c.timeout < 0:
		return &ConfigError{Setting: "WithTimeout", Reason: fmt.Sprintf("must not be negative, got %s", c.timeout)}
	case c.maxBodyBytes <= 0:
		return &ConfigError{Setting: "WithMaxBodyBytes", Reason: fmt.Sprintf("must be positive, got %d", c.maxBodyBytes)}
	}
	// Each attempt's limit: WithTimeout's, else the caller's client's, else
	// the default.
	if c.timeout == 0 && c.httpClient != nil && c.httpClient.Timeout > 0 {
		c.timeout = c.httpClient.Timeout
	}
	c.timeout = cmp.Or(c.timeout, defaultTimeout)
	return nil
}

// attemptClient returns the *http.Client that makes each single attempt: a
// copy of the caller's, if any, so that its Transport and Jar are
// honoured, with our redirect policy in front of the caller's. Its Timeout
// is cleared: the loop limits each attempt with a context instead, so
// that the body is read under the same limit.
func (c *config) attemptClient() *http.Client {
	hc := &http.Client{}
	if c.httpClient != nil {
		*hc = *c.httpClient // a copy: the caller's client is theirs
	}
	if c.transport != nil {
		hc.Transport = c.transport
	}
	// The key goes to the configured origin only, whatever the caller's
	// own redirect policy would allow.
	hc.CheckRedirect = attempt.SameOriginRedirects(c.origin, hc.CheckRedirect)
	hc.Timeout = 0
	return hc
}
