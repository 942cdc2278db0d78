// Package proxy is a validating reverse proxy for Letta's client-side access
// tokens API: put it between any client (Letta's TypeScript or Python SDK,
// an app's own code) and Letta Cloud or a stand-in, and every exchange of
// the three operations (list, create, delete) is checked against
// openapi.yaml by the contract validator, while the client gets exactly what
// the upstream answered, as soon as it is read: the validation follows,
// off the client's path, in the order the answers came. ServeHTTP returns
// once the answer is written, so that a client's next request on the same
// connection does not wait for the validator either; Stats, Findings and
// Report wait for every validation of an answer already handed on.
//
// What it checks on someone else's traffic: the request's parameters and
// body, the response's status, content type, schema and unknown fields, and
// the behaviour a proxy can see: a page holds no more than limit, a page
// filtered by agentId holds only that agent's tokens (both by the
// validator), and a client's walk over offsets sees no token twice (see
// walks.go).
//
// Trust: the proxy has no key of its own. The client's Authorization goes
// to the upstream, and only there: a redirect comes back to the client
// as it is, never followed. Every key seen in Authorization is masked, in
// the forms keyForms lists, in every finding.
package proxy

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// DefaultMaxBodyBytes caps the response body buffered for validation when
// Options.MaxBodyBytes is 0: 4 MiB, as check caps a page. A page of 50
// tokens is about 16 KB; a longer body is forwarded whole and reported as
// not validated.
const DefaultMaxBodyBytes = 4 << 20

// maxValidating bounds the answers of the three operations buffered and
// validated at once, from the upstream's answer until it is validated:
// memory stays within maxValidating answers (and their request bodies,
// once requestBodyBudget has let them go) and the validator's working
// set, however many clients there are. Other answers wait their turn;
// requests still waiting for the upstream, and answers being written to a
// client, hold no slot.
const maxValidating = 8

// requestBodyBudget bounds the request bodies held at once, from the
// client's first byte until the upstream has answered: each is held for
// validation and recording, at most contract.MaxRequestBodyBytes. A
// request whose body does not fit waits its turn.
const requestBodyBudget = 16 << 20

// DefaultWriteTimeout is Options.WriteTimeout's default.
const DefaultWriteTimeout = time.Minute

// Options configure a Proxy.
type Options struct {
	// Upstream is where every request goes: Letta's API or a stand-in,
	// with scheme and host (and a path prefix, if any). Required.
	Upstream *url.URL
	// Transport carries the requests to the upstream; nil means a clone of
	// http.DefaultTransport. It must not follow redirects (a RoundTripper
	// never does).
	Transport http.RoundTripper
	// MaxBodyBytes caps the response body buffered for validation; 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Retryable names the answers a client retries (such as
	// lettatokens.Retryable: 408, 409, 429, 5xx): they are forwarded and
	// not reported, so that a transient failure is not drift. nil reports
	// every answer.
	Retryable func(*http.Response) bool
	// OnFinding receives each new kind of finding once, masked (see
	// Findings), one call at a time, at the latest when Stats, Findings
	// or Report returns. It runs in its exchange's turn, so it must not
	// call Stats, Findings or Report, which wait for that turn to end.
	OnFinding func(contract.Finding)
	// RecordDir, when set, receives each validated exchange as a fixture
	// in the format of contract/testdata (see recorder), at the latest
	// when Stats, Findings or Report returns. It must exist.
	RecordDir string
	// WriteTimeout bounds the time a client takes to read an answer of
	// the three operations, from when the upstream answered: a client
	// that never reads cannot hold its buffered answer for ever. 0 means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
}

