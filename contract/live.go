package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// ErrCredentialsRejected means the server answered 401 or 403: the key is
// wrong, revoked, or not for this server. No check ran; nothing is drift.
var ErrCredentialsRejected = errors.New("credentials rejected")

// ErrServerUnavailable means the server kept answering 408, 429 or 5xx
// after the client's retries, or gave no complete answer within a
// request's time limit on any attempt (a body that trickles or breaks
// off): an outage or rate limiting, not drift, and the checks could not
// finish.
var ErrServerUnavailable = errors.New("server unavailable")

// Bounds of the live checks, when LiveConfig leaves them zero.
const (
	// DefaultMaxTokens bounds the first walk: a million tokens, more than
	// real accounts hold, in 20,000 requests at limit=50.
	DefaultMaxTokens = 1_000_000
	// DefaultCompareTokens bounds the later walks (the second page size,
	// and the agentId filter), which are compared with the same first
	// tokens of the first walk. At limit=7 a million tokens would take
	// 142,858 requests; 10,000 take 1,429, and a gap at page boundaries or
	// a filter that loses tokens shows within them.
	DefaultCompareTokens = 10_000
	// DefaultMaxPageBytes caps one response body. A page of 50 tokens is
	// about 16 KB; 4 MiB leaves room for tokens with long policies, while a
	// page a server inflates is refused before it is decoded (validation
	// holds about ten times a body's size while it runs).
	DefaultMaxPageBytes = 4 << 20
)

// maxKeptPerSeverity caps the findings a run keeps of each severity, after
// deduplication: a server that invents a new field name on every token
// must not grow the report without end.
const maxKeptPerSeverity = 200

// LiveConfig says where and how to run the live checks. Zero values take
// the client's defaults: LETTA_API_KEY, LETTA_BASE_URL, https://api.letta.com.
type LiveConfig struct {
	BaseURL string
	// APIKey is the key to call with; it is also masked in every finding,
	// whatever its shape. Empty: LETTA_API_KEY, read by the client, and
	// then only key-shaped values (sk-let-…) are masked.
	APIKey string
	// AgentID is the agent for the agentId filter check; empty means the
	// first agent seen in the data (LETTA_AGENT_ID in the test suite).
	AgentID string
	// Transport carries the requests (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// PageSizes are the two page sizes whose walks must agree. Zero: 50 and
	// 7, a size that does not divide the other, so boundaries differ.
	PageSizes [2]int
	// MaxTokens bounds the first walk in tokens received. Zero:
	// DefaultMaxTokens. Reaching it is not drift: the report says
	// Truncated.
	MaxTokens int
	// CompareTokens bounds the later walks. Zero: DefaultCompareTokens.
	CompareTokens int
	// MaxPageBytes caps each response body; a larger one is a breaking
	// finding, not read further. Zero: DefaultMaxPageBytes.
	MaxPageBytes int64
	// Options are passed to lettatokens.NewClient after ours (retries,
	// timeouts).
	Options []lettatokens.Option
}

// Report is the outcome of the live checks.
type Report struct {
	Findings  Findings // deduplicated, in the order found
	Exchanges int      // HTTP exchanges validated
	Tokens    int      // distinct tokens seen by the full walk
	AgentID   string   // agent used for the filter check, if any, as the server spelled it
	// Truncated is true when the first walk stopped at MaxTokens while the
	// server still said hasNextPage true: the account could not be checked
	// completely. It is not drift.
	Truncated bool
	// Notes say what could not be exercised, such as item schemas on an
	// account that holds no tokens.
	Notes []string
}

// Passed reports whether no breaking drift was found.
func (r *Report) Passed() bool { return !r.Findings.HasBreaking() }

