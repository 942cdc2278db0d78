package attempt

import (
	"context"
	"net/http"
	"sync"
	"time"
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
// The loop waits here before each attempt starts, outside the attempt's own
// time limit (Loop.Timeout): a server asking for 30 s must not make
// every attempt with a 10 s limit time out unsent.
type throttle struct {
	mu        sync.Mutex
	notBefore time.Time
	// setBy is the call (its first *http.Request, the same for all its
	// attempts) whose answer set notBefore. Its own retry has just waited
	// out the same delay in its backoff, so the throttle does not hold it
	// again.
	setBy *http.Request
}

// await returns when an attempt of the call may be sent: at once, unless
// the server asked to slow down and that time has not come, or when ctx
// ends (the loop then gives up with ctx's error). wait is Loop.Wait.
func (t *throttle) await(ctx context.Context, call *http.Request, wait func(time.Duration) time.Duration) {
	t.mu.Lock()
	remaining := time.Until(t.notBefore)
	own := call == t.setBy
	t.mu.Unlock()
	if remaining <= 0 || own {
		return
	}
	sleep(ctx, wait(remaining))
}

// observe moves notBefore later when resp, an answer to call, says the
// server is overloaded.
func (t *throttle) observe(call *http.Request, resp *http.Response, now time.Time) {
	d, ok := slowDown(resp, now)
	if !ok {
		return
	}
	until := now.Add(d)
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.notBefore) {
		t.notBefore = until
		t.setBy = call
	}
}

// slowDown says how long every request should hold back after resp: the
// server's delay if it asked for a sane one (see serverRetryDelay), else
// the first backoff step for a 429 or 503. ok is false when resp gives no
// reason to slow down: no answer, a success, or a failure that is not
// retried or asks for no delay.
func slowDown(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	overloaded := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
	d, asked := serverRetryDelay(resp.Header, now)
	switch {
	case asked && (overloaded || Retryable(resp)):
		return d, true
	case overloaded:
		return initialRetryDelay, true
	}
	return 0, false
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
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
