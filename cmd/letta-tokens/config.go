package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
)

// userAgent is put in front of the client's own User-Agent, so Letta can
// tell the command's traffic from other callers of the module.
const userAgent = progName + "-cli/" + lettatokens.Version

// config is what list and check need from the environment.
type config struct {
	apiKey  string
	baseURL string // as given, or lettatokens.DefaultBaseURL
	// target is baseURL as it may be printed: without a password in its
	// user info or a trailing slash. The API key is never part of it.
	target string
}

// loadConfig takes LETTA_API_KEY and LETTA_BASE_URL from the run's
// environment, which lettatokens.LoadEnv read, so that the command and the
// library trim and check them alike. A missing key is a usage error that says how to set it, or
// how to do without an account.
func loadConfig(env runEnv) (config, error) {
	c := config{apiKey: env.APIKey, baseURL: cmp.Or(env.BaseURL, lettatokens.DefaultBaseURL)}
	if c.apiKey == "" {
		// A prefix for one command, never an export: left in a shell, the
		// key would make a later 'go test ./...' a live run.
		return c, kindErrorf(lettatokens.KindInvalid, "%s is not set: give it to the command, as in %s=<your Letta API key> %s list, or try it without an account: %s check --mock",
			envAPIKey, envAPIKey, progName, progName)
	}
	var cfgErr *lettatokens.ConfigError
	if errors.As(env.err, &cfgErr) && cfgErr.Setting == envBaseURL {
		// The message names the variable and the rule, never the value,
		// which may hold credentials. (Other variables are checked where
		// they are used: LETTA_MAX_TOKENS only when no flag overrides it.)
		return c, kindErrorf(lettatokens.KindInvalid, "%s", trimPrefix(env.err.Error()))
	}
	u, _ := url.Parse(c.baseURL) // LoadEnv parsed it
	c.target = strings.TrimRight(u.Redacted(), "/")
	return c, nil
}

// defaultRequestTimeout is --timeout's default: the client's own limit on
// each attempt.
const defaultRequestTimeout = 60 * time.Second

// maxRequestTimeout bounds --timeout, so that a typo (--timeout 60h) cannot
// park a CI job for days.
const maxRequestTimeout = 10 * time.Minute

// addTimeoutFlag defines --timeout on fs: the time limit of each request
// attempt, body included. Check the value with checkTimeout after parsing.
func addTimeoutFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("timeout", defaultRequestTimeout,
		"give up on a request attempt after `DURATION` (such as 30s or 2m), body included; at most 10m")
}

// checkTimeout is the usage error for a --timeout out of range, or nil.
func checkTimeout(cmd string, d time.Duration) error {
	if d <= 0 || d > maxRequestTimeout {
		return usageErrorf(cmd, "%s: --timeout must be above 0 and at most %s (such as 30s or 2m), got %s", cmd, shortDuration(maxRequestTimeout), d)
	}
	return nil
}

// shortDuration is d as a person writes it: 10m, 24h, 1h30m, not 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// apiCall is what list, create and delete call the API with: a client of
// the command's own and the wording of its failures.
type apiCall struct {
	client    *lettatokens.Client
	fail      failure
	closeIdle func()
}

// dial is the set-up of list, create and delete (cmd), failures worded as
// doing ("listing tokens from") the target. Nothing is sent; the caller
// defers closeIdle.
func dial(env runEnv, cmd string, timeout time.Duration, doing string) (apiCall, error) {
	if err := checkTimeout(cmd, timeout); err != nil {
		return apiCall{}, err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return apiCall{}, err
	}
	tr := newTransport()
	client, err := lettatokens.NewClient(
		lettatokens.WithAPIKey(cfg.apiKey),
		lettatokens.WithMasker(env.mask),
		lettatokens.WithBaseURL(cfg.baseURL),
		lettatokens.WithTransport(tr),
		lettatokens.WithUserAgent(userAgent),
		lettatokens.WithTimeout(timeout),
	)
	if err != nil {
		return apiCall{}, kindErrorf(lettatokens.KindOf(err), "%s", trimPrefix(err.Error()))
	}
	return apiCall{client: client, fail: failure{cfg: cfg, timeout: timeout, doing: doing}, closeIdle: tr.CloseIdleConnections}, nil
}

// newTransport returns a transport of the command's own, so that a run can
// close its idle connections when it is done instead of leaving them to
// http.DefaultTransport.
var newTransport = http.DefaultTransport.(*http.Transport).Clone

// networkReason words a transport error without the request URL that
// net/http puts in front of it (the target is named separately).
func networkReason(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return dnsErr.Error() // "lookup host: no such host"
	case errors.As(err, &opErr) && opErr.Err != nil:
		return opErr.Err.Error() // "connect: connection refused"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.As(err, &urlErr):
		return urlErr.Err.Error() // TLS and protocol errors
	}
	return trimPrefix(err.Error())
}

// trimPrefix drops the client package's "lettatokens: " prefix from an
// error line, which the command's own prefix replaces.
func trimPrefix(msg string) string {
	return strings.TrimPrefix(msg, "lettatokens: ")
}

// walkBounds checks a walk's --concurrency, --timeout and --deadline, and
// returns its bound: --max-tokens when given (set holds the flags given),
// else LETTA_MAX_TOKENS, else the flag's default. A value out of range,
// from either, is a usage error.
func walkBounds(cmd string, set map[string]bool, flagValue, concurrency int, timeout, deadline time.Duration, env runEnv) (int, error) {
	if concurrency < 1 || concurrency > lettatokens.MaxConcurrency {
		return 0, usageErrorf(cmd, "%s: --concurrency must be between 1 and %d, got %d", cmd, lettatokens.MaxConcurrency, concurrency)
	}
	if err := checkTimeout(cmd, timeout); err != nil {
		return 0, err
	}
	if deadline <= 0 || deadline > maxCheckDeadline {
		return 0, usageErrorf(cmd, "%s: --deadline must be above 0 and at most %s (such as 30m or 3h), got %s", cmd, shortDuration(maxCheckDeadline), deadline)
	}
	if !set["max-tokens"] {
		var cfgErr *lettatokens.ConfigError
		if errors.As(env.err, &cfgErr) && cfgErr.Setting == envMaxTokens || env.MaxTokens > maxMaxTokens {
			return 0, usageErrorf(cmd, "%s: %s must be a whole number between 1 and %d", cmd, envMaxTokens, maxMaxTokens)
		}
		if env.MaxTokens > 0 {
			return env.MaxTokens, nil
		}
	}
	if flagValue < 1 || flagValue > maxMaxTokens {
		return 0, usageErrorf(cmd, "%s: --max-tokens must be between 1 and %d, got %d", cmd, maxMaxTokens, flagValue)
	}
	return flagValue, nil
}

// defaultConcurrency is --concurrency's default for walks: four pages in
// flight make a walk over a link tens of milliseconds long several times
// faster (BENCHMARKS.md), while a server sees no more than four requests of
// ours at once, and each page in flight may hold 4 MiB, validated (check)
// at about ten times that.
const defaultConcurrency = 4
