package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
)

// ErrCredentialsRejected means the server answered 401 or 403: the key is
// wrong, revoked, or not for this server. No check ran; nothing is drift.
var ErrCredentialsRejected = errors.New("credentials rejected")

// ErrServerUnavailable means the server kept answering 408, 429 or 5xx
// after the client's retries: an outage or rate limiting, not drift, and
// the checks could not finish.
var ErrServerUnavailable = errors.New("server unavailable")

// LiveConfig says where and how to run the live checks. Zero values take
// the client's defaults: LETTA_API_KEY, LETTA_BASE_URL, https://api.letta.com.
type LiveConfig struct {
	BaseURL string
	APIKey  string
	// AgentID is the agent for the agentId filter check; empty means the
	// first agent seen in the data (LETTA_AGENT_ID in the test suite).
	AgentID string
	// Transport carries the requests (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// PageSizes are the two page sizes whose walks must agree. Zero: 50 and
	// 7, a size that does not divide the other, so boundaries differ.
	PageSizes [2]int
	// MaxPages bounds the first walk. Zero: 1000. Later walks are bounded
	// by what the first one found, plus a margin.
	MaxPages int
	// Options are passed to lettatokens.NewClient after ours (retries,
	// timeouts).
	Options []lettatokens.Option
}

// Report is the outcome of the live checks.
type Report struct {
	Findings  Findings // deduplicated, in the order found
	Exchanges int      // HTTP exchanges validated
	Tokens    int      // distinct tokens seen by the full walk
	AgentID   string   // agent used for the filter check, if any
	// Notes say what could not be exercised, such as item schemas on an
	// account that holds no tokens.
	Notes []string
}

// Passed reports whether no breaking drift was found.
func (r *Report) Passed() bool { return !r.Findings.HasBreaking() }

