package live

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// maxFindingText caps a note or a masked finding's text, as contract caps
// the findings it builds: each server string in it is already capped at
// redact.MaxLine, and a message quotes only a few.
const maxFindingText = 4 * redact.MaxLine

// liveRun is the state of one CheckLive: the client, what the checks have
// found so far, and the tokens the run created.
type liveRun struct {
	cfg       LiveConfig
	client    *lettatokens.Client
	creator   *lettatokens.Client // client, without retries: see seed
	panics    panicBox
	own       *http.Transport    // the run's own transport, closed by CheckLive; nil when the caller gave one
	traffic   contract.Collector // findings of the exchanges
	walked    contract.Collector // findings of the walks and comparisons
	exchanges atomic.Int64       // exchanges validated
	// masker is the run's one Masker: the API key, and the value of each
	// token a create was answered with, added as they come (maskToken).
	masker atomic.Pointer[redact.Masker]
	// otherKey is the masker of a key a request carries that is not
	// cfg.APIKey (see holdsKey).
	otherKey atomic.Pointer[keyedMasker]
	notes    []string
	// validator is the validating transport's, for the ledger's
	// judgement of a create's answer.
	validator *contract.Validator

	// ledger is every create of a seeded run, written before it is sent,
	// settled as its answer passes (see createWatcher); the cleanup
	// deletes the tokens it says the run made, and names the rest. Only
	// the run's goroutine uses it: creates are sent one at a time, and the
	// createWatcher sees each answer within the call that sent it.
	ledger []*createRecord
	// before are the fingerprints of the tokens listed before the first
	// create.
	before []uint64

	first walkResult
	agent string // agent of the filter check, as the server spelled it
	seeds *seeding
}

// newLiveRun is the run of cfg, its zero values set to their defaults.
func newLiveRun(cfg LiveConfig) (*liveRun, error) {
	if cfg.PageSizes[0] < 1 || cfg.PageSizes[1] < 1 {
		cfg.PageSizes = [2]int{50, 7}
	}
	orDefault(&cfg.MaxTokens, DefaultMaxTokens)
	orDefault(&cfg.CompareTokens, DefaultCompareTokens)
	orDefault(&cfg.MaxPageBytes, DefaultMaxPageBytes)
	orDefault(&cfg.Concurrency, 1)
	orDefault(&cfg.CleanupTimeout, DefaultCleanupTimeout)
	r := &liveRun{cfg: cfg}
	mask := cfg.Masker
	if mask == nil {
		mask = redact.NewMasker(cfg.APIKey)
	}
	r.masker.Store(mask)
	var err error
	if r.validator, err = contract.NewValidator(contract.WithMasker(r.masker.Load)); err != nil {
		return nil, err
	}
	base := cfg.Transport
	if base == nil {
		// A transport of our own, closed on return: the run must not leave
		// keep-alive connections (and their goroutines) behind in the
		// caller's process.
		r.own = http.DefaultTransport.(*http.Transport).Clone()
		base = r.own
	}
	validating := &contract.Transport{Base: base, Validator: r.validator, Report: r.record,
		Retryable: lettatokens.Retryable, MaxBodyBytes: cfg.MaxPageBytes}
	// An empty BaseURL or APIKey leaves the client to read the environment.
	opts := append([]lettatokens.Option{lettatokens.WithMaxBodyBytes(cfg.MaxPageBytes), lettatokens.WithMasker(mask),
		lettatokens.WithBaseURL(cfg.BaseURL), lettatokens.WithAPIKey(cfg.APIKey),
		lettatokens.WithTransport(keyURLGuard{holdsKey: r.holdsKey, next: &createWatcher{next: validating, maxBytes: cfg.MaxPageBytes, answered: r.createAnswered}}),
	}, cfg.Options...)
	// The transport has carried no request yet: on an error there is
	// nothing to close.
	if r.client, err = lettatokens.NewClient(opts...); err != nil {
		return nil, err
	}
	if r.creator, err = lettatokens.NewClient(append(opts, lettatokens.WithMaxRetries(0))...); err != nil {
		return nil, err
	}
	return r, nil
}