// CheckLive runs every check against a live server through the generated
// client, with every exchange validated: the default page, limit=1, full
// walks at two page sizes, and the agentId filter. It returns an error only
// when checking was impossible (credentials rejected, server unreachable or
// unavailable, context ended); drift is reported in the Report.
//
// Memory is bounded whatever the server sends: bodies by MaxPageBytes,
// walks by MaxTokens and CompareTokens at 8 bytes a token, findings by
// deduplication and a cap per severity.
func CheckLive(ctx context.Context, cfg LiveConfig) (*Report, error) {
	cfg = withDefaults(cfg)
	opts := []lettatokens.Option{lettatokens.WithMaxBodyBytes(cfg.MaxPageBytes)}
	if cfg.BaseURL != "" {
		opts = append(opts, lettatokens.WithBaseURL(cfg.BaseURL))
	}
	var secrets []string
	if cfg.APIKey != "" {
		opts = append(opts, lettatokens.WithAPIKey(cfg.APIKey))
		secrets = append(secrets, cfg.APIKey)
	}
	v, err := NewValidator(WithSecrets(secrets...))
	if err != nil {
		return nil, err
	}
	base := cfg.Transport
	if base == nil {
		// A transport of our own, closed on return: the run must not leave
		// keep-alive connections (and their goroutines) behind in the
		// caller's process.
		own := http.DefaultTransport.(*http.Transport).Clone()
		defer own.CloseIdleConnections()
		base = own
	}
	traffic, walks := newCollector(), newCollector()
	opts = append(opts, lettatokens.WithTransport(&Transport{Base: base, Validator: v, Report: traffic.record,
		Retryable: lettatokens.IsRetryable, MaxBodyBytes: cfg.MaxPageBytes}))
	client, err := lettatokens.NewClient(append(opts, cfg.Options...)...)
	if err != nil {
		return nil, err
	}
	r := &liveRun{client: client, traffic: traffic, secrets: secrets}
	report := &Report{}

	one := 1
	for _, params := range []gen.ListClientSideAccessTokensParams{{}, {Limit: &one}} {
		if err := r.step(ctx, func() error { _, err := r.fetch(ctx, params); return err }); err != nil {
			return nil, err
		}
	}
	sizes := cfg.PageSizes
	var first, second WalkResult
	if err := r.step(ctx, func() (err error) {
		var f Findings
		first, f, err = Walk(ctx, r.fetch, WalkOptions{Limit: sizes[0], MaxTokens: cfg.MaxTokens, WatchAgent: cfg.AgentID})
		walks.add(f)
		return err
	}); err != nil {
		return nil, err
	}
	if err := r.step(ctx, func() (err error) {
		var f Findings
		bound := laterBound(first, first.Tokens(), sizes[1], cfg.CompareTokens)
		second, f, err = Walk(ctx, r.fetch, WalkOptions{Limit: sizes[1], MaxTokens: bound})
		walks.add(f)
		return err
	}); err != nil {
		return nil, err
	}
	walks.add(CompareWalks(first, second))

	report.Tokens = first.Tokens()
	report.Truncated = first.Truncated
	if first.Truncated {
		report.Notes = append(report.Notes, fmt.Sprintf("the walk at limit=%d stopped at its bound of %d tokens with hasNextPage still true: the account could not be checked completely", sizes[0], cfg.MaxTokens))
	}
	if first.Complete && first.Tokens() == 0 {
		report.Notes = append(report.Notes, "the account holds no tokens: item schemas (Token, TokenPolicy, AgentPolicy) were not exercised live")
	}
	if second.Truncated && second.Tokens() < first.Tokens() {
		report.Notes = append(report.Notes, fmt.Sprintf("the walks at limit=%d and limit=%d were compared on the first %d of %d tokens", sizes[0], sizes[1], second.Tokens(), first.Tokens()))
	}

	report.AgentID = first.Agent
	agent := redact.Safe(first.Agent, redact.MaxLine, secrets...)
	if report.AgentID == "" {
		report.Notes = append(report.Notes, "no agent found in the data: the agentId filter was not exercised")
	} else {
		var filtered WalkResult
		if err := r.step(ctx, func() (err error) {
			var f Findings
			bound := laterBound(first, len(first.AgentTokens), sizes[0], cfg.CompareTokens)
			filtered, f, err = Walk(ctx, r.fetch, WalkOptions{Limit: sizes[0], MaxTokens: bound, AgentID: report.AgentID})
			walks.add(f)
			return err
		}); err != nil {
			return nil, err
		}
		walks.add(CompareFiltered(first, filtered, report.AgentID))
		if filtered.Complete && filtered.Tokens() == 0 && len(first.AgentTokens) == 0 {
			report.Notes = append(report.Notes, fmt.Sprintf("no token names agent %s: the agentId filter was exercised on no token", agent))
		}
	}

	report.Exchanges = traffic.validated()
	report.Findings = append(traffic.list(), walks.list()...).Dedupe()
	if n := traffic.droppedCount() + walks.droppedCount(); n > 0 {
		report.Notes = append(report.Notes, fmt.Sprintf("%d more kinds of finding are not listed (at most %d of each severity are kept)", n, maxKeptPerSeverity))
	}
	return report, nil
}

