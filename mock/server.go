package mock

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
	"github.com/letta-tokens/letta-tokens/redact"
)

// The defaults the spec declares for the operation's paging parameters.
// TestDefaultsMatchSpec keeps them equal to openapi.yaml.
const (
	DefaultLimit  = 10
	DefaultOffset = 0
)

// Options configure a [Server].
type Options struct {
	// Tokens are the account's tokens, served in this order. New copies
	// them, so the caller may reuse the slice. Nil serves an empty account.
	Tokens []gen.Token
	// SeedCount, when above zero, serves SeedTokens(SeedCount) without
	// building it: each seeded token is made from its position when a page
	// needs it, and the agentId filter is arithmetic, so a server of
	// MaxSeedCount tokens starts at once, holds a few MB, and answers any
	// page in time proportional to the page. Responses are byte for byte
	// those of Tokens: SeedTokens(SeedCount). It cannot be combined with
	// Tokens, and must be at most MaxSeedCount.
	SeedCount int
	// APIKey, when set, is the only bearer key accepted. When empty, any
	// non-empty bearer key is accepted.
	APIKey string
	// Masker, when set, masks what the mock's findings quote: the masker
	// of the run that serves it, built for APIKey (see redact.NewMasker).
	Masker *redact.Masker
	// Latency delays every answer by this long, so that latency-bound
	// behaviour (timeouts, concurrency) can be measured offline. A request
	// whose context ends while it waits stops waiting at once, and its
	// connection is dropped; net/http ends it when the client goes only
	// for a request without a body, so a create whose client gave up is
	// still carried out, as on a real server. It must not be negative; 0
	// answers at once.
	Latency time.Duration
	// Faults, when set, make that share of requests fail (see
	// [ParseFaults] for the kinds), so that a client's retries can be
	// tested. Each request's fault is decided when it arrives, before
	// authentication and before the handler, so a request answered with a
	// fault changes nothing (a create that gets a 429 or a reset creates
	// no token); a slow fault only delays the usual answer by
	// FaultSlowDelay. A 429 or 503 carries Retry-After and retry-after-ms
	// (FaultRetryAfter). A reset closes the connection without an answer.
	// Options.Latency applies to faults too.
	Faults Faults
	// FaultSeed seeds the faults: the k-th request to arrive draws its
	// fault from FaultSeed and k alone, so the same seed and the same
	// sequence of requests meet the same faults. Concurrent requests may
	// arrive in another order from run to run, and then meet them in
	// another order.
	FaultSeed uint64
	// Drift, when set, names a case of [DriftCases] that the mock serves on
	// every list and create answer (a 200 page, a 201 token): a field
	// renamed, missing, null or of the wrong type, an unknown enum value,
	// another envelope, HTML, invalid JSON, a wrong status, an ignored
	// agentId filter, a page over the limit. It shows a drift report, and
	// tests a pipeline's failure path, without a server of one's own.
	// Errors and delete's 204 are served as they are. Answers are rewritten
	// whole, so a page over 8 MiB (some 25,000 tokens) is cut off.
	Drift string
}

// Server is the mock endpoint. It is an http.Handler serving the spec's
// three operations on /v1/client-side-access-tokens (list, create, delete),
// and is safe for concurrent use: a list sees the account as it was when
// the request arrived, whatever creates and deletes run meanwhile.
type Server struct {
	account *account
	// keyHash is the SHA-256 of Options.APIKey, nil for none: comparing
	// hashes in constant time hides both the key's bytes and its length.
	keyHash   *[sha256.Size]byte
	validator *contract.Validator
	latency   time.Duration
	faults    *faultInjector
	handler   http.Handler
}

// operations is the Server as the generated router sees it: its methods
// implement [server.ServerInterface] (New hands it to the router, which
// asks for one). They are on this unexported type, not on Server, so that
// no caller can invoke an operation around ServeHTTP's authentication and
// validation.
type operations Server

// ErrInvalidOptions is wrapped by New's error for Options that make no
// sense: a SeedCount out of range, both Tokens and SeedCount, a negative
// Latency, Faults that ParseFaults would refuse, or an unknown Drift.
var ErrInvalidOptions = errors.New("invalid options")