// Stats count what the proxy saw.
type Stats struct {
	Requests    int // requests received
	Unreachable int // requests the upstream did not answer (refused, timed out, broken off before the headers)
	Validated   int // exchanges of the three operations validated whole
	// NotValidated counts the exchanges of the three operations not
	// validated: OverCap and Retried, and answers broken off.
	NotValidated int
	OverCap      int // exchanges with a body over the cap (the response's, or the request's), forwarded whole
	Retried      int // answers a client retries (Options.Retryable): not yet a verdict
	Rejected     int // exchanges whose credentials the upstream refused (401, 403): not drift
	// ClientErrors counts the invalid requests (by the spec) that the
	// upstream refused with a 4xx: the client's mistake, not drift.
	ClientErrors int
	Tokens       int // tokens in the validated answers (pages and created tokens)
	Breaking     int // breaking findings, repeats included
	Dropped      int // kinds of finding not kept (over contract.MaxKeptPerSeverity)
	Recorded     int // fixtures written (Options.RecordDir)
	RecordFailed int // fixtures that could not be written
	// RecordError is the first reason a fixture could not be written.
	RecordError string
	// ClientError is the first client mistake, masked: its message and
	// JSON pointer.
	ClientError string
	// LastRetriedStatus is the status of the last answer counted in
	// Retried.
	LastRetriedStatus int
	// UpstreamError is why the last request counted in Unreachable got no
	// answer; its text is the transport's, unmasked.
	UpstreamError error
}

// Proxy is an http.Handler that forwards every request to the upstream
// and validates each exchange of the three operations. It is safe for
// concurrent use.
type Proxy struct {
	rp        *httputil.ReverseProxy
	maxBody   int64
	writeTime time.Duration
	retryable func(*http.Response) bool
	onFinding func(contract.Finding)
	upstream  string
	v         *contract.Validator
	sem       chan struct{}
	reqBudget *semaphore.Weighted
	keys      *keySet
	walks     *walks
	rec       *recorder

	queue    queue // the validations of answers handed on
	mu       sync.Mutex
	stats    Stats
	findings contract.Collector
}

// New returns a proxy to opts.Upstream.
func New(opts Options) (*Proxy, error) {
	u := opts.Upstream
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("proxy: Upstream must be an http or https URL with a host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("proxy: Upstream must have no credentials, query or fragment")
	}
	// The validator knows no key: every string of a finding is masked
	// afterwards, with every key seen, before it is kept or printed.
	v, err := contract.NewValidator()
	if err != nil {
		return nil, err
	}
	p := &Proxy{
		maxBody:   opts.MaxBodyBytes,
		writeTime: cmp.Or(opts.WriteTimeout, DefaultWriteTimeout),
		retryable: opts.Retryable,
		onFinding: opts.OnFinding,
		sem:       make(chan struct{}, maxValidating),
		reqBudget: semaphore.NewWeighted(requestBodyBudget),
		v:         v,
		keys:      newKeySet(opts.RecordDir != ""),
		walks:     newWalks(),
		upstream:  u.String(),
	}
	p.queue.cond.L = &p.queue.mu
	if p.maxBody <= 0 {
		p.maxBody = DefaultMaxBodyBytes
	}
	if opts.RecordDir != "" {
		p.rec = newRecorder(opts.RecordDir)
	}
	base := opts.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	target := *u
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&target)
			// The proxy must read the body to validate it: it lets its
			// transport negotiate gzip and decode it, so the client gets
			// the body uncompressed. (A client's "br" could not be read.)
			pr.Out.Header.Del("Accept-Encoding")
			p.validateRequest(pr)
		},
		Transport:      base,
		ModifyResponse: p.validate,
		ErrorHandler:   p.upstreamError,
		// net/http's log line would print the upstream's error text
		// unmasked; what matters is counted in Stats instead.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return p, nil
}

// exchange is one request of the three operations on its way through.
type exchange struct {
	op       op
	keyFP    uint64 // every credential of the request, fingerprinted
	reqBody  []byte
	reqWhole bool              // the request body was read whole, within the cap
	unread   bool              // the request body could not be read: not sent
	findings contract.Findings // the request's
	epoch    uint64            // the walks' epoch when it was sent
	rc       *http.ResponseController

	once   sync.Once
	budget int64 // of reqBudget, held
	settle func()
}

type exchangeKey struct{}

func exchangeOf(r *http.Request) *exchange {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	return x
}

// done gives back what the exchange holds until the upstream has
// answered: its request body's budget, and for a create or delete the
// walks' mark that the account is changing. It may be called more than
// once.
func (x *exchange) done() { x.once.Do(x.settle) }

