package lettatokens

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// throttle slows down every request of one Client once the server has said
// it is overloaded. Each request retries on its own schedule; without the
// throttle, a walk with several pages in flight would go on sending new
// requests (and the retries of every slot) while the server is still
// answering 429 to the first. When any response is a 429 or a 503, or
// asks for a delay (Retry-After, retry-after-ms) on a status that is
// retried, no attempt of the Client is sent before the server's delay has
// passed (or, when it named none, the first backoff step).
//
// The wait happens before each attempt starts, outside the attempt's own
// time limit (see WithTimeout): a RoundTripper would wait inside it, and a
// server asking for 30 s would make every attempt with a 10 s limit time
// out in the throttle, unsent, and count as a failure.
type throttle struct {
	// wait turns a wait into the one slept: config.retryWait, the identity
	// outside tests, which shrink it as they shrink the retry waits.
	wait func(time.Duration) time.Duration

	mu        sync.Mutex
	notBefore time.Time
	// setBy is the request (its *bodySlot, one per call) whose response set
	// notBefore. Its own retry has just waited out the same delay in the
	// retry engine's backoff, so the throttle does not hold it again.
	setBy any
}

// installThrottle makes every attempt of c pass through a new throttle:
// retryablehttp calls RequestLogHook before each attempt, the first
// included, and ResponseLogHook after each one that got a response.
func installThrottle(c *retryablehttp.Client, wait func(time.Duration) time.Duration) {
	t := &throttle{wait: wait}
	c.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, _ int) {
		t.await(req.Context(), requestKey(req))
	}
	c.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
		t.observe(resp, time.Now())
	}
}

// requestKey identifies one call across its attempts: the *bodySlot that
// checkingDoer puts in the context of each call, which every attempt's
// request (and the response's) carries. nil when there is none.
func requestKey(req *http.Request) any {
	if req == nil {
		return nil
	}
	if slot, ok := req.Context().Value(bodySlotKey{}).(*bodySlot); ok {
		return slot
	}
	return nil
}

// await returns when the attempt of the call key may be sent: at once,
// unless the server asked to slow down and that time has not come, or when
// ctx ends (the attempt then fails at once with ctx's error).
func (t *throttle) await(ctx context.Context, key any) {
	t.mu.Lock()
	remaining := time.Until(t.notBefore)
	own := key != nil && key == t.setBy
	t.mu.Unlock()
	if remaining <= 0 || own {
		return
	}
	d := t.wait(remaining)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// observe moves notBefore later when resp says the server is overloaded.
func (t *throttle) observe(resp *http.Response, now time.Time) {
	d, ok := slowDown(resp, now)
	if !ok {
		return
	}
	until := now.Add(d)
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.notBefore) {
		t.notBefore = until
		t.setBy = requestKey(resp.Request)
	}
}

// slowDown says how long every request should hold back after resp: the
// server's delay if it asked for a sane one (see serverRetryDelay), else
// the first backoff step for a 429 or 503. ok is false when resp gives no
// reason to slow down: a success, or a failure that is not retried or asks
// for no delay.
func slowDown(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	overloaded := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
	d, asked := serverRetryDelay(resp.Header, now)
	switch {
	case asked && (overloaded || IsRetryable(resp)):
		return d, true
	case overloaded:
		return initialRetryDelay, true
	}
	return 0, false
}
