package mock_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestLatencyHonoursContext: a request to a mock with an hour's latency,
// whose context ends after a few milliseconds, returns with the context's
// error at once, not after the hour.
func TestLatencyHonoursContext(t *testing.T) {
	ts := newServer(t, mock.Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+listPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	done := make(chan error, 1)
	go func() {
		resp, err := ts.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("request ended with %v, want the context's deadline", err)
		}
	case <-time.After(30 * time.Second): // generous for a loaded machine; the latency is an hour
		t.Fatal("the request still waits 30 s after its context ended")
	}
}

// TestLatencyDelaysEveryAnswer: answers, errors included, take at least
// the latency.
func TestLatencyDelaysEveryAnswer(t *testing.T) {
	const latency = 60 * time.Millisecond
	ts := newServer(t, mock.Options{Latency: latency, SeedCount: 3, APIKey: testKey})
	for _, tt := range []struct {
		name   string
		do     func() int
		status int
	}{
		{"list", func() int { return get(t, ts, "").status }, http.StatusOK},
		{"401", func() int { return do(t, ts, http.MethodGet, "", "").status }, http.StatusUnauthorized},
		{"create", func() int {
			return send(t, ts, http.MethodPost, listPath, createBody("a", "https://a.example.com", "")).status
		}, http.StatusCreated},
		{"delete", func() int { return send(t, ts, http.MethodDelete, deletePath(mock.SeedTokens(1)[0].Token), "").status }, http.StatusNoContent},
	} {
		start := time.Now()
		if got := tt.do(); got != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.status)
		}
		if took := time.Since(start); took < latency {
			t.Errorf("%s: answered in %v, under the latency %v", tt.name, took, latency)
		}
	}
}

// TestLatencyCreateOutlivesClient: a create whose client gives up while the
// mock waits is still carried out (its body had arrived whole), as on a
// real server: the token is listed afterwards. A list whose client gives
// up is dropped (TestLatencyHonoursContext).
func TestLatencyCreateOutlivesClient(t *testing.T) {
	const latency = 300 * time.Millisecond
	ts := newServer(t, mock.Options{Latency: latency, APIKey: testKey})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+listPath,
		strings.NewReader(createBody("agent-gone", "https://gone.example.com", "")))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the create answered within 30ms despite a latency of 300ms")
	}
	// The mock finishes the create about latency after it arrived; a list,
	// delayed by the latency too, then shows it. Poll for a bounded time.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := allTokens(t, ts, "agent-gone"); len(got) == 1 {
			return
		} else if len(got) > 1 {
			t.Fatalf("%d tokens for one create", len(got))
		}
		if time.Now().After(deadline) {
			t.Fatal("the create whose client gave up was not carried out within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