// record is the validating transport's Report: every exchange, masked by
// the validator with the run's masker (the tokens it created among its
// secrets), counted, and handed to the caller's Report.
func (r *liveRun) record(x contract.Exchange) {
	if x.Method == http.MethodPost && x.Status >= 400 && x.Status < 500 {
		// A create the server refused: a note of seed's, not drift.
		// Whether Cloud needs an existing agent, or lets this key create,
		// is not known.
		x.Findings = nil
	}
	r.exchanges.Add(1)
	r.traffic.Add(x.Findings)
	if r.cfg.Report != nil {
		// A panic in Report is raised again when the step ends (see step),
		// on the goroutine that called CheckLive: raised here, it would
		// lose the answer of the call under way (a token just created,
		// which the cleanup could then not delete), and on a walk's
		// prefetch goroutine it would end the process.
		defer r.panics.catch()
		r.cfg.Report(x)
	}
}

// mask masks the findings the run builds itself (walks, comparisons,
// errors) with the run's masker, escapes and caps them.
func (r *liveRun) mask(fs contract.Findings) contract.Findings {
	fs = slices.Clone(fs)
	for i := range fs {
		fs[i].Message = r.safe(fs[i].Message)
		fs[i].Pointer = r.safe(fs[i].Pointer)
	}
	return fs
}

// drift adds a breaking finding of the run's own to c, masked (see
// breaking).
func (r *liveRun) drift(c *contract.Collector, check contract.Check, pointer, format string, args ...any) {
	c.Add(r.mask(contract.Findings{breaking(check, pointer, format, args...)}))
}

// safe masks the run's secrets in s, escapes and caps it.
func (r *liveRun) safe(s string) string {
	return r.masker.Load().Safe(s, maxFindingText)
}

// maskToken adds a token value to what the run masks, in every form
// redact knows.
func (r *liveRun) maskToken(value string) {
	for {
		m := r.masker.Load()
		if r.masker.CompareAndSwap(m, m.With(value)) {
			return
		}
	}
}

// note adds a line to the report's notes; args are the run's own words
// and numbers, or strings already made safe.
func (r *liveRun) note(s string) { r.notes = append(r.notes, r.safe(s)) }

// finish builds the report of a run that went through every step.
func (r *liveRun) finish() *contract.Report {
	report := &contract.Report{Producer: contract.ProducerCheck, Tokens: r.first.Tokens(), Truncated: r.first.Truncated,
		AgentID: r.masker.Load().Mask(r.agent), Notes: r.notes, Exchanges: int(r.exchanges.Load())}
	report.Findings = append(r.traffic.Findings(), r.walked.Findings()...).Dedupe()
	if n := r.traffic.Dropped() + r.walked.Dropped(); n > 0 {
		report.Notes = append(report.Notes, fmt.Sprintf("%d more kinds of finding are not listed (at most %d of each severity are kept)", n, contract.MaxKeptPerSeverity))
	}
	return report
}

// panicBox keeps the first panic of a caller's callback until the run
// can raise it where its defers run. It is safe for concurrent use.
type panicBox struct {
	mu     sync.Mutex
	value  any  // the first panic kept
	raised bool // it was raised: the run is unwinding from it
}

// catch, deferred, keeps a panic of the function that deferred it.
func (b *panicBox) catch() {
	v := recover()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.value == nil {
		b.value = v
	}
}

// raise panics with the kept value, if any, unless one was raised
// already: a panic kept during the cleanup of a run unwinding from one
// is not raised over it.
func (b *panicBox) raise() {
	b.mu.Lock()
	v, raise := b.value, b.value != nil && !b.raised
	b.raised = b.raised || raise
	b.mu.Unlock()
	if raise {
		panic(v)
	}
}

// createWatcher hands every answer to a create to the run, as the answer
// passes, before the client has it: a client call can end without
// returning the token the server made (its context ended as the answer
// came, the answer was drift), and the run must still delete it or name
// it.
type createWatcher struct {
	next     http.RoundTripper
	maxBytes int64
	answered func(req *http.Request, status int, header http.Header, body []byte)
}

func (w *createWatcher) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost {
		return resp, err
	}
	// The validating transport has buffered the body already: this reads
	// memory, and puts back what it read.
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, w.maxBytes))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	if readErr == nil {
		w.answered(req, resp.StatusCode, resp.Header, body)
	}
	return resp, nil
}