// ServeHTTP forwards r to the upstream.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.count(func(s *Stats) { s.Requests++ })
	// Every Authorization value is a key to mask: a client may send more
	// than one, and an upstream may echo any.
	var creds []string
	for _, a := range r.Header.Values("Authorization") {
		if len(a) > MaxAuthorizationBytes {
			http.Error(w, fmt.Sprintf("letta-tokens proxy: an Authorization value over %d bytes is not forwarded", MaxAuthorizationBytes),
				http.StatusRequestHeaderFieldsTooLarge)
			return
		}
		if c := credential(a); c != "" {
			p.keys.add(c)
			creds = append(creds, c)
		}
	}
	o := operationOf(r)
	if o == opNone {
		p.rp.ServeHTTP(w, r)
		return
	}
	x := &exchange{op: o, keyFP: fingerprint.Of(strings.Join(creds, "\n")), rc: http.NewResponseController(w)}
	x.settle = func() { p.reqBudget.Release(x.budget) }
	defer x.done()
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
	// The answer goes out whole, within its deadline, before the wait; the
	// deadline must not outlive it on a connection kept alive.
	_ = x.rc.Flush()
	_ = x.rc.SetWriteDeadline(time.Time{})
}

// validateRequest is part of the reverse proxy's Rewrite: it reads the
// body of a request of the three operations once and validates the
// request before it is sent. A body that cannot be read is not sent: the
// request's context is cancelled, so that its transport gives up at once,
// and upstreamError answers the client.
func (p *Proxy) validateRequest(pr *httputil.ProxyRequest) {
	x := exchangeOf(pr.In)
	if x == nil {
		return
	}
	if err := p.readRequestBody(pr.In.Context(), pr.Out, x); err != nil {
		x.unread = true
		ctx, cancel := context.WithCancel(pr.Out.Context())
		cancel()
		pr.Out = pr.Out.WithContext(ctx)
		return
	}
	if x.reqWhole {
		x.findings = p.v.ValidateRequestBody(pr.In, x.reqBody)
	} else {
		p.count(func(s *Stats) { s.OverCap++ })
	}
	x.findings = append(x.findings, contract.CheckBearerAuth(pr.In)...)
	x.epoch = p.walks.begin(x.op)
	if x.op == opCreate || x.op == opDelete {
		release := x.settle
		x.settle = func() { release(); x.epoch = p.walks.end() }
	}
}

// readRequestBody reads the body of r, at most
// contract.MaxRequestBodyBytes, within the proxy's budget of request
// bodies, and leaves r able to send it whole. x.reqWhole is true when the
// body was read to its end, into x.reqBody.
func (p *Proxy) readRequestBody(ctx context.Context, r *http.Request, x *exchange) error {
	if r.Body == nil || r.Body == http.NoBody {
		x.reqWhole = true
		return nil
	}
	if r.ContentLength > contract.MaxRequestBodyBytes {
		// Not validated, so not held: it streams to the upstream.
		r.Body = clientBody{r.Body}
		return nil
	}
	want := int64(contract.MaxRequestBodyBytes + 1)
	if r.ContentLength >= 0 {
		want = r.ContentLength
	}
	if err := p.reqBudget.Acquire(ctx, want); err != nil {
		return err
	}
	x.budget = want
	buf := bytes.NewBuffer(make([]byte, 0, want))
	_, err := buf.ReadFrom(io.LimitReader(r.Body, contract.MaxRequestBodyBytes+1))
	if err != nil {
		return err
	}
	data := buf.Bytes()
	if int64(len(data)) < x.budget {
		p.reqBudget.Release(x.budget - int64(len(data)))
		x.budget = int64(len(data))
	}
	if len(data) > contract.MaxRequestBodyBytes {
		rest := clientBody{r.Body}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), rest), rest}
		return nil
	}
	x.reqBody, x.reqWhole = data, true
	r.Body = io.NopCloser(bytes.NewReader(data))
	// For the transport: a request on a kept-alive connection that the
	// upstream closed is sent again only if it has a GetBody.
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return nil
}

// clientBody is a request body still being read from the client: an
// error reading it is the client's, not the upstream's.
type clientBody struct{ io.ReadCloser }

func (b clientBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &clientBodyError{err}
	}
	return n, err
}

