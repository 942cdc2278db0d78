package attempt

import (
	"math"
	"net/http"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	now := time.Now()
	header := func(kv ...string) *http.Response {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return &http.Response{Header: h}
	}
	noJitter := func() float64 { return 0 }
	halfJitter := func() float64 { return 0.5 }
	tests := []struct {
		name    string
		attempt int
		resp    *http.Response
		random  func() float64
		want    time.Duration
	}{
		{"first backoff", 0, nil, noJitter, 500 * time.Millisecond},
		{"second backoff", 1, header(), noJitter, time.Second},
		{"backoff capped", 5, header(), noJitter, 8 * time.Second},
		{"backoff capped far out", 100, header(), noJitter, 8 * time.Second},
		{"jitter takes up to a quarter", 0, nil, halfJitter, 437500 * time.Microsecond},
		{"Retry-After seconds", 0, header("Retry-After", "3"), noJitter, 3 * time.Second},
		{"Retry-After fractional seconds", 0, header("Retry-After", "1.5"), noJitter, 1500 * time.Millisecond},
		{"retry-after-ms", 0, header("Retry-After-Ms", "250"), noJitter, 250 * time.Millisecond},
		{"Retry-After too long falls back", 0, header("Retry-After", "3600"), noJitter, 500 * time.Millisecond},
		{"Retry-After at the cap is honoured", 0, header("Retry-After", "60"), noJitter, maxServerDelay},
		{"Retry-After past the cap falls back", 0, header("Retry-After", "61"), noJitter, 500 * time.Millisecond},
		{"retry-after-ms at the cap is honoured", 0, header("Retry-After-Ms", "60000"), noJitter, maxServerDelay},
		{"Retry-After zero falls back", 1, header("Retry-After", "0"), noJitter, time.Second},
		{"Retry-After negative falls back", 0, header("Retry-After", "-5"), noJitter, 500 * time.Millisecond},
		{"Retry-After NaN falls back", 0, header("Retry-After", "NaN"), noJitter, 500 * time.Millisecond},
		{"Retry-After garbage falls back", 0, header("Retry-After", "soon"), noJitter, 500 * time.Millisecond},
		{"retry-after-ms garbage uses Retry-After", 0, header("Retry-After-Ms", "x", "Retry-After", "2"), noJitter, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryDelay(tt.attempt, tt.resp, tt.random); got != tt.want {
				t.Errorf("retryDelay = %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("Retry-After HTTP date", func(t *testing.T) {
		h := http.Header{"Retry-After": {now.Add(10 * time.Second).UTC().Format(http.TimeFormat)}}
		d, ok := serverRetryDelay(h, now)
		// HTTP dates have whole seconds, so up to a second is lost.
		if !ok || d <= 8*time.Second || d > 10*time.Second {
			t.Errorf("serverRetryDelay = %s, %v; want about 10s", d, ok)
		}
	})
	t.Run("Retry-After HTTP date in the past", func(t *testing.T) {
		h := http.Header{"Retry-After": {now.Add(-time.Minute).UTC().Format(http.TimeFormat)}}
		if d, ok := serverRetryDelay(h, now); ok {
			t.Errorf("serverRetryDelay = %s, true; want fallback", d)
		}
	})
}

// TestRetryDelayAnyAttempt: the backoff stays in (0, maxRetryDelay] for any
// attempt number, however far out, with any jitter: a shift that
// overflows would turn it into a negative wait (no wait at all) or an
// absurd one.
func TestRetryDelayAnyAttempt(t *testing.T) {
	attempts := []int{-1, 0, 1, 4, 5, 15, 16, 17, 34, 35, 36, 62, 63, 64, 65, 1 << 20, math.MaxInt32, math.MaxInt}
	for _, attempt := range attempts {
		for _, random := range []float64{0, 0.5, 0.999999} {
			got := retryDelay(attempt, nil, func() float64 { return random })
			want := min(initialRetryDelay<<min(max(attempt, 0), 5), maxRetryDelay)
			if got <= 0 || got > want || got < want*3/4 {
				t.Errorf("retryDelay(%d) with random %v = %s, want in [%s, %s]", attempt, random, got, want*3/4, want)
			}
		}
	}
}
