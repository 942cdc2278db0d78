// Package proxy is a validating reverse proxy for Letta's client-side access
// tokens API: put it between any client (Letta's TypeScript or Python SDK,
// an app's own code) and Letta Cloud or a stand-in, and every exchange of
// the three operations (list, create, delete) is checked against
// openapi.yaml by the contract validator, while the client gets exactly what
// the upstream answered.
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
	"sync/atomic"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// DefaultMaxBodyBytes caps the response body buffered for validation when
// Options.MaxBodyBytes is 0: 4 MiB, as check caps a page. A page of 50
// tokens is about 16 KB; a longer body is forwarded whole and reported as
// not validated.
const DefaultMaxBodyBytes = 4 << 20

// maxValidating bounds the exchanges of the three operations buffered and
// validated at once, from the upstream's answer until the client has read
// it: memory stays within maxValidating bodies (twice each, the
// validator's copy and the proxy's) and the validator's working set, however
// many clients there are. Other answers wait their turn; requests still
// waiting for the upstream hold no slot.
const maxValidating = 8

// maxKeptPerSeverity caps the kinds of finding kept, per severity, as a
// check run does: an upstream that invents a field name on every token
// must not grow the proxy's memory or its report without end.
const maxKeptPerSeverity = 200

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
	// Findings), one call at a time.
	OnFinding func(contract.Finding)
	// RecordDir, when set, receives each validated exchange as a fixture
	// in the format of contract/testdata (see recorder). It must exist.
	RecordDir string
}

// Stats count what the proxy saw.
type Stats struct {
	Requests     int // requests received
	Unreachable  int // requests the upstream did not answer (refused, timed out, broken off before the headers)
	Validated    int // exchanges of the three operations validated whole
	NotValidated int // exchanges of the three operations not validated: a body over the cap or broken off, or an answer the client retries
	Rejected     int // exchanges of the three operations whose credentials the upstream refused (401, 403): not drift
	Breaking     int // breaking findings, repeats included
	Dropped      int // kinds of finding not kept (over maxKeptPerSeverity)
	Recorded     int // fixtures written (Options.RecordDir)
	RecordFailed int // fixtures that could not be written
	// RecordError is the first reason a fixture could not be written.
	RecordError string
}

// Proxy is an http.Handler that forwards every request to the upstream
// and validates each exchange of the three operations. It is safe for
// concurrent use.
type Proxy struct {
	rp        *httputil.ReverseProxy
	base      http.RoundTripper
	maxBody   int64
	retryable func(*http.Response) bool
	onFinding func(contract.Finding)
	sem       chan struct{}
	keys      *keySet
	walks     *walks
	rec       *recorder

	mu     sync.Mutex
	stats  Stats
	kinds  map[string]bool
	kept   contract.Findings
	perSev [2]int
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
	keys, err := newKeySet()
	if err != nil {
		return nil, err
	}
	p := &Proxy{
		base:      opts.Transport,
		maxBody:   opts.MaxBodyBytes,
		retryable: opts.Retryable,
		onFinding: opts.OnFinding,
		sem:       make(chan struct{}, maxValidating),
		keys:      keys,
		walks:     newWalks(),
		kinds:     make(map[string]bool),
	}
	if p.base == nil {
		p.base = http.DefaultTransport.(*http.Transport).Clone()
	}
	if p.maxBody <= 0 {
		p.maxBody = DefaultMaxBodyBytes
	}
	if opts.RecordDir != "" {
		p.rec = newRecorder(opts.RecordDir)
	}
	target := *u
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&target)
			// The proxy must read the body to validate it: it lets its
			// transport negotiate gzip and decode it, so the client gets
			// the body uncompressed. (A client's "br" could not be read.)
			pr.Out.Header.Del("Accept-Encoding")
		},
		Transport:    roundTripFunc(p.roundTrip),
		ErrorHandler: p.upstreamError,
		// net/http's log line would print the upstream's error text
		// unmasked; what matters is counted in Stats instead.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return p, nil
}

// ServeHTTP forwards r to the upstream.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.stats.Requests++
	p.mu.Unlock()
	p.rp.ServeHTTP(w, r)
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	if p.rec != nil {
		s.Recorded, s.RecordFailed, s.RecordError = p.rec.counts()
	}
	return s
}

// Findings returns the findings kept so far, one of each kind (see
// contract.Finding.Kind) in the order found, each masked: no key seen in
// Authorization, in any form keyForms lists, and no token value.
func (p *Proxy) Findings() contract.Findings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(contract.Findings(nil), p.kept...)
}

// Secrets returns every form of every key seen in Authorization, for a
// caller to mask in what it prints besides findings (redact.Safe's extra
// values).
func (p *Proxy) Secrets() []string { return p.keys.secrets() }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// clientBodyError is a request body the client broke off: not the
// upstream's failure.
type clientBodyError struct{ err error }

func (e *clientBodyError) Error() string { return "reading the request body: " + e.err.Error() }

// upstreamError answers a request the upstream did not answer.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	var be *clientBodyError
	switch {
	case errors.As(err, &be):
		http.Error(w, "letta-tokens proxy: the request body could not be read", http.StatusBadRequest)
		return
	case r.Context().Err() != nil:
		return // the client went away; nobody to answer
	}
	p.mu.Lock()
	p.stats.Unreachable++
	p.mu.Unlock()
	http.Error(w, "letta-tokens proxy: the upstream could not be reached", http.StatusBadGateway)
}

