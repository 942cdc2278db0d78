package lettatokens

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Backoff bounds, as in Letta's official SDKs: 0.5 s doubling up to 8 s.
const (
	initialRetryDelay = 500 * time.Millisecond
	maxRetryDelay     = 8 * time.Second
	// maxServerDelay caps what a server may ask for with Retry-After or
	// retry-after-ms; a longer (or negative) request is ignored in favour of
	// the exponential backoff, so a misconfigured server cannot park a
	// caller for an hour.
	maxServerDelay = 60 * time.Second
)

// newRetryingClient returns the retry engine: go-retryablehttp driving
// attempts through attemptClient, with Letta's retry policy.
func newRetryingClient(attemptClient *http.Client, maxRetries int, wait func(time.Duration) time.Duration) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   attemptClient,
		Logger:       nil, // retryablehttp logs URLs; a library must not log at all
		RetryWaitMin: initialRetryDelay,
		RetryWaitMax: maxRetryDelay,
		RetryMax:     maxRetries,
		CheckRetry:   shouldRetry,
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			return wait(retryDelay(minWait, maxWait, attempt, resp, rand.Float64))
		},
		// Hand the last response (or error) back as it is, so that the error
		// layer turns a final 503 into an *Error with its status and body
		// rather than retryablehttp's "giving up after 3 attempts".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// IsRetryable reports whether the client's retry policy would try this
// response again, attempts permitting: the same rule the client applies, for
// code that watches its traffic (set as contract.Transport's Retryable, it
// leaves such answers to the final attempt).
func IsRetryable(resp *http.Response) bool {
	retry, _ := shouldRetry(context.Background(), resp, nil)
	return retry
}

// shouldRetry is the retry policy of Letta's SDKs: retry connection errors,
// 408, 409, 429 and 5xx, unless the server says otherwise with
// x-should-retry; never retry once the caller's context has ended.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if errors.Is(err, ErrCrossOriginRedirect) && ctx.Err() == nil {
		// A deliberate refusal, which the next attempt would meet again.
		return false, nil
	}
	if err != nil || resp == nil {
		// retryablehttp's default policy knows which transport errors are
		// permanent (bad scheme, TLS verification, redirect loops) and
		// returns the context's error once it has ended.
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// A success is final whatever x-should-retry says, as in Letta's
		// SDKs, which consult the header only for failed responses.
		return false, nil
	}
	switch strings.ToLower(resp.Header.Get("X-Should-Retry")) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	switch code := resp.StatusCode; {
	case code == http.StatusRequestTimeout,
		code == http.StatusConflict, // Letta's SDKs treat lock conflicts as transient
		code == http.StatusTooManyRequests,
		code >= 500:
		return true, nil
	}
	return false, nil
}

// retryDelay is how long to wait before retry number attempt+1: what the
// server asked for in retry-after-ms or Retry-After when that is sane, else
// exponential backoff from minWait doubling up to maxWait, less up to 25%
// jitter so that many clients do not retry in lockstep. random returns a
// value in [0, 1).
func retryDelay(minWait, maxWait time.Duration, attempt int, resp *http.Response, random func() float64) time.Duration {
	if resp != nil {
		if d, ok := serverRetryDelay(resp.Header, time.Now()); ok {
			return d
		}
	}
	delay := maxWait
	if attempt < 16 { // beyond that the shift overflows; maxWait is long reached
		delay = min(minWait<<attempt, maxWait)
	}
	jitter := time.Duration(random() * float64(delay) / 4)
	return delay - jitter
}

// serverRetryDelay reads the wait a server asks for: retry-after-ms
// (milliseconds, as Letta sends), else Retry-After in seconds or as an HTTP
// date. ok is false when neither is present or the value is outside
// (0, maxServerDelay].
func serverRetryDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil {
			return saneDelay(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return saneDelay(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil {
		return saneDelay(float64(at.Sub(now)))
	}
	return 0, false
}

// saneDelay converts nanoseconds to a Duration if they are in
// (0, maxServerDelay]. The comparison is done in float64, so NaN and
// infinities (which ParseFloat accepts) are rejected before conversion.
func saneDelay(nanos float64) (time.Duration, bool) {
	if nanos > 0 && nanos <= float64(maxServerDelay) {
		return time.Duration(nanos), true
	}
	return 0, false
}