// New returns a Server for opts. It fails if a token does not match the
// spec's Token schema, naming the token's index, if opts are invalid
// ([ErrInvalidOptions]), or if the spec does not load. Its cost is that of
// copying opts.Tokens; a seeded account costs nothing to set up.
func New(opts Options) (*Server, error) {
	if opts.Latency < 0 {
		return nil, fmt.Errorf("mock: %w: Latency %v is negative", ErrInvalidOptions, opts.Latency)
	}
	masker := opts.Masker
	if masker == nil {
		masker = redact.NewMasker(opts.APIKey)
	}
	validator, err := contract.NewValidator(contract.WithMasker(func() *redact.Masker { return masker }))
	if err != nil {
		return nil, fmt.Errorf("mock: request validator: %w", err)
	}
	faults, err := newFaultInjector(opts.Faults, opts.FaultSeed)
	if err != nil {
		return nil, fmt.Errorf("mock: %w: Faults: %w", ErrInvalidOptions, err)
	}
	drifting := slices.IndexFunc(driftCatalogue, func(d drift) bool { return d.name == opts.Drift })
	if opts.Drift != "" && drifting < 0 {
		return nil, fmt.Errorf("mock: %w: unknown Drift %q (DriftCases lists them)", ErrInvalidOptions, opts.Drift)
	}
	tokens, err := newTokenList(opts, validator)
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	s := &Server{
		account:   newAccount(tokens),
		validator: validator,
		latency:   opts.Latency,
		faults:    faults,
	}
	if opts.APIKey != "" {
		sum := sha256.Sum256([]byte(opts.APIKey))
		s.keyHash = &sum
	}
	s.handler = server.HandlerWithOptions((*operations)(s), server.StdHTTPServerOptions{
		// Routing comes first (404, 405), then s.guard (401, then 400 for a
		// spec violation), then the generated parameter binding.
		BaseRouter:       guardedMux{ServeMux: http.NewServeMux(), guard: s.guard},
		ErrorHandlerFunc: writeParamError,
	})
	if drifting >= 0 {
		s.handler = driftCatalogue[drifting].wrap(s.handler)
	}
	return s, nil
}

// ServeHTTP serves the mock endpoint, after Options.Latency, or the fault
// that Options.Faults draws for the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := s.faults.draw()
	if s.latency > 0 {
		hold(r, s.latency)
	}
	if inject(w, r, fault) {
		return
	}
	s.handler.ServeHTTP(w, r)
}

// hold holds r for d. A request whose context ends first (the server is
// shutting down, or the client gave up) is dropped with
// panic(http.ErrAbortHandler), as a cut-off stream is: returning without
// a word would send an empty 200.
func hold(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	}
}

// ListClientSideAccessTokens answers one page of tokens. It implements
// [server.ServerInterface]; requests reach it through ServeHTTP, which has
// already authenticated and validated them.
func (s *operations) ListClientSideAccessTokens(w http.ResponseWriter, r *http.Request, params gen.ListClientSideAccessTokensParams) {
	offset, limit := valueOr(params.Offset, DefaultOffset), valueOr(params.Limit, DefaultLimit)
	writePage(w, r, s.account.page(valueOr(params.AgentId, ""), offset, limit))
}

// valueOr is *p, or def when p is nil (a parameter left out).
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// DeleteClientSideAccessToken removes the token whose value is token and
// answers 204 without a body. It implements [server.ServerInterface]. A
// value that names no live token gets 400, as upstream documents (the
// package doc says more), with a message that never repeats the value,
// which may be a live secret typed with one character wrong.
func (s *operations) DeleteClientSideAccessToken(w http.ResponseWriter, _ *http.Request, token string) {
	// Both of delete's errors (ErrTokenNotFound, ErrMockFull) are the
	// client's to fix, and their text holds no value.
	if err := s.account.delete(token); err != nil {
		writeMessage(w, http.StatusBadRequest, "mock: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// newTokenList is the list opts describe.
func newTokenList(opts Options, v *contract.Validator) (tokenList, error) {
	switch {
	case opts.SeedCount < 0 || opts.SeedCount > MaxSeedCount:
		return nil, fmt.Errorf("%w: SeedCount %d is not between 0 and MaxSeedCount (%d)", ErrInvalidOptions, opts.SeedCount, MaxSeedCount)
	case opts.SeedCount > 0 && len(opts.Tokens) > 0:
		return nil, fmt.Errorf("%w: set Tokens or SeedCount, not both", ErrInvalidOptions)
	case opts.SeedCount > 0:
		return seedList(opts.SeedCount), nil
	}
	list := newSliceList(opts.Tokens)
	if err := checkTokens(v, list.tokens); err != nil {
		return nil, err
	}
	return list, nil
}
