package contract_test

// The live test lives in package contract, so that go test ./contract,
// the command CI pipelines are promised, runs it; an external test
// package may import contract/live, which imports contract. go test
// ./contract/... runs it once too: contract/live's own tests use loopback
// servers only.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestLiveAPI runs the live checks against LETTA_BASE_URL (default
// https://api.letta.com) when LETTA_API_KEY is set. LETTA_AGENT_ID picks
// the agent for the agentId filter check; LETTA_MAX_TOKENS bounds the first
// walk (default live.DefaultMaxTokens); LETTA_CONTRACT_SEED=1 (exactly
// 1) makes the run create tokens of its own first, and delete them
// (LiveConfig.Seed: it writes to the account). Walks keep 4 pages in
// flight, as the CLI does.
func TestLiveAPI(t *testing.T) {
	// The module's one reader of LETTA_*: trimmed and checked as NewClient
	// and the CLI read them.
	env, err := lettatokens.LoadEnv(os.Getenv)
	if env.APIKey == "" {
		const how = "set it, and optionally LETTA_BASE_URL, LETTA_AGENT_ID and LETTA_MAX_TOKENS, to run the live contract checks"
		if env.RequireLive {
			t.Fatal("LETTA_REQUIRE_LIVE=1 but LETTA_API_KEY is not set: the live contract checks cannot run (" + how + ")")
		}
		t.Skip("LETTA_API_KEY is not set: skipping live contract checks (" + how + ")")
	}
	if err != nil {
		t.Fatal(err)
	}
	// The key is handed over so that the validator masks it in every
	// finding, whatever its shape.
	cfg := live.LiveConfig{BaseURL: env.BaseURL, APIKey: env.APIKey, AgentID: env.AgentID, MaxTokens: env.MaxTokens,
		Concurrency: 4, Seed: env.ContractSeed}
	// go test's -timeout ends the process with a panic, cleanup or not:
	// the run stops early enough for its cleanup to fit.
	deadline, hasDeadline := t.Deadline()
	budget := liveBudgetFor(time.Now(), deadline, hasDeadline)
	cfg.CleanupTimeout = budget.cleanup
	ctx, cancel := context.WithTimeout(context.Background(), budget.run)
	defer cancel()
	signalled := context.Background()
	if cfg.Seed {
		// Ctrl-C or SIGTERM while the run holds tokens of its own: end it,
		// let it delete them, then fail.
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		signalled = ctx
	}
	report, err := live.CheckLive(ctx, cfg)
	if err := liveEnded(signalled, err, budget); err != "" {
		t.Fatal(err)
	}
	if errors.Is(err, live.ErrCredentialsRejected) {
		t.Fatalf("credentials rejected: the server refused LETTA_API_KEY (%v)", err)
	}
	if err != nil {
		t.Fatalf("live check could not run: %v", err)
	}
	for _, note := range report.Notes {
		t.Log("note:", note)
	}
	for _, f := range report.Findings.Additive() {
		t.Log("additive drift (passes; update openapi.yaml):", f)
	}
	if !report.Passed() {
		t.Fatalf("breaking drift in %d exchanges:\n%s", report.Exchanges, report.Findings.Breaking())
	}
	if report.Truncated {
		t.Fatalf("the account could not be checked completely: the walk reached its bound of %d tokens; raise LETTA_MAX_TOKENS", cmp.Or(env.MaxTokens, live.DefaultMaxTokens))
	}
}

// liveTimeout bounds the live test: a million-token account takes about
// 21,600 requests (20,000 at limit=50, the rest bounded by
// live.DefaultCompareTokens).
const liveTimeout = 3 * time.Hour

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
// liveTimeout and the cleanup live.DefaultCleanupTimeout.
func liveBudgetFor(now, deadline time.Time, ok bool) liveBudget {
	if !ok {
		return liveBudget{run: liveTimeout, cleanup: live.DefaultCleanupTimeout}
	}
	left := max(0, deadline.Sub(now))
	reserve := min(max(10*time.Second, left/5), left/2)
	return liveBudget{
		run:     min(liveTimeout, left-reserve),
		cleanup: max(time.Millisecond, min(live.DefaultCleanupTimeout, reserve*3/4)),
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
		{10 * time.Minute, 8 * time.Minute, live.DefaultCleanupTimeout}, // go test's default: 20% kept
		{time.Minute, 48 * time.Second, 9 * time.Second},                // 20% kept
		{30 * time.Second, 20 * time.Second, 7500 * time.Millisecond},   // 10s kept
		{8 * time.Second, 4 * time.Second, 3 * time.Second},             // at most half kept
		{48 * time.Hour, liveTimeout, live.DefaultCleanupTimeout},
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
	if b := liveBudgetFor(now, time.Time{}, false); b.run != liveTimeout || b.cleanup != live.DefaultCleanupTimeout || b.limited {
		t.Errorf("without -timeout: %+v", b)
	}
}

// TestLiveAPIKeepsTimeForCleanup: go test -timeout 8s on a seeded live
// run against a server that stalls: the test fails on its own deadline,
// before go test's, having deleted every token it created (no "panic: test
// timed out", no token left).
func TestLiveAPIKeepsTimeForCleanup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a live test of 8s in a child process")
	}
	m := newStallingSeedServer(t)
	start := time.Now()
	cmd, out := seededChild(t, m, 8*time.Second)
	err := cmd.Wait()
	text := out.String()
	if err == nil || strings.Contains(text, "test timed out") || !strings.Contains(text, "--- FAIL: TestLiveAPI") ||
		!strings.Contains(text, "its share of go test's -timeout") || !strings.Contains(text, "every token it created was deleted") {
		t.Errorf("after %s, err %v:\n%s", time.Since(start).Round(time.Millisecond), err, text)
	}
	if m.creates.Load() != 3 || m.deletes.Load() != 3 {
		t.Errorf("%d creates, %d deletes; want 3 and 3", m.creates.Load(), m.deletes.Load())
	}
	if left := m.left(t); left != 0 {
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
			m := newStallingSeedServer(t)
			cmd, out := seededChild(t, m, time.Minute)
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
			if left := m.left(t); left != 0 {
				t.Errorf("the server holds %d of the run's tokens", left)
			}
		})
	}
}