// CheckLive runs every check against a live server through the generated
// client, with every exchange validated: the default page, limit=1, full
// walks at two page sizes, and the agentId filter. It returns an error only
// when checking was impossible (credentials rejected, server unreachable,
// context ended); drift is reported in the Report.
func CheckLive(ctx context.Context, cfg LiveConfig) (*Report, error) {
	sizes := cfg.PageSizes
	if sizes[0] < 1 || sizes[1] < 1 {
		sizes = [2]int{50, 7}
	}
	maxPages := cfg.MaxPages
	if maxPages < 1 {
		maxPages = 1000
	}
	opts := []lettatokens.Option{}
	if cfg.BaseURL != "" {
		opts = append(opts, lettatokens.WithBaseURL(cfg.BaseURL))
	}
	if cfg.APIKey != "" {
		opts = append(opts, lettatokens.WithAPIKey(cfg.APIKey))
	}
	var secrets []string
	if cfg.APIKey != "" {
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
	var rec Recorder
	opts = append(opts, lettatokens.WithTransport(&Transport{Base: base, Validator: v, Report: rec.Record, IgnoreRetryable: true}))
	client, err := lettatokens.NewClient(append(opts, cfg.Options...)...)
	if err != nil {
		return nil, err
	}
	r := &liveRun{client: client}

	report := &Report{}
	steps := []func(context.Context) (Findings, error){
		func(ctx context.Context) (Findings, error) {
			return nil, r.fetchOne(ctx, gen.ListClientSideAccessTokensParams{})
		},
		func(ctx context.Context) (Findings, error) {
			one := 1
			return nil, r.fetchOne(ctx, gen.ListClientSideAccessTokensParams{Limit: &one})
		},
	}
	var walks [2]WalkResult
	for i, size := range sizes {
		steps = append(steps, func(ctx context.Context) (Findings, error) {
			bound := maxPages
			if i > 0 {
				bound = boundAfter(walks[0], size, maxPages)
			}
			res, f, err := Walk(ctx, r.fetch, WalkOptions{Limit: size, MaxPages: bound})
			walks[i] = res
			return f, err
		})
	}
	for _, step := range steps {
		seen := len(rec.Exchanges())
		f, err := step(ctx)
		report.Findings = append(report.Findings, f...)
		if err := r.classify(err, rec.FindingsSince(seen), &report.Findings); err != nil {
			return nil, err
		}
	}
	report.Findings = append(report.Findings, CompareWalks(walks[0], walks[1])...)
	report.Tokens = len(walks[0].Tokens)
	if report.Tokens == 0 {
		report.Notes = append(report.Notes, "the account holds no tokens: item schemas (Token, TokenPolicy, AgentPolicy) were not exercised live")
	}

	report.AgentID = cfg.AgentID
	if report.AgentID == "" {
		report.AgentID = firstAgent(walks[0].Tokens)
	}
	if report.AgentID == "" {
		report.Notes = append(report.Notes, "no agent found in the data: the agentId filter was not exercised")
	} else {
		seen := len(rec.Exchanges())
		filtered, f, err := Walk(ctx, r.fetch, WalkOptions{Limit: sizes[0], MaxPages: boundAfter(walks[0], sizes[0], maxPages), AgentID: report.AgentID})
		report.Findings = append(report.Findings, f...)
		if err := r.classify(err, rec.FindingsSince(seen), &report.Findings); err != nil {
			return nil, err
		}
		if cfg.AgentID == "" || walks[0].Complete {
			report.Findings = append(report.Findings, CompareFiltered(walks[0], filtered, report.AgentID)...)
		}
	}

	exchanges := rec.Exchanges()
	report.Exchanges = len(exchanges)
	report.Findings = append(rec.Findings(), report.Findings...).Dedupe()
	return report, nil
}

type liveRun struct {
	client *lettatokens.Client
}

func (r *liveRun) fetch(ctx context.Context, params gen.ListClientSideAccessTokensParams) (*gen.TokenPage, error) {
	resp, err := r.client.ListClientSideAccessTokensWithResponse(ctx, &params)
	if err != nil {
		return nil, err
	}
	return resp.JSON200, nil
}

func (r *liveRun) fetchOne(ctx context.Context, params gen.ListClientSideAccessTokensParams) error {
	_, err := r.fetch(ctx, params)
	return err
}

// classify sorts a step's error. A server's answer that the client would
// not accept is drift: the validating transport has usually described it
// already; when it has not (a retried 5xx, a 400 to a valid request), a
// finding is added here. Anything else (no answer at all, credentials
// rejected, the context ended) stops the run.
func (r *liveRun) classify(err error, stepFindings Findings, findings *Findings) error {
	if err == nil {
		return nil
	}
	var apiErr *lettatokens.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode == 0 {
		return err // no answer: unreachable, timed out, cancelled
	}
	switch code := apiErr.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%w: HTTP %d from the server; check LETTA_API_KEY and LETTA_BASE_URL", ErrCredentialsRejected, code)
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%w, the checks could not finish: %w", ErrServerUnavailable, err)
	case stepFindings.HasBreaking():
		return nil // the transport's findings explain it
	case apiErr.StatusCode == http.StatusBadRequest:
		*findings = append(*findings, Finding{Check: CheckStatus, Severity: Breaking,
			Message: fmt.Sprintf("the server rejected a request the spec allows: %s", apiErr.Error())})
	default:
		*findings = append(*findings, Finding{Check: CheckStatus, Severity: Breaking,
			Message: fmt.Sprintf("the client could not use the server's answer: %s", apiErr.Error())})
	}
	return nil
}

// boundAfter bounds a walk at page size size by what a complete first walk
// found: its token count in pages, plus a margin for a probe and for tokens
// created meanwhile. Without a complete first walk, the configured bound.
func boundAfter(first WalkResult, size, configured int) int {
	if !first.Complete {
		return configured
	}
	return len(first.Tokens)/size + 3
}

func firstAgent(tokens []gen.Token) string {
	for _, t := range tokens {
		for _, d := range t.Policy.Data {
			if d.Id != "" {
				return d.Id
			}
		}
	}
	return ""
}
