package lettatokens

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestThrottleHoldsBackEveryRequest: after a response that says the server
// is overloaded, the next request of the same Client (another call, not a
// retry) waits for the server's delay before it is sent. The waits are
// recorded, not slept.
func TestThrottleHoldsBackEveryRequest(t *testing.T) {
	tests := []struct {
		name     string
		first    step
		wantWait time.Duration // the most the second call waits; 0: not at all
	}{
		{name: "429 retry-after-ms", first: step{429, map[string]string{"Retry-After-Ms": "1000"}}, wantWait: time.Second},
		{name: "503 Retry-After", first: step{503, map[string]string{"Retry-After": "5"}}, wantWait: 5 * time.Second},
		{name: "503 without a delay", first: step{503, nil}, wantWait: 500 * time.Millisecond},
		{name: "429 with an insane delay", first: step{429, map[string]string{"Retry-After": "86400"}}, wantWait: 500 * time.Millisecond},
		{name: "429 the server says not to retry", first: step{429, map[string]string{"X-Should-Retry": "false"}}, wantWait: 500 * time.Millisecond},
		{name: "500 with Retry-After, not to be retried", first: step{500, map[string]string{"Retry-After": "3", "X-Should-Retry": "false"}}},
		{name: "502 with retry-after-ms", first: step{502, map[string]string{"Retry-After-Ms": "700"}}, wantWait: 700 * time.Millisecond},
		{name: "502 without a delay", first: step{502, nil}},
		{name: "400 with Retry-After", first: step{400, map[string]string{"Retry-After": "5"}}},
		{name: "200 with Retry-After", first: step{200, map[string]string{"Retry-After": "5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, srv := scriptedServer(t, tt.first, step{status: http.StatusOK})
			c, waits := newTestClient(t, srv, WithMaxRetries(0))
			c.ListTokens(t.Context(), ListOptions{}) // the first answer, whatever it is
			if _, err := c.ListTokens(t.Context(), ListOptions{}); err != nil {
				t.Fatalf("second call: %v", err)
			}
			got := waits.recorded()
			if tt.wantWait == 0 {
				if len(got) != 0 {
					t.Errorf("waits = %v, want none", got)
				}
			} else if len(got) != 1 || got[0] <= 0 || got[0] > tt.wantWait {
				t.Errorf("waits = %v, want one in (0, %s]", got, tt.wantWait)
			}
			if n.count() != 2 {
				t.Errorf("server saw %d requests, want 2", n.count())
			}
		})
	}
}

// TestThrottleWaitIsNotPartOfTheAttempt: the throttle's wait comes before
// the attempt's time limit starts, so a server delay longer than
// WithTimeout holds the next request back without making it time out.
func TestThrottleWaitIsNotPartOfTheAttempt(t *testing.T) {
	n, srv := scriptedServer(t, step{429, map[string]string{"Retry-After-Ms": "1000"}}, step{status: http.StatusOK})
	var waited []time.Duration
	c, _ := newTestClient(t, srv, WithMaxRetries(0), WithTimeout(100*time.Millisecond),
		withRetryWait(func(d time.Duration) time.Duration {
			waited = append(waited, d) // one call at a time: no lock needed
			return d / 4               // about 250 ms, more than the timeout
		}))
	c.ListTokens(t.Context(), ListOptions{})
	start := time.Now()
	if _, err := c.ListTokens(t.Context(), ListOptions{}); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if len(waited) != 1 || waited[0] < 900*time.Millisecond {
		t.Errorf("waits = %v, want one of about 1 s", waited)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("second call took %s, want it held back about 250 ms", elapsed)
	}
	if n.count() != 2 {
		t.Errorf("server saw %d requests, want 2", n.count())
	}
}

// TestThrottleHonoursContext: a request held back by the throttle ends as
// soon as its context does, unsent.
func TestThrottleHonoursContext(t *testing.T) {
	n, srv := scriptedServer(t, step{503, map[string]string{"Retry-After": "30"}}, step{status: http.StatusOK})
	c, _ := newTestClient(t, srv, WithMaxRetries(0), withRetryWait(func(d time.Duration) time.Duration { return d }))
	c.ListTokens(t.Context(), ListOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListTokens(ctx, ListOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %s, want promptly at the deadline", elapsed)
	}
	if n.count() != 1 {
		t.Errorf("server saw %d requests, want 1: the held-back one must not be sent", n.count())
	}
}