// roundTrip is the proxy's transport: every request goes to the upstream
// unchanged; one of the three operations is validated on the way.
func (p *Proxy) roundTrip(req *http.Request) (*http.Response, error) {
	cred := credential(req.Header.Get("Authorization"))
	if cred != "" {
		p.keys.add(cred)
	}
	op := operationOf(req)
	if op == opNone {
		return p.base.RoundTrip(req)
	}
	reqBody, reqWhole, err := captureRequestBody(req)
	if err != nil {
		return nil, &clientBodyError{err}
	}
	// The slot is taken once the upstream has answered, when buffering
	// starts, and given back when the client has read the answer: slow
	// upstreams do not hold slots while they think.
	var acquired atomic.Bool
	release := func() {
		if acquired.CompareAndSwap(true, false) {
			<-p.sem
		}
	}
	tee := &teeBody{limit: p.maxBody}
	var x contract.Exchange
	reported := false
	t := &contract.Transport{
		Base: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := p.base.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			select {
			case p.sem <- struct{}{}:
				acquired.Store(true)
			case <-r.Context().Done():
				resp.Body.Close()
				return nil, r.Context().Err()
			}
			tee.src = resp.Body
			resp.Body = tee
			return resp, nil
		}),
		Validator:    p.keys.validator(),
		MaxBodyBytes: p.maxBody,
		Retryable:    p.retryable,
		Report:       func(e contract.Exchange) { x, reported = e, true },
	}
	resp, err := t.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	findings := x.Findings
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		// The upstream refused the client's credentials: an app's test of
		// a wrong key, or a key revoked. Not drift, as check does not call
		// it drift: counted, not reported.
		findings = slices.DeleteFunc(slices.Clone(findings), func(f contract.Finding) bool { return f.Check == contract.CheckAuth })
		p.count(func(s *Stats) { s.Rejected++ })
	}
	if whole := reported && tee.whole(); whole {
		body := tee.buf.Bytes()
		// The proxy's copy goes to the client; the validator's is garbage.
		resp.Body = io.NopCloser(bytes.NewReader(body))
		keyFP := fingerprint.Of(cred)
		switch {
		case op == opList && resp.StatusCode == http.StatusOK:
			findings = append(findings, p.walks.page(keyFP, req.URL.Query(), body)...)
		case op == opCreate && resp.StatusCode == http.StatusCreated, op == opDelete && resp.StatusCode == http.StatusNoContent:
			// The account changed under any walk of this key: positions
			// may shift, which is no repeat.
			p.walks.reset(keyFP)
		}
		if p.rec != nil {
			p.rec.record(op, req, reqBody, reqWhole, resp.StatusCode, resp.Header, body, p.keys.secrets())
		}
		p.count(func(s *Stats) { s.Validated++ })
	} else {
		p.count(func(s *Stats) { s.NotValidated++ })
	}
	p.collect(findings)
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

func (p *Proxy) count(f func(*Stats)) {
	p.mu.Lock()
	f(&p.stats)
	p.mu.Unlock()
}

// collect masks fs, keeps the first of each kind, and passes each new one
// to OnFinding.
func (p *Proxy) collect(fs contract.Findings) {
	if len(fs) == 0 {
		return
	}
	fs = p.keys.mask(fs)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range fs {
		i := 1
		if f.Severity == contract.Breaking {
			p.stats.Breaking++
			i = 0
		}
		kind := f.Kind()
		if p.kinds[kind] {
			continue
		}
		if p.perSev[i] >= maxKeptPerSeverity {
			p.stats.Dropped++
			continue
		}
		p.kinds[kind] = true
		p.perSev[i]++
		p.kept = append(p.kept, f)
		if p.onFinding != nil {
			p.onFinding(f)
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

// captureRequestBody reads up to contract.MaxRequestBodyBytes of a request
// body, for validation and recording, and leaves the request able to send
// it whole. whole is true when the body was read to its end; the request
// then has a GetBody, which the validator reads instead of Body.
func captureRequestBody(req *http.Request) (data []byte, whole bool, err error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, true, nil
	}
	data, err = io.ReadAll(io.LimitReader(req.Body, contract.MaxRequestBodyBytes+1))
	if err != nil {
		return nil, false, err
	}
	rest := req.Body
	req.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), rest), rest}
	if len(data) > contract.MaxRequestBodyBytes {
		return nil, false, nil
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return data, true, nil
}

// teeBody keeps the first limit+1 bytes read through it: enough to know
// whether the body was read whole within the cap.
type teeBody struct {
	src   io.ReadCloser
	limit int64
	buf   bytes.Buffer
	eof   bool
	err   error
}

func (t *teeBody) Read(b []byte) (int, error) {
	n, err := t.src.Read(b)
	if room := t.limit + 1 - int64(t.buf.Len()); room > 0 {
		t.buf.Write(b[:min(int64(n), room)])
	}
	switch {
	case err == io.EOF:
		t.eof = true
	case err != nil && t.err == nil:
		t.err = err
	}
	return n, err
}

func (t *teeBody) Close() error { return t.src.Close() }

// whole reports whether the body was read to its end, within the cap.
func (t *teeBody) whole() bool {
	return t.eof && t.err == nil && int64(t.buf.Len()) <= t.limit
}

// releasingBody gives back the exchange's slot when the client has its
// answer.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
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