// Stats returns the counts so far, once every answer already handed on
// is validated.
func (p *Proxy) Stats() Stats {
	p.queue.settled()
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Breaking, s.Dropped = p.findings.Breaking(), p.findings.Dropped()
	if p.rec != nil {
		s.Recorded, s.RecordFailed, s.RecordError = p.rec.counts()
	}
	return s
}

// Findings returns the findings kept so far, one of each kind (see
// contract.Finding.Kind) in the order found, each masked: no key seen in
// Authorization, in any form keyForms lists, and no token value. It
// returns once every answer already handed on is validated.
func (p *Proxy) Findings() contract.Findings {
	p.queue.settled()
	return p.findings.Findings()
}

// Report is the proxy's run so far, as CI reports render it (see
// contract/report): its findings, counts, and notes on what was not
// validated.
func (p *Proxy) Report() *contract.Report {
	s := p.Stats()
	checks := slices.DeleteFunc(contract.Checks(), func(c contract.Check) bool { return c == contract.CheckWalkConsistency })
	r := &contract.Report{Producer: contract.ProducerProxy, Checks: checks, Target: p.upstream,
		Findings: p.Findings(), Requests: s.Requests, Exchanges: s.Validated, Tokens: s.Tokens}
	note := func(format string, args ...any) { r.Notes = append(r.Notes, fmt.Sprintf(format, args...)) }
	if s.OverCap > 0 {
		note("%d exchanges had a body over the cap (a response over 4 MiB, a request over %d bytes): forwarded whole, not validated", s.OverCap, contract.MaxRequestBodyBytes)
	}
	if s.Retried > 0 {
		note("%d answers were ones clients retry (429, 5xx): forwarded, not validated", s.Retried)
	}
	if broken := s.NotValidated - s.OverCap - s.Retried; broken > 0 {
		note("%d answers broke off: forwarded, not validated", broken)
	}
	if s.ClientErrors > 0 {
		note("%d requests were invalid and refused by the upstream (4xx): the client's mistake, not drift; the first: %s", s.ClientErrors, s.ClientError)
	}
	if s.Unreachable > 0 {
		note("%d of %d requests got no answer from the upstream", s.Unreachable, s.Requests)
	}
	if s.Rejected > 0 {
		note("%d exchanges were refused by the upstream for their credentials (401/403); not drift", s.Rejected)
	}
	if s.Dropped > 0 {
		note("%d more kinds of finding are not listed", s.Dropped)
	}
	if s.Validated == s.Rejected {
		note("nothing was checked: no exchange of list, create or delete was validated")
	}
	return r
}

// Secrets returns every form of every key seen in Authorization, for a
// caller to mask in what it prints besides findings.
func (p *Proxy) Secrets() []string { return p.keys.secrets() }

// clientBodyError is a request body the client broke off: not the
// upstream's failure.
type clientBodyError struct{ err error }

func (e *clientBodyError) Error() string { return "reading the request body: " + e.err.Error() }

// upstreamError answers a request the upstream did not answer.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	x := exchangeOf(r)
	if x != nil {
		x.done()
	}
	var be *clientBodyError
	switch {
	case errors.As(err, &be) || x != nil && x.unread:
		http.Error(w, "letta-tokens proxy: the request body could not be read", http.StatusBadRequest)
		return
	case r.Context().Err() != nil:
		return // the client went away; nobody to answer
	}
	p.count(func(s *Stats) { s.Unreachable++; s.UpstreamError = err })
	http.Error(w, "letta-tokens proxy: the upstream could not be reached", http.StatusBadGateway)
}