// liveTestChild runs this test binary's TestLiveAPI, as go test ./contract
// runs it, with go test's -timeout given and the LETTA_* variables of env
// and no others; started, not waited for.
func liveTestChild(t *testing.T, timeout time.Duration, env ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLiveAPI$", "-test.v", "-test.count=1", "-test.timeout="+timeout.String())
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LETTA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// TestGoTestContractRunsTheLiveCheck: go test ./contract with LETTA_API_KEY
// and LETTA_BASE_URL pointing at a drifting server fails, naming the
// drift; without a key it skips, saying what to set; with
// LETTA_REQUIRE_LIVE=1 and no key it fails.
func TestGoTestContractRunsTheLiveCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the live test in child processes")
	}
	const key = "sk-let-childLiveTestKey000000"
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(12), APIKey: key, Drift: "renamed-expiresAt"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	cmd, out := liveTestChild(t, time.Minute, "LETTA_API_KEY="+key, "LETTA_BASE_URL="+ts.URL)
	err = cmd.Wait()
	text := out.String()
	if err == nil || !strings.Contains(text, "--- FAIL: TestLiveAPI") || !strings.Contains(text, "breaking drift") ||
		!strings.Contains(text, `required property "expiresAt" is missing`) || !strings.Contains(text, "expires_at") {
		t.Errorf("against a mock serving renamed-expiresAt: err %v, want a failure naming the drift:\n%s", err, text)
	}
	if strings.Contains(text, key[len("sk-let-"):len("sk-let-")+12]) {
		t.Errorf("the output holds the key:\n%s", text)
	}

	cmd, out = liveTestChild(t, time.Minute)
	err = cmd.Wait()
	text = out.String()
	if err != nil || !strings.Contains(text, "--- SKIP: TestLiveAPI") || !strings.Contains(text, "LETTA_API_KEY is not set: skipping live contract checks") {
		t.Errorf("without a key: err %v, want a skip that says why:\n%s", err, text)
	}

	cmd, out = liveTestChild(t, time.Minute, "LETTA_REQUIRE_LIVE=1")
	err = cmd.Wait()
	text = out.String()
	if err == nil || !strings.Contains(text, "--- FAIL: TestLiveAPI") || !strings.Contains(text, "LETTA_REQUIRE_LIVE=1 but LETTA_API_KEY is not set") {
		t.Errorf("LETTA_REQUIRE_LIVE=1 without a key: err %v, want a failure:\n%s", err, text)
	}
}

// seedKey is the key of the servers the seeded child runs call.
const seedKey = "sk-let-liveTestSECRETkey0000"

// seedServer is a mock that counts the creates and deletes it answered
// with 201 and 204, and, once the run has created its 3 tokens, stalls:
// every answer takes 100ms, and every list hangs until its request ends.
// Deletes still answer.
type seedServer struct {
	srv              *mock.Server
	url              string
	creates, deletes atomic.Int64
}

func newStallingSeedServer(t *testing.T) *seedServer {
	t.Helper()
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(3), APIKey: seedKey})
	if err != nil {
		t.Fatal(err)
	}
	m := &seedServer{srv: srv}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(100 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		if r.Method == http.MethodGet && m.creates.Load() >= 3 {
			<-r.Context().Done()
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		switch {
		case r.Method == http.MethodPost && rec.Code == http.StatusCreated:
			m.creates.Add(1)
		case r.Method == http.MethodDelete && rec.Code == http.StatusNoContent:
			m.deletes.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(ts.Close)
	m.url = ts.URL
	return m
}

// left counts, straight from the mock, the tokens it holds whose hostname
// is a seeded run's.
func (m *seedServer) left(t *testing.T) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=100000", nil)
	req.Header.Set("Authorization", "Bearer "+seedKey)
	rec := httptest.NewRecorder()
	m.srv.ServeHTTP(rec, req)
	var page gen.TokenPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("listing the mock: %d %v", rec.Code, err)
	}
	n := 0
	for _, tok := range page.Tokens {
		if strings.HasPrefix(tok.Hostname, live.SeedHostname) {
			n++
		}
	}
	return n
}

// seededChild runs TestLiveAPI, seeded, against m with go test's -timeout
// given; started, not waited for.
func seededChild(t *testing.T, m *seedServer, timeout time.Duration) (*exec.Cmd, *bytes.Buffer) {
	return liveTestChild(t, timeout, "LETTA_API_KEY="+seedKey, "LETTA_BASE_URL="+m.url, "LETTA_CONTRACT_SEED=1", "LETTA_MAX_TOKENS=1000")
}