func withDefaults(cfg LiveConfig) LiveConfig {
	if cfg.PageSizes[0] < 1 || cfg.PageSizes[1] < 1 {
		cfg.PageSizes = [2]int{50, 7}
	}
	if cfg.MaxTokens < 1 {
		cfg.MaxTokens = DefaultMaxTokens
	}
	if cfg.CompareTokens < 1 {
		cfg.CompareTokens = DefaultCompareTokens
	}
	if cfg.MaxPageBytes < 1 {
		cfg.MaxPageBytes = DefaultMaxPageBytes
	}
	return cfg
}

// laterBound bounds a walk after the first: what a complete first walk
// found (want tokens), plus three pages for a probe and for tokens created
// meanwhile, and never more than compare tokens. Without a complete first
// walk, compare tokens.
func laterBound(first WalkResult, want, size, compare int) int {
	if !first.Complete {
		return compare
	}
	return max(1, min(compare, want+3*size))
}

type liveRun struct {
	client  *lettatokens.Client
	traffic *collector
	secrets []string
}

func (r *liveRun) fetch(ctx context.Context, params gen.ListClientSideAccessTokensParams) (*gen.TokenPage, error) {
	resp, err := r.client.ListClientSideAccessTokensWithResponse(ctx, &params)
	if err != nil {
		return nil, err
	}
	return resp.JSON200, nil
}

// step runs one check and sorts its error (see classify).
func (r *liveRun) step(ctx context.Context, run func() error) error {
	mark := r.traffic.breakingCount()
	err := run()
	return r.classify(ctx, err, r.traffic.breakingCount() > mark)
}

// classify sorts a step's error. A server's answer that the client would
// not accept (an *lettatokens.Error) is drift: the validating transport has
// usually described it already (described is true); when it has not (a
// retried 5xx, a 400 to a valid request), a finding is added here. An
// answer that never arrived whole (timed out, broke off) is an outage;
// anything else (no answer at all, credentials rejected, the context ended)
// stops the run.
func (r *liveRun) classify(ctx context.Context, err error, described bool) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return err // the run was cancelled or ran out of time: no verdict
	}
	if errors.Is(err, lettatokens.ErrCrossOriginRedirect) {
		// The server sent the client elsewhere, and the key does not follow:
		// nothing could be checked there, which is no verdict on drift.
		return err
	}
	if timedOut(err) {
		// Whatever the status: a 2xx whose body trickled is as unusable as
		// no answer, and is not drift.
		return fmt.Errorf("%w: no complete answer within a request's time limit, on every attempt: %w", ErrServerUnavailable, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		// An answer that broke off, whatever its status: no evidence of
		// anything but an outage.
		return fmt.Errorf("%w: the answer broke off: %w", ErrServerUnavailable, err)
	}
	var apiErr *lettatokens.Error
	if !errors.As(err, &apiErr) {
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &syntaxErr) && !errors.As(err, &typeErr) {
			// No answer at all (refused, no such host, TLS): the client
			// returns the transport's error, which stops the run as
			// unreachable.
			return err
		}
		if !described {
			r.traffic.add(Findings{{Check: CheckJSON, Severity: Breaking,
				Message: "the client could not decode the server's answer: " + redact.Safe(err.Error(), redact.MaxLine, r.secrets...)}})
		}
		return nil
	}
	switch code := apiErr.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%w: HTTP %d from the server; check LETTA_API_KEY and LETTA_BASE_URL", ErrCredentialsRejected, code)
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%w, the checks could not finish: %w", ErrServerUnavailable, err)
	case described:
		return nil // the transport's findings explain it
	case code == http.StatusBadRequest:
		r.traffic.add(Findings{{Check: CheckStatus, Severity: Breaking,
			Message: "the server rejected a request the spec allows: " + redact.Safe(apiErr.Error(), redact.MaxLine, r.secrets...)}})
	default:
		r.traffic.add(Findings{{Check: CheckStatus, Severity: Breaking,
			Message: "the client could not use the server's answer: " + redact.Safe(apiErr.Error(), redact.MaxLine, r.secrets...)}})
	}
	return nil
}

// timedOut reports whether err is a request attempt running out of time,
// by its cause.
func timedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}
