package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/contract/live"
)

// liveBudget is how TestLiveAPI spends the time go test gives it.
type liveBudget struct {
	run     time.Duration // for CheckLive's context
	cleanup time.Duration // LiveConfig.CleanupTimeout
	limited bool          // go test set a deadline (-timeout)
}

// liveBudgetFor splits the time left before go test's deadline: the run
// stops early enough to keep max(10s, 20%) of it (at most half) for the
// cleanup of seeded tokens and the test's verdict; the cleanup takes
// three quarters of that. Without a deadline (-timeout 0) the run gets
// liveTimeout and the cleanup live.SeedCleanupTimeout.
func liveBudgetFor(now, deadline time.Time, ok bool) liveBudget {
	if !ok {
		return liveBudget{run: liveTimeout, cleanup: live.SeedCleanupTimeout}
	}
	left := max(0, deadline.Sub(now))
	reserve := min(max(10*time.Second, left/5), left/2)
	return liveBudget{
		run:     min(liveTimeout, left-reserve),
		cleanup: max(time.Millisecond, min(live.SeedCleanupTimeout, reserve*3/4)),
		limited: true,
	}
}

// liveEnded words how a live run that a signal or its time ended failed,
// with what its cleanup left (err holds a *live.UndeletedError when
// anything was). "" when neither ended it.
func liveEnded(signalled context.Context, err error, b liveBudget) string {
	left := "every token it created was deleted"
	var u *live.UndeletedError
	if errors.As(err, &u) {
		left = u.Error()
	}
	switch {
	case errors.Is(signalled.Err(), context.Canceled):
		// Canceled, not DeadlineExceeded: only the signal cancels it.
		return fmt.Sprintf("interrupted by a signal (SIGINT or SIGTERM) during a seeded run; after its cleanup, %s", left)
	case errors.Is(err, context.DeadlineExceeded) && b.limited:
		return fmt.Sprintf("the live run did not finish within %s, its share of go test's -timeout (the rest is kept for the cleanup of seeded tokens): raise -timeout; %s",
			b.run.Round(time.Second), left)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("the live run did not finish within %s; %s", b.run, left)
	}
	return ""
}

func TestLiveBudget(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		left         time.Duration
		run, cleanup time.Duration
	}{
		{10 * time.Minute, 8 * time.Minute, live.SeedCleanupTimeout},  // go test's default: 20% kept
		{time.Minute, 48 * time.Second, 9 * time.Second},              // 20% kept
		{30 * time.Second, 20 * time.Second, 7500 * time.Millisecond}, // 10s kept
		{8 * time.Second, 4 * time.Second, 3 * time.Second},           // at most half kept
		{48 * time.Hour, liveTimeout, live.SeedCleanupTimeout},
		{-time.Second, 0, time.Millisecond}, // already past: no run, and the cleanup at once
	} {
		b := liveBudgetFor(now, now.Add(tt.left), true)
		if b.run != tt.run || b.cleanup != tt.cleanup || !b.limited {
			t.Errorf("%s left: run %s, cleanup %s; want %s, %s", tt.left, b.run, b.cleanup, tt.run, tt.cleanup)
		}
		if tt.left > 0 && b.run+b.cleanup >= tt.left {
			t.Errorf("%s left: the run and its cleanup (%s) do not fit", tt.left, b.run+b.cleanup)
		}
	}
	if b := liveBudgetFor(now, time.Time{}, false); b.run != liveTimeout || b.cleanup != live.SeedCleanupTimeout || b.limited {
		t.Errorf("without -timeout: %+v", b)
	}
}

// liveChild runs this test binary's TestLiveAPI, seeded, against url, with
// go test's -timeout given; started, not waited for.
func liveChild(t *testing.T, url string, timeout time.Duration) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLiveAPI$", "-test.v", "-test.count=1", "-test.timeout="+timeout.String())
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LETTA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LETTA_API_KEY="+testKey, "LETTA_BASE_URL="+url, "LETTA_CONTRACT_SEED=1", "LETTA_MAX_TOKENS=1000")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// stallAfterCreates is a slow server: every answer takes 100ms, and once
// the run has created its 3 tokens, every list hangs until its request
// ends. Deletes still answer.
func stallAfterCreates(m *seedMock, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(100 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		if r.Method == http.MethodGet && m.creates.Load() >= 3 {
			<-r.Context().Done()
			return
		}
		h.ServeHTTP(w, r)
	})
}

// TestLiveAPIKeepsTimeForCleanup: go test -timeout 8s on a seeded live
// run against a server that stalls: the test fails on its own deadline,
// before go test's, having deleted every token it created (no "panic: test
// timed out", no token left).
func TestLiveAPIKeepsTimeForCleanup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a live test of 8s in a child process")
	}
	m := newSeedMock(t, 3, stallAfterCreates)
	start := time.Now()
	cmd, out := liveChild(t, m.ts.URL, 8*time.Second)
	err := cmd.Wait()
	text := out.String()
	if err == nil || strings.Contains(text, "test timed out") || !strings.Contains(text, "--- FAIL: TestLiveAPI") ||
		!strings.Contains(text, "its share of go test's -timeout") || !strings.Contains(text, "every token it created was deleted") {
		t.Errorf("after %s, err %v:\n%s", time.Since(start).Round(time.Millisecond), err, text)
	}
	if m.creates.Load() != 3 || m.deletes.Load() != 3 {
		t.Errorf("%d creates, %d deletes; want 3 and 3", m.creates.Load(), m.deletes.Load())
	}
	if left, _ := m.left(t); left != 0 {
		t.Errorf("the server holds %d of the run's tokens", left)
	}
}

// TestLiveAPISignalCleansUp: SIGTERM, or Ctrl-C's SIGINT, during a seeded
// live run: the test deletes its tokens, then fails saying so.
func TestLiveAPISignalCleansUp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM or SIGINT to send to a process on Windows")
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			m := newSeedMock(t, 3, stallAfterCreates)
			cmd, out := liveChild(t, m.ts.URL, time.Minute)
			for give := time.Now().Add(20 * time.Second); m.creates.Load() < 3; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(give) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("the child made %d creates in 20s:\n%s", m.creates.Load(), out)
				}
			}
			time.Sleep(200 * time.Millisecond) // the run is in its walks
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			text := out.String()
			if err == nil || !strings.Contains(text, "--- FAIL: TestLiveAPI") ||
				!strings.Contains(text, "interrupted by a signal") || !strings.Contains(text, "every token it created was deleted") {
				t.Errorf("err %v:\n%s", err, text)
			}
			if m.deletes.Load() != 3 {
				t.Errorf("%d deletes, want 3", m.deletes.Load())
			}
			if left, _ := m.left(t); left != 0 {
				t.Errorf("the server holds %d of the run's tokens", left)
			}
		})
	}
}