// validate is the reverse proxy's ModifyResponse: it buffers an answer to
// one of the three operations, within the cap, hands the client the
// answer unchanged at once, and validates the exchange in the background
// (check): the client does not wait for the validator.
func (p *Proxy) validate(resp *http.Response) error {
	x := exchangeOf(resp.Request)
	if x == nil {
		return nil // another endpoint: forwarded as it is
	}
	// The answer has come: a create's or delete's change shows in the
	// listings the client may ask for as soon as it has it.
	defer x.done()
	// A client that never reads cannot hold its answer for ever.
	_ = x.rc.SetWriteDeadline(time.Now().Add(p.writeTime))
	if p.retryable != nil && p.retryable(resp) {
		p.count(func(s *Stats) { s.NotValidated++; s.Retried++; s.LastRetriedStatus = resp.StatusCode })
		return nil
	}
	// The slot is taken once the upstream has answered, and given back
	// once the answer is validated: neither a slow upstream nor a slow
	// client holds one while it waits. With every slot taken, an answer
	// waits for a validation to end before it is read and handed on.
	select {
	case p.sem <- struct{}{}:
	case <-resp.Request.Context().Done():
		return resp.Request.Context().Err()
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.maxBody+1))
	switch {
	case err != nil:
		// The body broke off: the client gets what arrived and the
		// error, as from the upstream; a partial body is no evidence.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), errReader{err}), resp.Body}
		p.count(func(s *Stats) { s.NotValidated++ })
		<-p.sem
		return nil
	case int64(len(body)) > p.maxBody:
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		p.count(func(s *Stats) { s.NotValidated++; s.OverCap++ })
		<-p.sem
		return nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	x.done() // now, so that check reads the epoch the change ended at
	turn, keys := p.queue.add(), p.keys.seen()
	go func() {
		defer func() { <-p.sem }()
		p.check(x, resp.Request, resp.StatusCode, resp.Header.Clone(), body, turn, keys)
	}()
	return nil
}

// check validates one exchange whose answer was handed on, and then, in
// the order the answers came (turn), follows the walks, records it and
// counts it, masked with keys.
// A panic in the validator, the walks or the recorder counts the exchange
// as not validated, and stops neither the proxy nor the turns after it.
func (p *Proxy) check(x *exchange, req *http.Request, status int, header http.Header, body []byte, turn uint64, keys seenKeys) {
	var findings contract.Findings
	validated := func() bool {
		defer func() { _ = recover() }()
		findings = append(slices.Clip(x.findings), p.v.ValidateResponse(req, status, header, body)...)
		return true
	}()
	p.queue.wait(turn)
	defer p.queue.done()
	defer func() {
		if recover() != nil || !validated {
			p.count(func(s *Stats) { s.NotValidated++ })
		}
	}()
	if !validated {
		return
	}
	rejected := status == http.StatusUnauthorized || status == http.StatusForbidden
	if rejected {
		// The upstream refused the client's credentials: an app's test of
		// a wrong key, or a key revoked. Not drift, as check does not call
		// it drift: counted, not reported.
		findings = slices.DeleteFunc(findings, func(f contract.Finding) bool { return f.Check == contract.CheckAuth })
	}
	var mistakes contract.Findings
	if status >= 400 && status <= 499 && slices.ContainsFunc(x.findings, isRequestFinding) {
		// An invalid request, refused: the client's mistake, not drift,
		// and the status it got is the upstream's answer to it.
		mistakes = slices.DeleteFunc(slices.Clone(findings), func(f contract.Finding) bool { return !isClientMistake(f) })
		findings = slices.DeleteFunc(findings, isClientMistake)
	}
	tokens := 0
	switch {
	case x.op == opList && status == http.StatusOK:
		limit, _ := p.v.EffectiveLimit(req)
		var fs contract.Findings
		fs, tokens = p.walks.page(x.keyFP, req.URL.Query(), limit, x.epoch, body)
		findings = append(findings, fs...)
	case x.op == opCreate && status == http.StatusCreated:
		tokens = 1
		p.walks.createdToken(x.keyFP, x.epoch, body)
	case x.op == opDelete && status == http.StatusNoContent:
		segs := strings.Split(req.URL.EscapedPath(), "/")
		if token, err := url.PathUnescape(segs[len(segs)-1]); err == nil {
			p.walks.deletedToken(x.keyFP, x.epoch, token)
		}
	}
	if p.rec != nil {
		p.rec.record(x.op, req, x.reqBody, x.reqWhole, status, header, body, keys)
	}
	var mistake contract.Finding
	if len(mistakes) > 0 {
		mistake = keys.mask(contract.Findings{named(x.op, mistakes[0])})[0]
		if mistake.Pointer != "" {
			mistake.Message += " (" + mistake.Pointer + ")"
		}
	}
	p.count(func(s *Stats) {
		s.Validated++
		s.Tokens += tokens
		if rejected {
			s.Rejected++
		}
		if len(mistakes) > 0 {
			s.ClientErrors++
			s.ClientError = cmp.Or(s.ClientError, mistake.Message)
		}
	})
	p.collect(x.op, findings, keys)
}

