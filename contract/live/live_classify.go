package live

import (
	"context"
	"errors"
	"fmt"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// step runs one check and sorts its error (see classify).
func (r *liveRun) step(ctx context.Context, run func() error) error {
	mark := r.traffic.Breaking()
	err := run()
	r.panics.raise() // a caller's callback panicked during the step
	return r.classify(ctx, err, r.traffic.Breaking() > mark)
}

// walk runs one walk as a step, its findings kept, at the run's
// concurrency and page size bounds.
func (r *liveRun) walk(ctx context.Context, opts walkOptions) (walkResult, error) {
	var res walkResult
	opts.Concurrency = r.cfg.Concurrency
	err := r.step(ctx, func() (err error) {
		var f contract.Findings
		res, f, err = walkPages(ctx, r.client, opts)
		r.walked.Add(r.mask(f))
		return err
	})
	return res, err
}

// classify sorts a step's error by its kind (lettatokens.KindOf). An
// answer the API does not document is drift: the validating transport has
// usually described it already (described is true); when it has not (a
// body the client could not decode, a status the spec lacks), a finding is
// added here, as for a 400 to a request the spec allows. An outage
// (ErrServerUnavailable) or a refused key (ErrCredentialsRejected) stops
// the run, as does every other kind (no answer, a refused redirect, a
// server that is not Letta's API, the context ended): no verdict on drift.
// The errors returned wrap err, so KindOf sees through them.
func (r *liveRun) classify(ctx context.Context, err error, described bool) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return err // the run was cancelled or ran out of time: no verdict
	}
	var apiErr *lettatokens.Error
	switch lettatokens.KindOf(err) {
	case lettatokens.KindUnauthorized:
		return fmt.Errorf("%w (check LETTA_API_KEY and LETTA_BASE_URL): %w", ErrCredentialsRejected, err)
	case lettatokens.KindUnavailable:
		return fmt.Errorf("%w: no complete answer after the client's retries, the checks could not finish: %w", ErrServerUnavailable, err)
	case lettatokens.KindRejected:
		if !described {
			r.drift(&r.traffic, contract.CheckStatus, "", "the server rejected a request the spec allows: %s", r.safeLine(err.Error()))
		}
		return nil
	case lettatokens.KindUndocumented:
		switch {
		case described:
		case errors.As(err, &apiErr):
			r.drift(&r.traffic, contract.CheckStatus, "", "the client could not use the server's answer: %s", r.safeLine(apiErr.Error()))
		default:
			r.drift(&r.traffic, contract.CheckJSON, "", "the client could not decode the server's answer: %s", r.safeLine(err.Error()))
		}
		return nil
	}
	return err
}

// safeLine is one error's text in a finding: the run's secrets masked,
// escaped, capped at one server string's length.
func (r *liveRun) safeLine(s string) string {
	return r.masker.Load().Safe(s, redact.MaxLine)
}
