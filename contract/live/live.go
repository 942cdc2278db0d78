package live

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
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
	// DefaultCleanupTimeout bounds the cleanup of seeded tokens when
	// LiveConfig.CleanupTimeout is zero (see there).
	DefaultCleanupTimeout = 30 * time.Second
)

// LiveConfig says where and how to run the live checks. Zero values take
// the client's defaults: LETTA_API_KEY, LETTA_BASE_URL, https://api.letta.com.
type LiveConfig struct {
	BaseURL string
	// APIKey is the key to call with; it is also masked in every finding,
	// whatever its shape. Empty: LETTA_API_KEY, read by the client, and
	// then only key-shaped values (sk-let-…) are masked.
	APIKey string
	// Masker is the run's masker, built for APIKey (see redact.NewMasker);
	// nil: the run builds it.
	Masker *redact.Masker
	// AgentID is the agent for the agentId filter check, and the first
	// agent seeded tokens name; empty means the first agent seen in the
	// data (LETTA_AGENT_ID in the test suite).
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
	// Concurrency is how many pages each walk asks for at once, handed to
	// the checks in offset order, so that every finding is what a walk of
	// one page at a time would report; every bound holds as at 1, and at most
	// Concurrency-1 requests past a walk's end are wasted. Zero: 1, each
	// page asked for after the one before it was checked.
	Concurrency int
	// Seed makes the run create tokens of its own (three of them,
	// expiring after an hour, hostname SeedHostname plus a run id,
	// for AgentID or an agent seen in the data, and a second agent), so
	// that an account without tokens still exercises every token check,
	// and create, list with the agentId filter, and delete are checked on
	// tokens whose fields are known. It writes to the account: opt-in.
	// Every token created is deleted before CheckLive returns, however the
	// run ends (an error, a cancelled ctx, a panic): by the run's last
	// check, else by a cleanup with a context of its own, bounded by
	// CleanupTimeout; a delete answered 400 (the API's answer for a
	// token that does not exist) counts when a walk no longer lists the
	// token. A create the server refuses (a 4xx) is a note, not drift,
	// and the run goes on without seeded tokens.
	//
	// A token is the run's own, and deleted, only if create's answer
	// validates, names the run's hostname and policy, holds no part of
	// the API key, and the token was not listed by a walk taken before
	// the first create; any other is a breaking round-trip finding that
	// names it masked, and is never deleted. Each create is recorded
	// before it is sent: one whose answer never came, or came unusable,
	// is named with the run's hostname and [ListHint], in the report's
	// notes, the error ([UndeletedError]) or the panic ([SeedPanic]) that
	// ends the run.
	Seed bool
	// CleanupTimeout bounds the cleanup that deletes the seeded tokens
	// the run itself could not (it failed, ctx ended, it panicked), with
	// a context of its own, so that the deletes go out after a Ctrl-C.
	// Zero or less: DefaultCleanupTimeout. A caller with a hard deadline
	// of its own (go test's -timeout) keeps this much time for it after
	// ctx ends.
	CleanupTimeout time.Duration
	// Report, when set, receives every exchange of the run as it is
	// validated, its findings masked as the report's are; with Concurrency
	// above 1, from several goroutines at once. A panic in it ends the run
	// (after the cleanup of seeded tokens) with that panic.
	Report func(contract.Exchange)
	// Options are passed to lettatokens.NewClient after ours (retries,
	// timeouts).
	Options []lettatokens.Option
}

// CheckLive runs every check against a live server through the client,
// with every exchange validated: the default page, with LiveConfig.Seed
// the creation of tokens of its own, limit=1, full walks at two page
// sizes, the agentId filter, and for seeded tokens that the list shows
// them as created and that delete removes them. It returns an error only
// when checking was impossible (credentials rejected, server unreachable
// or unavailable, context ended); drift is reported in the Report, whose
// producer is contract.ProducerCheck. When ctx ends the run (an interrupt,
// a deadline), the report returned with the error holds what was
// validated before it stopped (findings, exchanges): a partial record for
// a caller's reports, never a verdict.
//
// Memory is bounded whatever the server sends: bodies by MaxPageBytes,
// walks by MaxTokens and CompareTokens at 8 bytes a token, findings by
// deduplication and a cap per severity.
func CheckLive(ctx context.Context, cfg LiveConfig) (report *contract.Report, err error) {
	if cfg.Concurrency < 0 {
		return nil, fmt.Errorf("live: LiveConfig.Concurrency must not be negative, got %d", cfg.Concurrency)
	}
	r, err := newLiveRun(cfg)
	if err != nil {
		return nil, err
	}
	if r.own != nil {
		defer r.own.CloseIdleConnections()
	}
	// However the run ends, returning or panicking, the tokens it created
	// are deleted, and one that could not be is said.
	defer func() {
		// Every return gives a report or an error: neither means a panic
		// is unwinding.
		unwinding := report == nil && err == nil
		err = r.cleanup(ctx, report, err)
		if err != nil && report == nil && ctx.Err() != nil {
			// What was validated before ctx ended the run, for a caller
			// that reports an interrupted run: never a verdict.
			report = r.finish()
		}
		var left *UndeletedError
		if unwinding && errors.As(err, &left) {
			// What a seeded run left goes with the panic, or no one hears
			// of it. Recovered only then, so that any other panic keeps
			// its own trace.
			panic(&SeedPanic{Value: recover(), Left: left})
		}
		r.panics.raise()
	}()

	// The page a request without parameters gets is where seed looks for
	// agents (nil when the server's answer was not one).
	first, err := r.list(ctx, lettatokens.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context) error{
		func(ctx context.Context) error { return r.seed(ctx, first) },
		// After seed, so that a seeded account shows whether limit is
		// honoured.
		func(ctx context.Context) error {
			_, err := r.list(ctx, lettatokens.ListOptions{Limit: 1})
			return err
		},
		r.pagedWalks, r.filter, r.roundTrip,
	} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return r.finish(), nil
}

// orDefault sets *v to def when it is below 1 (zero, or negative).
func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v < 1 {
		*v = def
	}
}

// laterBound bounds a walk after the first: what a complete first walk
// found (want tokens), plus three pages for a probe and for tokens created
// meanwhile, and never more than compare tokens. Without a complete first
// walk, compare tokens.
func laterBound(first walkResult, want, size, compare int) int {
	if !first.Complete {
		return compare
	}
	return max(1, min(compare, want+3*size))
}