// queue orders the background validations: each answer handed on takes
// the next turn, and follows the walks in its turn, so that the walks see
// the exchanges in the order they happened (a create before the listing
// that must show it), whichever validation ends first.
type queue struct {
	mu         sync.Mutex
	cond       sync.Cond
	next, ends uint64 // turns given, turns ended
}

func (q *queue) add() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.next++
	return q.next - 1
}

// wait returns once every turn before turn has ended.
func (q *queue) wait(turn uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.ends < turn {
		q.cond.Wait()
	}
}

func (q *queue) done() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ends++
	q.cond.Broadcast()
}

// settled returns once every answer handed on so far is validated.
func (q *queue) settled() {
	q.mu.Lock()
	next := q.next
	q.mu.Unlock()
	q.wait(next)
}

// isRequestFinding reports a finding about the request itself.
func isRequestFinding(f contract.Finding) bool {
	return f.Check == contract.CheckRequest || f.Check == contract.CheckAuth
}

// isClientMistake reports a finding that an invalid request, refused,
// explains: the request's own, and the status the upstream chose for it.
func isClientMistake(f contract.Finding) bool {
	return isRequestFinding(f) || f.Check == contract.CheckStatus
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (p *Proxy) count(f func(*Stats)) {
	p.mu.Lock()
	f(&p.stats)
	p.mu.Unlock()
}

// named is f with its operation named first in its message.
func named(o op, f contract.Finding) contract.Finding {
	f.Message = o.String() + ": " + f.Message
	return f
}

// collect names the operation in each of fs, masks them with keys, keeps
// the first of each kind, and passes each new one to OnFinding.
func (p *Proxy) collect(o op, fs contract.Findings, keys seenKeys) {
	if len(fs) == 0 {
		return
	}
	for i := range fs {
		fs[i] = named(o, fs[i])
	}
	// collect runs in its exchange's turn (see queue), so OnFinding gets
	// one call at a time, and holds no lock a new request needs.
	for _, f := range p.findings.Add(keys.mask(fs)) {
		if p.onFinding != nil {
			func() {
				defer func() { _ = recover() }() // the caller's bug ends its own call only
				p.onFinding(f)
			}()
		}
	}
}

// credential is the secret part of an Authorization value: what follows
// the scheme, or the whole value when it has none.
func credential(h string) string {
	h = strings.TrimSpace(h)
	if _, cred, ok := strings.Cut(h, " "); ok {
		return strings.TrimSpace(cred)
	}
	return h
}

// op is one of the spec's three operations.
type op int

const (
	opNone op = iota
	opList
	opCreate
	opDelete
)

func (o op) String() string {
	return [...]string{"other", "list", "create", "delete"}[o]
}

// collection is the operations' path, matched at the end of a request's
// path as the validator does (an upstream may have a path prefix).
const collection = "client-side-access-tokens"

// operationOf names the operation a request is, or opNone for anything
// else, which is forwarded without validation: other endpoints of Letta's
// API, and methods the spec does not have.
func operationOf(r *http.Request) op {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	n := len(segs)
	switch {
	case n >= 2 && segs[n-2] == "v1" && segs[n-1] == collection:
		switch r.Method {
		case http.MethodGet:
			return opList
		case http.MethodPost:
			return opCreate
		}
	case n >= 3 && segs[n-3] == "v1" && segs[n-2] == collection && segs[n-1] != "" && r.Method == http.MethodDelete:
		return opDelete
	}
	return opNone
}

// String sums the counts up in one line, for a summary.
func (s Stats) String() string {
	return fmt.Sprintf("%s, %s validated, %d not validated, %d unreachable",
		plural(s.Requests, "request"), plural(s.Validated, "exchange"), s.NotValidated, s.Unreachable)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
