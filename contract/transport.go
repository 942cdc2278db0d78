package contract

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// defaultTransportMaxBodyBytes is the body cap of a Transport whose
// MaxBodyBytes is 0: 32 MiB, the same as the client's default cap (a test
// keeps the two equal), so that whatever the client accepts is validated.
const defaultTransportMaxBodyBytes = 32 << 20

// Exchange is what the validating transport reports for one round trip.
type Exchange struct {
	Method string
	// Path is the URL path and query, redacted: a token in the path (a
	// DELETE's) shows in its redacted form only, whatever its shape.
	Path     string
	Status   int
	Findings Findings
}

// Transport is an http.RoundTripper that validates every exchange it
// carries against the spec and reports the findings. It never changes what
// the caller receives: the response body is buffered, validated and handed
// on unchanged. Wrap a staging client with it to see drift in real traffic:
//
//	validating := &contract.Transport{Validator: v, Report: func(x contract.Exchange) { ... }}
//	client, err := lettatokens.NewClient(lettatokens.WithTransport(validating))
type Transport struct {
	// Base carries the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Validator checks the exchanges. Required.
	Validator *Validator
	// Report receives every exchange, findings or not, on the goroutine
	// that made the request. nil discards them.
	Report func(Exchange)
	// MaxBodyBytes caps the bytes buffered for validation; a longer body is
	// passed on unvalidated and reported. 0 means 32 MiB, the client's
	// default cap.
	MaxBodyBytes int64
	// Retryable, when set, names the answers that the client's retry policy
	// tries again; they are left out of the report, so that a transient
	// failure the client recovers from is not drift. The caller still sees
	// every answer, the final one included. Set it to the policy of the
	// client in use, such as lettatokens.Retryable (408, 409, 429, 5xx,
	// x-should-retry); nil reports every answer.
	Retryable func(*http.Response) bool
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	findings := append(t.Validator.ValidateRequest(req), CheckBearerAuth(req)...)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	x := Exchange{Method: req.Method, Path: t.Validator.displayPath(req), Status: resp.StatusCode}
	limit := t.MaxBodyBytes
	if limit <= 0 {
		limit = defaultTransportMaxBodyBytes
	}
	// A declared length, within the cap, sizes the buffer once: growing it
	// from nothing allocated twice the body.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(resp.ContentLength, 0), limit)+bytes.MinRead))
	_, readErr := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	body := buf.Bytes()
	switch {
	case readErr != nil:
		// The body broke off: hand the caller what arrived and the error, as
		// the network would have; a partial body is not drift evidence.
		resp.Body.Close()
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
		return resp, nil
	case int64(len(body)) > limit:
		resp.Body = replayBody{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		x.Findings = append(findings, Finding{Check: CheckJSON, Severity: Breaking,
			Message: fmt.Sprintf("body is larger than %d bytes; not validated", limit)})
	default:
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if t.Retryable != nil && t.Retryable(resp) {
			return resp, nil
		}
		x.Findings = append(findings, t.Validator.ValidateResponse(req, resp.StatusCode, resp.Header, body)...)
	}
	if t.Report != nil {
		t.Report(x)
	}
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Recorder collects exchanges from a Transport; its Record method is a
// Transport.Report. It is safe for concurrent use.
type Recorder struct {
	mu        sync.Mutex
	exchanges []Exchange
}

// Record stores one exchange.
func (r *Recorder) Record(x Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exchanges = append(r.exchanges, x)
}

// Exchanges returns a copy of what was recorded.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.exchanges...)
}

// Findings returns every recorded finding, in order.
func (r *Recorder) Findings() Findings {
	var out Findings
	for _, x := range r.Exchanges() {
		out = append(out, x.Findings...)
	}
	return out
}
