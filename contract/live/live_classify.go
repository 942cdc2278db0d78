package live

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
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// step runs one check and sorts its error (see classify).
func (r *liveRun) step(ctx context.Context, run func() error) error {
	mark := r.traffic.breakingCount()
	err := run()
	r.panics.raise() // a caller's callback panicked during the step
	return r.classify(ctx, err, r.traffic.breakingCount() > mark)
}

// walk runs one walk as a step, its findings kept, at the run's
// concurrency and page size bounds.
func (r *liveRun) walk(ctx context.Context, fetch lettatokens.PageLister, opts walkOptions) (walkResult, error) {
	var res walkResult
	opts.Concurrency = r.cfg.Concurrency
	err := r.step(ctx, func() (err error) {
		var f contract.Findings
		res, f, err = walkPages(ctx, fetch, opts)
		r.walked.add(r.mask(f))
		return err
	})
	return res, err
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
			r.traffic.add(r.mask(contract.Findings{{Check: contract.CheckJSON, Severity: contract.Breaking,
				Message: "the client could not decode the server's answer: " + r.safeLine(err.Error())}}))
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
		r.traffic.add(r.mask(contract.Findings{{Check: contract.CheckStatus, Severity: contract.Breaking,
			Message: "the server rejected a request the spec allows: " + r.safeLine(apiErr.Error())}}))
	default:
		r.traffic.add(r.mask(contract.Findings{{Check: contract.CheckStatus, Severity: contract.Breaking,
			Message: "the client could not use the server's answer: " + r.safeLine(apiErr.Error())}}))
	}
	return nil
}

// timedOut reports whether err is a request attempt running out of time,
// by its cause.
func timedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}

// safeLine is one error's text in a finding: the run's secrets masked,
// escaped, capped at one server string's length.
func (r *liveRun) safeLine(s string) string {
	return r.masker.Load().Safe(s, redact.MaxLine)
}

func fmtDropped(n int) string {
	return fmt.Sprintf("%d more kinds of finding are not listed (at most %d of each severity are kept)", n, maxKeptPerSeverity)
}
