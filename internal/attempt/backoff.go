package attempt

import (
	"net/http"
	"strconv"
	"time"
)

// Backoff bounds, as in Letta's official SDKs: 0.5 s doubling up to 8 s
// (sixteen times as long: the doubling lands on the cap exactly).
const (
	initialRetryDelay = 500 * time.Millisecond
	maxRetryDelay     = 8 * time.Second
	// maxServerDelay caps what a server may ask for with Retry-After or
	// retry-after-ms; a longer (or negative) request is ignored in favour of
	// the exponential backoff, so a misconfigured server cannot park a
	// caller for an hour.
	maxServerDelay = 60 * time.Second
)

// retryDelay is how long to wait after attempt (0 for the first) failed
// with the answer resp (nil without an answer): what the server asked
// for in retry-after-ms or Retry-After when that is sane, else exponential
// backoff from initialRetryDelay doubling up to maxRetryDelay, less up to
// 25% jitter so that many clients do not retry in lockstep. random returns
// a value in [0, 1). Any attempt number is safe: the doubling stops at the
// cap, so it cannot overflow into a negative wait.
func retryDelay(attempt int, resp *http.Response, random func() float64) time.Duration {
	if resp != nil {
		if d, ok := serverRetryDelay(resp.Header, time.Now()); ok {
			return d
		}
	}
	delay := initialRetryDelay
	for i := 0; i < attempt && delay < maxRetryDelay; i++ {
		delay *= 2
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
